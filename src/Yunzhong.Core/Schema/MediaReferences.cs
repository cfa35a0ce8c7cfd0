using System.Buffers;

namespace Yunzhong.Core.Schema;

/// <summary>One media reference in a task's data.</summary>
/// <param name="Field">The schema field that holds it.</param>
/// <param name="Page">A document's listed page image (from 0); -1 for the field's own medium (an image,
/// audio, video, a time series' CSV or a document's PDF).</param>
/// <param name="PageKey">The document field's <see cref="FieldDef.PageKey"/> when its pages are objects.</param>
/// <param name="Value">The reference as written: a URL, the project's media URL, or <c>media:NAME</c> before an import rewrites it.</param>
public readonly record struct MediaReference(string Field, int Page, string? PageKey, string Value)
{
    /// <summary>Where the reference lies inside the task's <c>data</c>, as a JSON pointer:
    /// <c>/image</c>, <c>/pages/2</c>, <c>/document/2/page</c>.</summary>
    public string Path => Page < 0 ? "/" + Field
        : PageKey is null ? $"/{Field}/{Page.ToString(CultureInfo.InvariantCulture)}"
        : $"/{Field}/{Page.ToString(CultureInfo.InvariantCulture)}/{PageKey}";
}

/// <summary>
/// The one walk over task data for the media it refers to, as the schema's fields lay them out: a
/// string in an <c>image</c>, <c>audio</c>, <c>video</c> or <c>timeseries</c> field (a time series' CSV;
/// inline columns name none), and a <c>document</c>'s PDF string or its listed page images — an array of
/// strings, or of objects holding each page under the field's <see cref="FieldDef.PageKey"/>. Imports
/// (the <c>media:</c> shorthand), the media index, exports and releases all ask this, so a field shape
/// added here is followed everywhere at once. Values of other shapes are not references and are left
/// to the schema's data check. Immutable and safe to share; get it from <see cref="LabelSchema.Media"/>.
/// </summary>
public sealed class MediaReferences
{
    private readonly Field[] _fields;

    private sealed record Field(string Name, byte[] Utf8, bool Pages, string? PageKey, byte[]? PageKeyUtf8);

