using System.Buffers;
using System.Runtime.InteropServices;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Checks an annotation result against its schema and task (the rules of
/// <c>docs/label-schema.md</c>). Runs on the submit path: it reads the <see cref="JsonElement"/>s in
/// place and allocates little beyond region ids and the errors it reports.
/// </summary>
public static partial class AnnotationValidator
{
    // Media durations are probed on the server and by the browser, which disagree by a frame or so.
    private const double DurationToleranceSeconds = 0.001;

    // Pixel coordinates are doubles; a rotated box computed by the client lands a hair outside.
    private const double PixelTolerance = 1e-6;

    [ThreadStatic]
    private static Dictionary<string, int>? _regionIds;

    /// <summary>Validates one annotation result.</summary>
    /// <param name="schema">The project's label schema.</param>
    /// <param name="taskData">The task's <c>data</c> object (texts, lists and media of the fields).</param>
    /// <param name="result">The result object, keyed by control name.</param>
    /// <param name="media">What is known of the media in a field, by field name; null when nothing is.</param>
    /// <returns>Every error found, each with a JSON pointer into <paramref name="result"/>; empty when valid.</returns>
    public static IReadOnlyList<SchemaError> Validate(
        LabelSchema schema,
        JsonElement taskData,
        JsonElement result,
        Func<string, MediaInfo?>? media = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        // First: System.Text.Json parses such strings without complaint and throws when one is read,
        // and every check below reads strings, down to describing a wrong value (found by fuzzing).
        if (!JsonText.IsValidUnicode(result))
        {
            return [new SchemaError("", LabelSchema.InvalidUnicode, SchemaErrorCodes.BadUnicode)];
        }

        if (result.ValueKind != JsonValueKind.Object)
        {
            return [new SchemaError("", $"The result must be an object keyed by control name, not {JsonText.Describe(result)}.", SchemaErrorCodes.ResultNotObject)];
        }

        var ids = _regionIds ?? new Dictionary<string, int>(StringComparer.Ordinal);
        _regionIds = null; // re-entrancy (a media callback validating) gets its own
        try
        {
            var run = new Run(schema, taskData, media, ids);
            run.ValidateResult(result);
            return run.Errors ?? (IReadOnlyList<SchemaError>)[];
        }
        finally
        {
            ids.Clear();
            if (ids.EnsureCapacity(0) <= 4096)
            {
                _regionIds = ids;
            }
        }
    }

    /// <summary>
    /// One validation of one result: the errors so far, region ids and what is known of the task.
    /// Each kind's own checks are a part of this class in the kind's file (<c>Controls/</c>), so
    /// they keep its helpers and state without a copy or an indirection on the submit path.
    /// </summary>
    internal sealed partial class Run(LabelSchema schema, JsonElement taskData, Func<string, MediaInfo?>? media, Dictionary<string, int> regionIds)
    {
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idLookup =
            regionIds.GetAlternateLookup<ReadOnlySpan<char>>();

        public List<SchemaError>? Errors { get; private set; }



        private void Fail(string path, string message, string code, params (string Key, object? Value)[] args) =>
            (Errors ??= []).Add(new SchemaError(path, message, code, args.ToDictionary(a => a.Key, a => a.Value)));

        private static string At(ControlPlan p, int i) => p.Pointer + "/" + i;

        private static string At(ControlPlan p, int i, string key) => p.Pointer + "/" + i + "/" + key;

        public void ValidateResult(JsonElement result)
        {
            var matched = 0;
            foreach (var index in schema.Order)
            {
                var plan = schema.Plans[index];
                if (plan.PerRegionControls is not null || plan.Def.PerMessage is not null)
                {
                    // A per-region attribute is required of each region, not of the result.
                    var has = result.TryGetProperty(plan.NameUtf8, out var attributes);
                    if (has)
                    {
                        matched++;
                        if (!IsEmpty(attributes))
                        {
                            ValidateControl(plan, index, attributes);
                        }
                    }

                    if (plan.Def.Required)
                    {
                        PerRegionRequired(plan, has ? attributes : default);
                    }

                    continue;
                }

                if (!result.TryGetProperty(plan.NameUtf8, out var value))
                {
                    if (plan.Def.Required)
                    {
                        Fail(plan.Pointer, $"Control '{plan.Def.Name}' is required but the result has no value for it.", SchemaErrorCodes.Required);
                    }

                    continue;
                }

                matched++;
                if (IsEmpty(value))
                {
                    if (plan.Def.Required)
                    {
                        Fail(plan.Pointer, $"Control '{plan.Def.Name}' is required but its value is empty.", SchemaErrorCodes.Required);
                    }

                    continue;
                }

                ValidateControl(plan, index, value);
            }

            if (result.TryGetProperty(ResultIds.Key, out var ids))
            {
                matched++;
                ResultIdsOf(ids);
            }

            var count = 0;
            foreach (var _ in result.EnumerateObject())
            {
                count++;
            }

            if (count != matched)
            {
                ReportUnknownKeys(result);
            }
        }

        private void ReportUnknownKeys(JsonElement result)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in result.EnumerateObject())
            {
                var path = "/" + JsonText.EscapePointerToken(p.Name);
                if (p.NameEquals(ResultIds.Key) && seen.Add(p.Name))
                {
                    continue;
                }

                if (schema.Control(p.Name) is null)
                {
                    Fail(path, $"{JsonText.Quote(p.Name)} is not a control of the schema.", SchemaErrorCodes.UnknownControl);
                }
                else if (!seen.Add(p.Name))
                {
                    Fail(path, $"Control {JsonText.Quote(p.Name)} appears more than once in the result.", SchemaErrorCodes.ControlRepeated, ("name", p.Name));
                }
            }
        }

        private static bool IsEmpty(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.Array => v.GetArrayLength() == 0,
            JsonValueKind.String => JsonMarshal.GetRawUtf8Value(v).Length == 2,
            JsonValueKind.Object => !v.EnumerateObject().MoveNext(),
            _ => false,
        };

        private void ValidateControl(ControlPlan plan, int index, JsonElement value) =>
            ControlKinds.Of(plan.Def.Type).Validate(this, plan, index, value);

        // ---- regions: shared checks ----

        /// <summary>Checks a region's keys, id and label; false when it is not an object at all.</summary>
        private bool Region(ControlPlan plan, int index, int i, JsonElement item, string kind, RegionKeys keys)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                Fail(At(plan, i), $"Each {kind} of '{plan.Def.Name}' must be an object, not {JsonText.Describe(item)}.", SchemaErrorCodes.ItemNotObject);
                return false;
            }

            foreach (var p in item.EnumerateObject())
            {
                if (p.NameEquals("score"u8))
                {
                    // A model's (or a tool's) confidence in the region; Label Studio keeps one per result item.
                    if (p.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(p.Value.GetDouble()))
                    {
                        Fail(At(plan, i, "score"), $"'score' of a {kind} must be a number, not {JsonText.Describe(p.Value)}.", SchemaErrorCodes.NotNumber, ("key", "score"));
                    }
                }
                else if (!keys.Contains(p) && !p.NameEquals("id"u8) && !p.NameEquals("label"u8))
                {
                    Fail(At(plan, i, JsonText.EscapePointerToken(p.Name)),
                        $"Key '{p.Name}' does not belong in a {kind}; it has id, label, score, {string.Join(", ", keys.Names)}.", SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                }
            }

            if (!item.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String || IsEmpty(id))
            {
                Fail(At(plan, i, "id"), id.ValueKind == JsonValueKind.Undefined
                    ? $"Each {kind} of '{plan.Def.Name}' needs a non-empty string id."
                    : $"Each {kind} of '{plan.Def.Name}' needs a non-empty string id, not {JsonText.Describe(id)}.", SchemaErrorCodes.RegionIdNeeded);
            }
            else
            {
                AddRegionId(plan, index, i, id);
            }

            Label(plan, i, item, kind);
            return true;
        }

        /// <summary>The keys a kind of region has besides id and label, kept as UTF-8 for fast matching.</summary>
        private sealed class RegionKeys(params string[] names)
        {
            private readonly byte[][] _utf8 = [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

            public string[] Names { get; } = names;

            public bool Contains(JsonProperty p)
            {
                foreach (var k in _utf8)
                {
                    if (p.NameEquals(k))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        private Dictionary<ControlDef, HashSet<string>>? _dataOptions;

        /// <summary>The options of a control that takes them from the task data, read once per validation.</summary>
        internal HashSet<string> DataOptionsOf(ControlPlan plan)
        {
            _dataOptions ??= [];
            if (!_dataOptions.TryGetValue(plan.Def, out var values))
            {
                _dataOptions[plan.Def] = values = DataOptions.Of(plan.Def, taskData);
            }

            return values;
        }

        private void Label(ControlPlan plan, int i, JsonElement item, string kind)
        {
            var has = item.TryGetProperty("label"u8, out var label) && label.ValueKind != JsonValueKind.Null;
            if (plan.Def.LabelsFrom is not null)
            {
                if (!has)
                {
                    Fail(At(plan, i, "label"), $"Each {kind} of '{plan.Def.Name}' needs a label.", SchemaErrorCodes.LabelNeeded);
                }
                else if (label.ValueKind != JsonValueKind.String || !DataOptionsOf(plan).Contains(label.GetString()!))
                {
                    Fail(At(plan, i, "label"), $"{JsonText.Describe(label)} is not a label of control '{plan.Def.Name}' for this task.",
                        SchemaErrorCodes.LabelUnknown, ("value", JsonText.Value(label)), ("control", plan.Def.Name));
                }

                return;
            }

            if (!plan.HasLabels)
            {
                if (has)
                {
                    Fail(At(plan, i, "label"), $"Control '{plan.Def.Name}' has no labels, so the {kind} cannot carry label {JsonText.Describe(label)}.",
                        SchemaErrorCodes.LabelNotTaken, ("control", plan.Def.Name));
                }

                return;
            }

            if (!has)
            {
                Fail(At(plan, i, "label"), $"Each {kind} of '{plan.Def.Name}' needs a label.", SchemaErrorCodes.LabelNeeded);
            }
            else if (!plan.TryGetLabel(label, out _))
            {
                Fail(At(plan, i, "label"), $"{JsonText.Describe(label)} is not a label of control '{plan.Def.Name}'.",
                    SchemaErrorCodes.LabelUnknown, ("value", JsonText.Value(label)), ("control", plan.Def.Name));
            }
        }

        private void AddRegionId(ControlPlan plan, int index, int i, JsonElement id)
        {
            Span<char> buffer = stackalloc char[128];
            if (JsonText.TryCopyString(id, buffer, out var n))
            {
                if (!_idLookup.TryAdd(buffer[..n], index))
                {
                    DuplicateId(plan, i, id);
                }
            }
            else if (!regionIds.TryAdd(JsonText.SafeString(id), index))
            {
                DuplicateId(plan, i, id);
            }
        }

        private void DuplicateId(ControlPlan plan, int i, JsonElement id) =>
            Fail(At(plan, i, "id"), $"Region id {JsonText.Describe(id)} is used more than once in the result.", SchemaErrorCodes.RegionIdRepeated, ("id", JsonText.Value(id)));

        /// <summary>The control index owning a region id, or -1.</summary>
        private int RegionOwner(JsonElement id)
        {
            Span<char> buffer = stackalloc char[128];
            if (JsonText.TryCopyString(id, buffer, out var n))
            {
                return _idLookup.TryGetValue(buffer[..n], out var owner) ? owner : -1;
            }

            return regionIds.TryGetValue(JsonText.SafeString(id), out var o) ? o : -1;
        }

        private bool Array(ControlPlan plan, JsonElement value, string kinds)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                return true;
            }

            Fail(plan.Pointer, $"'{plan.Def.Name}' must be an array of {kinds}, not {JsonText.Describe(value)}.", SchemaErrorCodes.NotList);
            return false;
        }

        private bool Number(ControlPlan plan, int i, JsonElement item, string key, string kind, out double value)
        {
            value = 0;
            if (!item.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail(At(plan, i, key), $"Each {kind} of '{plan.Def.Name}' needs a number '{key}'.", SchemaErrorCodes.NumberNeeded, ("key", key));
                return false;
            }

            if (v.ValueKind != JsonValueKind.Number)
            {
                Fail(At(plan, i, key), $"'{key}' of a {kind} must be a number, not {JsonText.Describe(v)}.", SchemaErrorCodes.NotNumber, ("key", key));
                return false;
            }

            value = v.GetDouble();
            return true;
        }

        private (int? Width, int? Height) ImageSize(ControlPlan plan) =>
            plan.Field is { } f && media?.Invoke(f.Name) is { } m ? (m.Width, m.Height) : (null, null);
    }
}
