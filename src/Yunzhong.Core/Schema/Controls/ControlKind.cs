namespace Yunzhong.Core.Schema;

/// <summary>How an export's <c>consensus</c> object gets a control's value.</summary>
public enum ConsensusWay
{
    /// <summary>The control has no consensus.</summary>
    None,

    /// <summary>Truth inference over the whole project (one categorical answer per task), run by the server.</summary>
    TruthInference,

    /// <summary>From the results in force of the one task, by <see cref="ControlKind.WriteConsensus"/>.</summary>
    PerTask,
}

/// <summary>
/// Everything one kind of control means, in one place: its schema entry, how a result is checked,
/// its Label Studio tags and results, gold scoring, agreement, consensus and export cells. One
/// sealed subclass per kind sits in <c>Schema/Controls/</c>; <see cref="ControlKinds"/> lists them.
/// Callers dispatch through <see cref="ControlKinds.Of"/> instead of switching on
/// <see cref="ControlType"/>. See <c>docs/architecture.md</c>, "Control kinds".
/// </summary>
/// <remarks>
/// An abstract class rather than an interface: most kinds take most defaults (no agreement, no CSV
/// column, the generic label checks), and a kind that needs one more hook adds an override, not a
/// change to ten implementations. Instances are singletons made once by the registry, so the submit
/// path pays one virtual call per control and allocates nothing for dispatch.
/// </remarks>
public abstract class ControlKind
{
    private protected ControlKind()
    {
    }

    /// <summary>The kind's member of <see cref="ControlType"/>.</summary>
    public abstract ControlType Type { get; }

    /// <summary>The native schema's <c>type</c> (e.g. <c>choices</c>).</summary>
    public abstract string Name { get; }

    // ---- the schema entry ----

    /// <summary>Whether the control has labels (options) at all.</summary>
    public virtual bool TakesLabels => true;

    /// <summary>The schema key of the labels: <c>labels</c>, or <c>options</c> for choice-like kinds.</summary>
    public virtual string LabelKey => "labels";

    /// <summary>Whether a release counts the uses of each label: labels written as values of results.</summary>
    public virtual bool CountsLabels => TakesLabels;

    /// <summary>Whether a control of this kind needs at least one label (option).</summary>
    internal virtual bool NeedsLabels => false;

    /// <summary>Whether the schema entry must name a <c>field</c>.</summary>
    internal virtual bool NeedsField => false;

    /// <summary>Field types the control's <c>field</c> may name; null means any.</summary>
    internal virtual FieldType[]? FittingFields => null;

    /// <summary>Keys of the schema entry besides <c>name</c> and <c>type</c>.</summary>
    internal abstract bool AllowsKey(string key);

