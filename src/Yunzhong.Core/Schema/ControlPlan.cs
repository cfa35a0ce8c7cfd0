using System.Buffers;

namespace Yunzhong.Core.Schema;

/// <summary>What validation needs of one control, computed once per schema.</summary>
internal sealed class ControlPlan
{
    private readonly Dictionary<string, int> _labels;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _labelLookup;
    private readonly int _longestLabel;

    public ControlPlan(ControlDef def, FieldDef? field, int spansControl, int perSegmentControl, int[]? perRegionControls = null)
    {
        PerRegionControls = perRegionControls;
        Def = def;
        Field = field;
        SpansControl = spansControl;
        PerSegmentControl = perSegmentControl;
        NameUtf8 = Encoding.UTF8.GetBytes(def.Name);
        Pointer = "/" + def.Name;
        _labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < def.Labels.Count; i++)
        {
            _labels[def.Labels[i].Value] = i;
            _longestLabel = Math.Max(_longestLabel, def.Labels[i].Value.Length);
        }

        _labelLookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();
        KindState = ControlKinds.Of(def.Type).Prepare(def);
    }

    /// <summary>What the control's kind prepared for validation (<see cref="ControlKind.Prepare"/>).</summary>
    public object? KindState { get; }

    public ControlDef Def { get; }

    public FieldDef? Field { get; }

    /// <summary>Relations: index of the spans control; otherwise -1.</summary>
    public int SpansControl { get; }

    /// <summary>Per-segment transcription: index of the segments control; otherwise -1.</summary>
    public int PerSegmentControl { get; }

    /// <summary>Per-region attribute: indexes of the region controls whose regions it describes; otherwise null.</summary>
    public int[]? PerRegionControls { get; }

    public byte[] NameUtf8 { get; }

    /// <summary>JSON pointer of this control's value in a result (names never need escaping).</summary>
    public string Pointer { get; }

    public bool HasLabels => _labels.Count > 0;

    public bool ReferencesRegions => SpansControl >= 0 || PerSegmentControl >= 0 || PerRegionControls is not null;

    /// <summary>Finds a string element among the labels (options) without allocating.</summary>
    public bool TryGetLabel(JsonElement value, out int index)
    {
        index = -1;
        if (value.ValueKind != JsonValueKind.String || _labels.Count == 0)
        {
            return false;
        }

        var max = JsonText.MaxCharLength(value);
        if (max > 256)
        {
            // Longer raw text may still unescape to a label; this path is rare, so allocate.
            return max <= _longestLabel * 12 + 2 && _labels.TryGetValue(value.GetString()!, out index);
        }

        Span<char> buffer = stackalloc char[256];
        return JsonText.TryCopyString(value, buffer, out var n) && _labelLookup.TryGetValue(buffer[..n], out index);
    }

    public string LabelValue(int index) => Def.Labels[index].Value;

    /// <summary>
    /// Rents a buffer for a string element and copies it in; the caller returns it to the pool.
    /// Null when the string holds an escaped lone surrogate, which is not Unicode text.
    /// </summary>
    public static char[]? RentChars(JsonElement value, out int length)
    {
        // Unescaped text never has more UTF-16 units than the raw UTF-8 bytes.
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(16, JsonText.MaxCharLength(value)));
        if (JsonText.TryCopyString(value, buffer, out length))
        {
            return buffer;
        }

        ArrayPool<char>.Shared.Return(buffer);
        return null;
    }
}