    /// <summary>The walk over the fields of <paramref name="fields"/> that hold media.</summary>
    public MediaReferences(IEnumerable<FieldDef> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields
            .Where(f => f.Type is FieldType.Image or FieldType.Audio or FieldType.Video or FieldType.TimeSeries or FieldType.Document)
            .Select(f => new Field(f.Name, Encoding.UTF8.GetBytes(f.Name), f.Type == FieldType.Document, f.PageKey,
                f.PageKey is null ? null : Encoding.UTF8.GetBytes(f.PageKey)))];
    }

    /// <summary>Whether any field can hold media; when none does, task data need not be read at all.</summary>
    public bool Any => _fields.Length > 0;

    /// <summary>The media references of task data <paramref name="data"/> in field order, pages in page order;
    /// data that is not an object names none.</summary>
    public IEnumerable<MediaReference> In(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var f in _fields)
        {
            if (!data.TryGetProperty(f.Name, out var v))
            {
                continue;
            }

            if (v.ValueKind == JsonValueKind.String)
            {
                yield return new MediaReference(f.Name, -1, f.PageKey, v.GetString()!);
            }
            else if (f.Pages && v.ValueKind == JsonValueKind.Array)
            {
                var page = 0;
                foreach (var item in v.EnumerateArray())
                {
                    if (PageOf(f, item) is { } reference)
                    {
                        yield return new MediaReference(f.Name, page, f.PageKey, reference);
                    }

                    page++;
                }
            }
        }
    }

    /// <summary>Adds the reference values of task data <paramref name="json"/> to <paramref name="into"/>, read
    /// without building a document (what an export or a release asks of every task); data that is not an
    /// object, or not JSON, names none.</summary>
    public void AddValues(string json, ICollection<string> into)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(into);
        if (_fields.Length == 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            AddValues(buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, buffer)), into);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>As <see cref="AddValues(string, ICollection{string})"/>, from UTF-8 bytes.</summary>
    public void AddValues(ReadOnlySpan<byte> utf8Json, ICollection<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = FieldAt(ref reader);
                reader.Read();
                if (field is null)
                {
                    reader.Skip();
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    into.Add(reader.GetString()!);
                }
                else if (field.Pages && reader.TokenType == JsonTokenType.StartArray)
                {
                    AddPages(ref reader, field, into);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Broken data names no more media; whoever reads the data reports it.
        }
    }

    /// <summary>
    /// Task data <paramref name="data"/> (whose bytes are <paramref name="raw"/>) with each reference for which
    /// <paramref name="map"/> answers a new value replaced by it, everything else as it was; <paramref name="raw"/>
    /// itself when nothing changes.
    /// </summary>
    public byte[] Rewrite(JsonElement data, byte[] raw, Func<MediaReference, string?> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!In(data).Any(r => map(r) is not null))
        {
            return raw;
        }

        using var buffer = new MemoryStream(raw.Length + 64);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var p in data.EnumerateObject())
            {
                var f = Array.Find(_fields, x => x.Name == p.Name);
                w.WritePropertyName(p.Name);
                if (f is null)
                {
                    p.Value.WriteTo(w);
                }
                else if (p.Value.ValueKind == JsonValueKind.String)
                {
                    WriteValue(w, p.Value, map(new MediaReference(f.Name, -1, f.PageKey, p.Value.GetString()!)));
                }
                else if (f.Pages && p.Value.ValueKind == JsonValueKind.Array)
                {
                    WritePages(w, f, p.Value, map);
                }
                else
                {
                    p.Value.WriteTo(w);
                }
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WritePages(Utf8JsonWriter w, Field f, JsonElement pages, Func<MediaReference, string?> map)
    {
        w.WriteStartArray();
        var page = 0;
        foreach (var item in pages.EnumerateArray())
        {
            var reference = PageOf(f, item);
            var to = reference is null ? null : map(new MediaReference(f.Name, page, f.PageKey, reference));
            if (to is null)
            {
                item.WriteTo(w);
            }
            else if (f.PageKey is null)
            {
                w.WriteStringValue(to);
            }
            else
            {
                w.WriteStartObject();
                foreach (var p in item.EnumerateObject())
                {
                    w.WritePropertyName(p.Name);
                    WriteValue(w, p.Value, p.Name == f.PageKey ? to : null);
                }

                w.WriteEndObject();
            }

            page++;
        }

        w.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter w, JsonElement value, string? replacement)
    {
        if (replacement is null)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteStringValue(replacement);
        }
    }

    /// <summary>The page image a document's array item names: the item itself, or its page key's value.</summary>
    private static string? PageOf(Field f, JsonElement item) =>
        f.PageKey is null
            ? item.ValueKind == JsonValueKind.String ? item.GetString() : null
            : item.ValueKind == JsonValueKind.Object && item.TryGetProperty(f.PageKey, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    private Field? FieldAt(ref Utf8JsonReader reader)
    {
        foreach (var f in _fields)
        {
            if (reader.ValueTextEquals(f.Utf8))
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>Reads a document's array of pages (the reader on its start) to its end, adding each page image.</summary>
    private static void AddPages(ref Utf8JsonReader reader, Field f, ICollection<string> into)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (f.PageKeyUtf8 is null)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    into.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                // A repeated page key counts once, its last value, as JsonElement.TryGetProperty answers.
                string? page = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isPage = reader.ValueTextEquals(f.PageKeyUtf8);
                    reader.Read();
                    if (isPage)
                    {
                        page = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }

                    reader.Skip();
                }

                if (page is not null)
                {
                    into.Add(page);
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
