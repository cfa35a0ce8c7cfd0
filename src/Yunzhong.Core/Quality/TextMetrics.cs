namespace Yunzhong.Core.Quality;

/// <summary>Transcription error rates and rank correlation.</summary>
public static class TextMetrics
{
    /// <summary>
    /// Character error rate: Levenshtein distance over Unicode code points divided by the
    /// reference's code-point count. No normalisation is applied (case, punctuation and spaces
    /// count). An empty reference gives 0 for an empty hypothesis and 1 otherwise.
    /// </summary>
    public static double CharacterErrorRate(string reference, string hypothesis)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        var r = reference.EnumerateRunes().Select(x => x.Value).ToArray();
        var h = hypothesis.EnumerateRunes().Select(x => x.Value).ToArray();
        return Rate(r, h);
    }

    /// <summary>
    /// Word error rate: Levenshtein distance over whitespace-separated words divided by the
    /// reference's word count; empty reference as for <see cref="CharacterErrorRate"/>.
    /// </summary>
    public static double WordErrorRate(string reference, string hypothesis)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        var r = reference.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var h = hypothesis.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return Rate(r, h);
    }

    /// <summary>Levenshtein distance (unit costs) between two sequences.</summary>
    public static int EditDistance<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var eq = EqualityComparer<T>.Default;
        var prev = new int[b.Count + 1];
        var cur = new int[b.Count + 1];
        for (var j = 0; j <= b.Count; j++) prev[j] = j;
        for (var i = 1; i <= a.Count; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Count; j++)
            {
                var sub = prev[j - 1] + (eq.Equals(a[i - 1], b[j - 1]) ? 0 : 1);
                cur[j] = Math.Min(sub, Math.Min(prev[j] + 1, cur[j - 1] + 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Count];
    }

    /// <summary>
    /// Kendall's tau-b between two score lists over the same items (ties allowed). Null when
    /// fewer than two items or either list is constant.
    /// </summary>
    public static double? KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException("both lists need one score per item", nameof(y));
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (var i = 0; i < x.Count; i++)
        {
            for (var j = i + 1; j < x.Count; j++)
            {
                var dx = Math.Sign(x[i] - x[j]);
                var dy = Math.Sign(y[i] - y[j]);
                if (dx == 0 && dy == 0) continue;
                if (dx == 0) tiesX++;
                else if (dy == 0) tiesY++;
                else if (dx == dy) concordant++;
                else discordant++;
            }
        }
        var denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? null : (concordant - discordant) / denominator;
    }

    /// <summary>
    /// Kendall's tau between two rankings given as item ids best first (the <c>ranking</c>
    /// control's <c>order</c>). Both must hold the same ids.
    /// </summary>
    public static double? KendallTau(IReadOnlyList<string> orderA, IReadOnlyList<string> orderB)
    {
        ArgumentNullException.ThrowIfNull(orderA);
        ArgumentNullException.ThrowIfNull(orderB);
        var rankB = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < orderB.Count; i++)
        {
            if (!rankB.TryAdd(orderB[i], i)) throw new ArgumentException($"item '{orderB[i]}' appears twice", nameof(orderB));
        }
        if (orderA.Count != orderB.Count || orderA.Distinct().Count() != orderA.Count || !orderA.All(rankB.ContainsKey))
        {
            throw new ArgumentException("both rankings must order the same items", nameof(orderA));
        }
        var x = Enumerable.Range(0, orderA.Count).Select(i => (double)i).ToArray();
        var y = orderA.Select(id => (double)rankB[id]).ToArray();
        return KendallTauB(x, y);
    }

    private static double Rate<T>(T[] reference, T[] hypothesis) =>
        reference.Length == 0 ? (hypothesis.Length == 0 ? 0 : 1) : (double)EditDistance(reference, hypothesis) / reference.Length;
}
