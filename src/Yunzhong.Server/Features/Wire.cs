using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Yunzhong.Server.Features;

/// <summary>The order the queue hands tasks out in.</summary>
public enum TaskOrder { Priority, Random, LeastAnnotated, MostUncertain }

/// <summary>Which submitted annotations wait for a reviewer.</summary>
public enum ReviewPolicy { None, Sample, All }

public enum OrganizationKind { Client, Vendor, Operator }

/// <summary>One role of a member in an organisation (the server's own checks use the <see cref="Security.Roles"/> flags).</summary>
public enum Role { Admin, Manager, Annotator, Reviewer, Trainer }

/// <summary>Where an annotation version stands: <c>submitted</c> (no review wanted), <c>pending</c> review, judged, or replaced by a fix.</summary>
public enum AnnotationStatus { Submitted, Pending, Accepted, Rejected, Superseded }

public enum ReviewAction { Accept, Reject, Fix }

public enum BulkAction { Delete, Priority, Release }

/// <summary>An export file's format on the wire (<c>labelstudio</c> in one word, as `yz export --format` takes it).</summary>
public enum ExportFileFormat { Jsonl, Labelstudio, Csv, Conll, Coco, Yolo, Voc, Parquet }

/// <summary>An export job's state. <c>Incomplete</c>: the file is written and can be downloaded, but
/// some items could not be expressed in its format (the job's <c>error</c> says how many and the first).</summary>
public enum ExportStatus { Queued, Running, Done, Incomplete, Failed }

/// <summary>
/// The one JSON form of the API, for the server, the CLI and the tests: enums as snake_case strings
/// (never numbers), numbers as JSON numbers only. Strict numbers also keep the OpenAPI document's ids
/// plain <c>integer</c>s: with the web defaults' "numbers may be strings" every number was described
/// as <c>["integer", "string"]</c> with a pattern, and a generated client typed ids as strings.
/// </summary>
public static class Wire
{
    public static readonly JsonNamingPolicy EnumNaming = JsonNamingPolicy.SnakeCaseLower;

    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new WireEnumConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }

    private static readonly ConcurrentDictionary<Type, (Dictionary<string, object> ByName, Dictionary<object, string> ByValue)> _names = new();

    private static (Dictionary<string, object> ByName, Dictionary<object, string> ByValue) NamesOf<T>() where T : struct, Enum =>
        _names.GetOrAdd(typeof(T), _ =>
        {
            var values = Enum.GetValues<T>();
            return (values.ToDictionary(v => EnumNaming.ConvertName(v.ToString()), v => (object)v, StringComparer.Ordinal),
                values.ToDictionary(v => (object)v, v => EnumNaming.ConvertName(v.ToString())));
        });

    /// <summary>The wire (and stored) name of an enum value: <c>TaskState.InProgress</c> is <c>in_progress</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => NamesOf<T>().ByValue[value];

    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        if (name is not null && NamesOf<T>().ByName.TryGetValue(name, out var v))
        {
            value = (T)v;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A stored value; the database holds the wire names, so one that does not parse is a bug, not bad input.</summary>
    public static T Parse<T>(string name) where T : struct, Enum =>
        TryParse<T>(name, out var v) ? v : throw new InvalidOperationException($"'{name}' is not a {typeof(T).Name}.");

    /// <summary>Every wire name of <typeparamref name="T"/>, for error messages.</summary>
    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));

    /// <summary>A comma-separated list of wire names (a query filter); false names the first that is not one.</summary>
    public static bool TryParseList<T>(string? csv, out T[] values) where T : struct, Enum
    {
        var parts = csv?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        values = new T[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParse(parts[i], out values[i]))
            {
                return false;
            }
        }
        values = values.Distinct().ToArray();
        return true;
    }
}