    /// <summary>The kind's rules on the other controls its entry names, checked after its field.</summary>
    internal virtual void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
    }

    /// <summary>The kind's own rules on its entry, after the shared ones (name, field, references, labels).</summary>
    internal virtual void CheckEntry(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
    }

    /// <summary>Writes the kind's own keys of the native entry (after name, type, field, spans, perSegment; before required).</summary>
    internal virtual void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        if (TakesLabels)
        {
            WriteLabels(w, LabelKey, c.Labels);
        }
    }

    /// <summary>The <c>max</c> of the schema's canonical copy, with the kind's default made explicit.</summary>
    internal virtual int? NormalizedMax(ControlDef c) => c.Max;

    /// <summary>What validation of this kind needs of one control, built once per schema; null when nothing.</summary>
    internal virtual object? Prepare(ControlDef def) => null;

    private protected static void WriteLabels(Utf8JsonWriter w, string key, IReadOnlyList<LabelDef> labels)
    {
        w.WriteStartArray(key);
        foreach (var l in labels)
        {
            w.WriteStartObject();
            w.WriteString("value", l.Value);
            if (l.Title is not null)
            {
                w.WriteString("title", l.Title);
            }

            if (l.Hotkey is not null)
            {
                w.WriteString("hotkey", l.Hotkey);
            }

            if (l.Color is not null)
            {
                w.WriteString("color", l.Color);
            }

            if (l.Children is { } children)
            {
                WriteLabels(w, "children", children);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // ---- results ----

    /// <summary>Checks the control's non-empty value in a result, reporting through <paramref name="run"/>.</summary>
    internal abstract void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value);

    // ---- Label Studio ----

    /// <summary>
    /// Label Studio control tags this kind imports through <see cref="ImportLabelStudio"/>. References
    /// between controls (relations to spans, per-region text areas to segments, generic image labels
    /// to bare tools) are resolved by <see cref="LabelStudioConfig"/> once every tag is mapped.
    /// </summary>
    internal virtual IReadOnlyList<string> LabelStudioTags => [];

    /// <summary>Whether the kind's tags name themselves and the object they label (<c>name</c>, <c>toName</c>); relations do not.</summary>
    internal virtual bool LabelStudioTargets => true;

    /// <summary>
    /// Maps one of <see cref="LabelStudioTags"/> (or Label Studio's generic <c>Labels</c>, for spans and
    /// segments) into a draft; null when it reported why not. <paramref name="name"/> and
    /// <paramref name="field"/> are set when <see cref="LabelStudioTargets"/>.
    /// </summary>
    internal virtual LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        context.Unmapped(e);
        return null;
    }

    /// <summary>A draft of this kind for a Label Studio control on <paramref name="field"/>, its labels
    /// read from the <paramref name="labelTag"/> children (layout tags between them looked inside).</summary>
    private protected LabelStudioDraft LabelledDraft(XElement e, string name, FieldDef? field, LabelStudioImportContext context, string labelTag)
    {
        var d = new LabelStudioDraft(e, name, Type) { Field = field?.Name };
        context.AddLabels(d, e, labelTag);
        return d;
    }

    /// <summary>
    /// Converts one Label Studio result item of this control into the native value, merged into
    /// <see cref="LabelStudioResultContext.ByControl"/>; answers an error, or null. Relation items
    /// are resolved by <see cref="LabelStudioResults"/> itself once every region is known.
    /// </summary>
    internal virtual string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        LabelStudioResults.NoRegionForm(control, item, value, id, context);

    /// <summary>Adds the Label Studio result items of a native value to <see cref="LabelStudioResultContext.Output"/>; answers an error, or null.</summary>
    internal virtual string? LabelStudioFromNative(SchemaView.Control control, JsonElement value, LabelStudioResultContext context) =>
        $"control type '{control.Type}' has no Label Studio form";

    // ---- quality ----

    /// <summary>
    /// How well <paramref name="result"/> matches <paramref name="gold"/> (both this control's
    /// values; <paramref name="gold"/> non-empty), in [0, 1]; null when the kind is not scored.
    /// </summary>
    internal abstract double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole);

    /// <summary>An accumulator of this control's agreement; null when the kind has no agreement metric.</summary>
    public virtual AgreementAccumulator? CreateAgreement(ControlDef c) => null;

    /// <summary>How the export's consensus gets this control's value.</summary>
    public virtual ConsensusWay Consensus => ConsensusWay.None;

    /// <summary>
    /// For <see cref="ConsensusWay.PerTask"/>: writes the property <c>c.Name</c> and its consensus
    /// value from the results in force of one task (at least one).
    /// </summary>
    public virtual void WriteConsensus(Utf8JsonWriter json, ControlDef c, IReadOnlyList<JsonElement> results) =>
        throw new NotSupportedException($"A {Name} control has no per-task consensus.");

    // ---- exports ----

    /// <summary>Whether the CSV export has a column for this control.</summary>
    /// <summary>Writes consensus regions as an array named after the control: each region's own
    /// fields, then how many annotators support it and how far they agree on its label.</summary>
    protected static void WriteConsensusRegions<T>(Utf8JsonWriter json, string name, IEnumerable<ConsensusRegion<T>> regions, Action<Utf8JsonWriter, T> writeRegion)
    {
        json.WriteStartArray(name);
        foreach (var r in regions)
        {
            json.WriteStartObject();
            writeRegion(json, r.Region);
            json.WriteNumber("support", r.Support);
            json.WriteNumber("agreement", r.LabelAgreement);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    internal virtual bool HasCsvColumn => false;

    /// <summary>The CSV cell of this control's value: options joined with <c>|</c>, a number or a string as it is.</summary>
    internal virtual string CsvCell(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Array => string.Join("|", v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.String => v.GetString()!,
        _ => "",
    };
}
