using System.Text.Json.Nodes;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Hierarchical choices: a tree of options, and an answer of one or several paths from the root
/// down (<c>[["Animal", "Mammal", "Cat"]]</c>). A path may stop at an inner option unless the
/// control is <see cref="ControlDef.LeafsOnly"/>. Label Studio's <c>&lt;Taxonomy&gt;</c>.
/// </summary>
internal sealed class TaxonomyKind : ControlKind
{
    /// <summary>Between the options of a path in a CSV cell and in an agreement label.</summary>
    public const string PathSeparator = " / ";

    /// <summary>Between the paths of a multiple answer in a CSV cell and in an agreement label.</summary>
    public const string MultiSeparator = "|";

    public override ControlType Type => ControlType.Taxonomy;

    public override string Name => "taxonomy";

    public override string LabelKey => "options";

    internal override bool NeedsLabels => true;

    internal override bool AllowsKey(string key) => key is "required" or "field" or "options" or "multiple" or "max" or "leafsOnly";

    // ---- the schema entry ----

    internal override void CheckEntry(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (!c.Multiple && c.Max is not null)
        {
            errors.Add(SchemaError.Of(path + "/max", "'max' applies only when 'multiple' is true; a single answer is exactly one path.", SchemaErrorCodes.SchemaMinMaxSingle,
                ("key", "max")));
        }
        else if (c.Max is < 1)
        {
            errors.Add(SchemaError.Of(path + "/max", $"'max' must be 1 or more, not {c.Max}.", SchemaErrorCodes.SchemaMaxBelowOne, ("value", c.Max)));
        }

        // The top level is checked with every control's labels; the levels below here.
        for (var i = 0; i < c.Labels.Count; i++)
        {
            if (c.Labels[i].Children is { } children)
            {
                CheckChildren(c, children, path + "/options/" + i + "/children", errors);
            }
        }
    }

