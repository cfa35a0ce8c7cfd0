namespace Yunzhong.Core.Schema;

/// <summary>
/// The registry of control kinds: one <see cref="ControlKind"/> per <see cref="ControlType"/>,
/// made once. Adding a kind adds its member to <see cref="ControlType"/> and its instance here.
/// </summary>
public static class ControlKinds
{
    // Indexed by ControlType, so dispatch on the submit path is an array load and a virtual call.
    private static readonly ControlKind[] _byType = Build(
    [
        new ChoicesKind(),
        new SpansKind(),
        new RelationsKind(),
        new RectanglesKind(),
        new PolygonsKind(),
        new KeypointsKind(),
        new SegmentsKind(),
        new TranscriptionKind(),
        new RatingKind(),
        new RankingKind(),
        new TaxonomyKind(),
        new TracksKind(),
        new MasksKind(),
        new DialogueKind(),
        new TimeSeriesKind(),
    ]);

    private static readonly Dictionary<string, ControlKind> _byName =
        _byType.ToDictionary(k => k.Name, StringComparer.Ordinal);

    private static readonly Dictionary<string, ControlKind> _byLabelStudioTag =
        _byType.SelectMany(k => k.LabelStudioTags.Select(t => (t, k))).ToDictionary(p => p.t, p => p.k, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every kind, in <see cref="ControlType"/> order.</summary>
    public static IReadOnlyList<ControlKind> All => _byType;

    /// <summary>The kind of a control type.</summary>
    public static ControlKind Of(ControlType type) => _byType[(int)type];

    /// <summary>The kind whose native <c>type</c> is <paramref name="name"/>; null when none is.</summary>
    public static ControlKind? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The kind that imports a Label Studio control tag through the registry; null when none does.</summary>
    internal static ControlKind? ForLabelStudioTag(string tag) => _byLabelStudioTag.GetValueOrDefault(tag);

    private static ControlKind[] Build(ControlKind[] kinds)
    {
        var byType = new ControlKind[Enum.GetValues<ControlType>().Length];
        foreach (var k in kinds)
        {
            if (byType[(int)k.Type] is not null)
            {
                throw new InvalidOperationException($"Control type {k.Type} is registered twice.");
            }

            byType[(int)k.Type] = k;
        }

        var missing = Enum.GetValues<ControlType>().Where(t => byType[(int)t] is null).ToList();
        return missing.Count == 0
            ? byType
            : throw new InvalidOperationException($"Control types without a kind: {string.Join(", ", missing)}.");
    }
}