    private static void CheckChildren(ControlDef c, IReadOnlyList<LabelDef> options, string path, List<SchemaError> errors)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i++)
        {
            var o = options[i];
            var itemPath = path + "/" + i;
            if (string.IsNullOrEmpty(o.Value))
            {
                errors.Add(new SchemaError(itemPath + "/value", "An option value must not be empty.", SchemaErrorCodes.SchemaLabelEmpty));
            }
            else if (!values.Add(o.Value))
            {
                errors.Add(SchemaError.Of(itemPath + "/value",
                    $"Option value {JsonText.Quote(o.Value)} appears more than once under the same parent in control {JsonText.Quote(c.Name)}.",
                    SchemaErrorCodes.SchemaLabelDuplicate, ("value", o.Value), ("control", c.Name)));
            }

            if (o.Hotkey is not null)
            {
                errors.Add(new SchemaError(itemPath + "/hotkey", "Only top-level options of a taxonomy take a hotkey.", SchemaErrorCodes.SchemaTaxonomyHotkey));
            }

            if (o.Children is { } children)
            {
                CheckChildren(c, children, itemPath + "/children", errors);
            }
        }
    }

    internal override void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        WriteLabels(w, LabelKey, c.Labels);
        w.WriteBoolean("multiple", c.Multiple);
        w.WriteBoolean("leafsOnly", c.LeafsOnly);
        if (c.Max is { } max)
        {
            w.WriteNumber("max", max);
        }
    }

    // ---- results ----

    /// <summary>One option of the tree, with its children looked up by value without allocating.</summary>
    internal sealed class Node
    {
        private readonly Dictionary<string, Node> _children = new(StringComparer.Ordinal);

        public Node(IReadOnlyList<LabelDef>? options)
        {
            if (options is null)
            {
                Lookup = _children.GetAlternateLookup<ReadOnlySpan<char>>();
                return;
            }

            foreach (var o in options)
            {
                _children.TryAdd(o.Value, new Node(o.Children));
            }

            Lookup = _children.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public bool IsLeaf => _children.Count == 0;

        public Dictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        public Node? Child(string value) => _children.GetValueOrDefault(value);
    }

    internal override object? Prepare(ControlDef def) => new Node(def.Labels);

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Taxonomy(plan, value);

    /// <summary>The paths of an answer; empty when the value is not an array of string arrays.</summary>
    internal static List<string[]> Paths(JsonElement value)
    {
        var paths = new List<string[]>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            return paths;
        }

        foreach (var p in value.EnumerateArray())
        {
            if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0 && p.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
            {
                paths.Add([.. p.EnumerateArray().Select(s => s.GetString()!)]);
            }
        }

        return paths;
    }

    private static List<string[]> Paths(JsonElement result, string control) =>
        ResultValues.TryGet(result, control, out var v) ? Paths(v) : [];

    private static string Key(string[] path) => string.Join(PathSeparator, path);

    // ---- Label Studio ----

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Taxonomy"];

    /// <remarks>
    /// Label Studio's taxonomy is multi-select unless <c>maxUsages="1"</c>; <c>showFullPath</c>,
    /// <c>pathSeparator</c>, <c>placeholder</c> and the widths only change how it is shown, so they
    /// are taken without a trace. Options loaded from <c>apiUrl</c> and per-region taxonomies have no
    /// native form and are refused.
    /// </remarks>
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        if (LabelStudioImportContext.Attr(e, "apiUrl") is not null)
        {
            context.Error(e, $"<Taxonomy> '{name}' loads its options from apiUrl; list them as nested <Choice> tags instead.", SchemaErrorCodes.LabelStudioTaxonomyApi, ("name", name));
            return null;
        }

        if (string.Equals(LabelStudioImportContext.Attr(e, "perRegion"), "true", StringComparison.OrdinalIgnoreCase))
        {
            context.Error(e, $"<Taxonomy> '{name}' is per region; a native taxonomy labels the whole task.", SchemaErrorCodes.LabelStudioTaxonomyPerRegion, ("name", name));
            return null;
        }

        var d = new LabelStudioDraft(e, name!, ControlType.Taxonomy)
        {
            Field = field!.Name,
            Multiple = true,
            LeafsOnly = string.Equals(LabelStudioImportContext.Attr(e, "leafsOnly"), "true", StringComparison.OrdinalIgnoreCase),
        };
        if (LabelStudioImportContext.Attr(e, "maxUsages") is { } usagesText)
        {
            if (!int.TryParse(usagesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var usages) || usages < 1)
            {
                context.Error(e, $"maxUsages '{usagesText}' is not a whole number of 1 or more.", SchemaErrorCodes.LabelStudioNotWhole, ("attribute", "maxUsages"), ("value", usagesText));
                return null;
            }

            d.Multiple = usages > 1;
            d.Max = usages > 1 ? usages : null;
        }

        d.Labels.AddRange(Options(e, context) ?? []);
        return d;
    }

    /// <summary>The nested <c>&lt;Choice&gt;</c> options under an element; null when it has none.</summary>
    /// <remarks>Recursion is bounded: the config's nesting was checked against
    /// <see cref="SchemaLimits.MaxDepth"/> when it was read.</remarks>
    private static List<LabelDef>? Options(XElement parent, LabelStudioImportContext context)
    {
        List<LabelDef>? options = null;
        foreach (var child in parent.Elements())
        {
            if (!child.Name.LocalName.Equals("Choice", StringComparison.OrdinalIgnoreCase))
            {
                context.Unmapped(child);
                continue;
            }

            var value = LabelStudioImportContext.Attr(child, "value");
            if (value is null)
            {
                context.Error(child, "<Choice> needs a 'value' attribute.", SchemaErrorCodes.LabelStudioNeedsAttribute, ("tag", "Choice"), ("attribute", "value"));
                continue;
            }

            var hotkey = LabelStudioImportContext.Attr(child, "hotkey");
            var color = LabelStudioImportContext.Attr(child, "background");
            (options ??= []).Add(new LabelDef(value, string.IsNullOrEmpty(hotkey) ? null : hotkey,
                string.IsNullOrEmpty(color) ? null : color, Options(child, context)));
        }

        return options;
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context)
    {
        var byControl = context.ByControl;
        if (!value.TryGetProperty("taxonomy", out var taxonomy) || taxonomy.ValueKind != JsonValueKind.Array
            || taxonomy.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.Array || p.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String)))
        {
            return "value.taxonomy must be an array of paths, each an array of strings";
        }

        var list = byControl.TryGetValue(control.Name, out var prior) ? (JsonArray)prior : new JsonArray();
        byControl[control.Name] = list;
        foreach (var path in Paths(taxonomy))
        {
            if (!list.Any(n => n!.AsArray().Select(s => s!.GetValue<string>()).SequenceEqual(path, StringComparer.Ordinal)))
            {
                list.Add(new JsonArray([.. path.Select(s => (JsonNode?)s)]));
            }
        }

        return null;
    }

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement value, LabelStudioResultContext context)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return "a taxonomy value must be an array of paths";
        }

        if (value.GetArrayLength() > 0)
        {
            context.Output.Add(context.Item(control, control.Name, "taxonomy", new JsonObject { ["taxonomy"] = JsonNode.Parse(value.GetRawText()) }));
        }

        return null;
    }

    // ---- quality ----

    /// <summary>
    /// Each gold path earns the share of it the best answered path shares from the root
    /// (<c>Animal/Mammal/Cat</c> against <c>Animal/Mammal/Dog</c> earns 2/3); the sum is divided by
    /// the larger of the two path counts, so a missing or an extra path costs as a wrong one does.
    /// An exact answer scores 1. Paths are matched best first, each answered path used once.
    /// </summary>
    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole)
    {
        var wanted = Paths(gold);
        var given = Paths(result);
        var total = Math.Max(wanted.Count, given.Count);
        if (total == 0)
        {
            return 1;
        }

        var pairs = new List<(double Credit, int Gold, int Given)>();
        for (var g = 0; g < wanted.Count; g++)
        {
            for (var a = 0; a < given.Count; a++)
            {
                var shared = 0;
                while (shared < wanted[g].Length && shared < given[a].Length && wanted[g][shared] == given[a][shared])
                {
                    shared++;
                }

                if (shared > 0)
                {
                    pairs.Add(((double)shared / Math.Max(wanted[g].Length, given[a].Length), g, a));
                }
            }
        }

        pairs.Sort((x, y) => y.Credit.CompareTo(x.Credit));
        var goldUsed = new bool[wanted.Count];
        var givenUsed = new bool[given.Count];
        double sum = 0;
        foreach (var (credit, g, a) in pairs)
        {
            if (!goldUsed[g] && !givenUsed[a])
            {
                goldUsed[g] = givenUsed[a] = true;
                sum += credit;
            }
        }

        return sum / total;
    }

    /// <summary>The answer as one categorical label: its paths, sorted, as a choices answer's set is.</summary>
    internal static string? AgreementLabel(JsonElement result, string control)
    {
        var keys = Paths(result, control).Select(Key).ToArray();
        if (keys.Length == 0)
        {
            return null;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        return string.Join(MultiSeparator, keys);
    }

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new NominalAccumulator(c, r => AgreementLabel(r, name));
    }

    public override ConsensusWay Consensus => ConsensusWay.PerTask;

    /// <summary>
    /// A vote over the task's answers: a single-path control takes the path most answers chose (the
    /// ordinally first of a tie); a multiple one takes every path more than half the answers chose.
    /// <c>{"value": [paths], "confidence": share}</c>, the share of answers that chose the path (the
    /// mean over the paths taken; 0 when none is).
    /// </summary>
    public override void WriteConsensus(Utf8JsonWriter json, ControlDef c, IReadOnlyList<JsonElement> results)
    {
        var votes = new Dictionary<string, (string[] Path, int Count)>(StringComparer.Ordinal);
        var answers = 0;
        foreach (var r in results)
        {
            var paths = Paths(r, c.Name);
            if (paths.Count == 0)
            {
                continue;
            }

            answers++;
            foreach (var key in paths.Select(Key).Distinct(StringComparer.Ordinal))
            {
                votes[key] = votes.TryGetValue(key, out var v) ? (v.Path, v.Count + 1) : (paths.First(p => Key(p) == key), 1);
            }
        }

        var ranked = votes.OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Value).ToList();
        var taken = c.Multiple
            ? ranked.Where(v => v.Count * 2 > answers).ToList()
            : ranked.Take(1).ToList();
        json.WriteStartObject(c.Name);
        json.WriteStartArray("value");
        foreach (var (path, _) in taken)
        {
            json.WriteStartArray();
            foreach (var step in path)
            {
                json.WriteStringValue(step);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteNumber("confidence", taken.Count == 0 ? 0 : taken.Average(v => (double)v.Count / answers));
        json.WriteEndObject();
    }

    // ---- exports ----

    internal override bool HasCsvColumn => true;

    /// <summary>Each path's options joined with <c> / </c>, the paths with <c>|</c>.</summary>
    internal override string CsvCell(JsonElement v) => string.Join(MultiSeparator, Paths(v).Select(Key));
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- taxonomy ----

        internal void Taxonomy(ControlPlan plan, JsonElement value)
        {
            var name = plan.Def.Name;
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail(plan.Pointer, $"Taxonomy '{name}' must be an array of paths (each an array of option values), not {JsonText.Describe(value)}.", SchemaErrorCodes.NotList);
                return;
            }

            var root = (TaxonomyKind.Node)plan.KindState!;
            // Only an answer of several paths can repeat one, and only it pays for the set.
            var seen = value.GetArrayLength() > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            var i = 0;
            foreach (var path in value.EnumerateArray())
            {
                TaxonomyPath(plan, root, path, i, seen);
                i++;
            }

            var c = plan.Def;
            if (!c.Multiple && i != 1)
            {
                Fail(plan.Pointer, $"Taxonomy '{name}' takes exactly one path; the result has {i}.", SchemaErrorCodes.TaxonomyCount, ("max", 1), ("count", i));
            }
            else if (c.Max is { } max && i > max)
            {
                Fail(plan.Pointer, $"Taxonomy '{name}' allows at most {max} paths; the result has {i}.", SchemaErrorCodes.TaxonomyCount, ("max", max), ("count", i));
            }
        }

        private void TaxonomyPath(ControlPlan plan, TaxonomyKind.Node root, JsonElement path, int i, HashSet<string>? seen)
        {
            var name = plan.Def.Name;
            if (path.ValueKind != JsonValueKind.Array || path.GetArrayLength() == 0)
            {
                Fail(At(plan, i), $"Path {i} of '{name}' must be a non-empty array of option values, not {JsonText.Describe(path)}.", SchemaErrorCodes.TaxonomyPathInvalid);
                return;
            }

            Span<char> buffer = stackalloc char[256];
            var node = root;
            var depth = 0;
            foreach (var step in path.EnumerateArray())
            {
                if (step.ValueKind != JsonValueKind.String)
                {
                    Fail(At(plan, i, depth.ToString(CultureInfo.InvariantCulture)),
                        $"Step {depth} of path {i} of '{name}' must be an option value (a string), not {JsonText.Describe(step)}.", SchemaErrorCodes.NotText);
                    return;
                }

                TaxonomyKind.Node? next;
                if (JsonText.TryCopyString(step, buffer, out var n))
                {
                    node.Lookup.TryGetValue(buffer[..n], out next);
                }
                else
                {
                    next = node.Child(JsonText.SafeString(step));
                }

                if (next is null)
                {
                    var at = At(plan, i, depth.ToString(CultureInfo.InvariantCulture));
                    if (depth == 0)
                    {
                        Fail(at, $"{JsonText.Describe(step)} is not a top-level option of taxonomy '{name}'.", SchemaErrorCodes.TaxonomyUnknownTop, ("value", JsonText.Value(step)));
                    }
                    else
                    {
                        Fail(at, $"{JsonText.Describe(step)} is not an option under {JsonText.Describe(path[depth - 1])} in taxonomy '{name}'.",
                            SchemaErrorCodes.TaxonomyUnknownUnder, ("value", JsonText.Value(step)), ("parent", JsonText.Value(path[depth - 1])));
                    }
                    return;
                }

                node = next;
                depth++;
            }

            if (plan.Def.LeafsOnly && !node.IsLeaf)
            {
                Fail(At(plan, i), $"Path {i} of '{name}' ends at an option with options under it; taxonomy '{name}' takes leaves only.", SchemaErrorCodes.TaxonomyNotLeaf);
                return;
            }

            if (seen is not null && !seen.Add(string.Join('\u001f', path.EnumerateArray().Select(JsonText.SafeString))))
            {
                Fail(At(plan, i), $"Path {i} of '{name}' is chosen more than once.", SchemaErrorCodes.TaxonomyRepeated);
            }
        }
    }
}
