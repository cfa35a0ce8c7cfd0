namespace Yunzhong.Core.Quality;

/// <summary>Level of measurement for Krippendorff's alpha.</summary>
public enum AlphaLevel
{
    /// <summary>Categories without order: any difference counts 1.</summary>
    Nominal,

    /// <summary>Ordered categories: differences by the mass of values between them.</summary>
    Ordinal,

    /// <summary>Numbers: squared difference.</summary>
    Interval,
}

/// <summary>
/// Inter-annotator agreement for categorical (and, for alpha, numeric) labels. Input is a
/// reliability matrix: one row per unit (task), one entry per annotator, null where the annotator
/// gave no answer. Chance-corrected coefficients return null when undefined (for example when
/// every answer is the same label, so no disagreement is possible by chance).
/// </summary>
public static class Agreement
{
    /// <summary>
    /// Mean over units with at least two answers of the share of agreeing answer pairs.
    /// Null when no unit has two answers.
    /// </summary>
    public static double? PercentAgreement(IReadOnlyList<IReadOnlyList<string?>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        double sum = 0;
        var counted = 0;
        foreach (var unit in units)
        {
            var counts = Count(unit, out var n);
            if (n < 2) continue;
            double agreeing = 0;
            foreach (var c in counts.Values) agreeing += c * (c - 1.0);
            sum += agreeing / (n * (n - 1.0));
            counted++;
        }
        return counted == 0 ? null : sum / counted;
    }

    /// <summary>
    /// Cohen's kappa between two annotators over the items both answered (pairs where either is
    /// null are skipped). Null when no item was answered by both or chance agreement is 1.
    /// </summary>
    public static double? CohensKappa(IReadOnlyList<string?> first, IReadOnlyList<string?> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count) throw new ArgumentException("both annotators need one entry per item", nameof(second));
        var a = new Dictionary<string, int>(StringComparer.Ordinal);
        var b = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0, same = 0;
        for (var i = 0; i < first.Count; i++)
        {
            if (first[i] is not { } x || second[i] is not { } y) continue;
            n++;
            if (x == y) same++;
            a[x] = a.GetValueOrDefault(x) + 1;
            b[y] = b.GetValueOrDefault(y) + 1;
        }
        if (n == 0) return null;
        var po = (double)same / n;
        var pe = 0.0;
        foreach (var (label, ca) in a) pe += (double)ca / n * b.GetValueOrDefault(label) / n;
        return pe >= 1 ? null : (po - pe) / (1 - pe);
    }

    /// <summary>
    /// Fleiss' kappa. Units with fewer than two answers are skipped; units may have different
    /// numbers of answers (each unit's agreement uses its own count, category shares pool all
    /// answers), which equals the classic formula when every unit has the same count.
    /// </summary>
    public static double? FleissKappa(IReadOnlyList<IReadOnlyList<string?>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        double pSum = 0, answers = 0;
        var counted = 0;
        foreach (var unit in units)
        {
            var counts = Count(unit, out var n);
            if (n < 2) continue;
            double agreeing = 0;
            foreach (var (label, c) in counts)
            {
                agreeing += c * (c - 1.0);
                totals[label] = totals.GetValueOrDefault(label) + c;
            }
            pSum += agreeing / (n * (n - 1.0));
            answers += n;
            counted++;
        }
        if (counted == 0) return null;
        var pBar = pSum / counted;
        var pe = 0.0;
        foreach (var c in totals.Values) pe += c / answers * (c / answers);
        return pe >= 1 ? null : (pBar - pe) / (1 - pe);
    }

    /// <summary>Krippendorff's alpha for nominal labels (missing entries null).</summary>
    public static double? KrippendorffAlpha(IReadOnlyList<IReadOnlyList<string?>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var coded = units.Select(u => u.Select(v => v is null ? (int?)null : Index(index, v)).ToArray()).ToList();
        return Alpha(coded, index.Count, (c, k, _) => c == k ? 0 : 1);
    }

    /// <summary>
    /// Krippendorff's alpha for numbers (missing entries null) at the given level; ordinal uses
    /// the order of the distinct values.
    /// </summary>
    public static double? KrippendorffAlpha(IReadOnlyList<IReadOnlyList<double?>> units, AlphaLevel level)
    {
        ArgumentNullException.ThrowIfNull(units);
        var values = units.SelectMany(u => u).Where(v => v.HasValue).Select(v => v!.Value).Distinct().Order().ToArray();
        var coded = units.Select(u => u.Select(v => v is null ? (int?)null : Array.BinarySearch(values, v.Value)).ToArray()).ToList();
        return level switch
        {
            AlphaLevel.Nominal => Alpha(coded, values.Length, (c, k, _) => c == k ? 0 : 1),
            AlphaLevel.Interval => Alpha(coded, values.Length, (c, k, _) => (values[c] - values[k]) * (values[c] - values[k])),
            AlphaLevel.Ordinal => Alpha(coded, values.Length, (c, k, n) =>
            {
                var (lo, hi) = c < k ? (c, k) : (k, c);
                var s = 0.0;
                for (var g = lo; g <= hi; g++) s += n[g];
                s -= (n[c] + n[k]) / 2.0;
                return s * s;
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(level)),
        };
    }

    // Coincidence-matrix form: o[c,k] counts ordered pairable pairs within units weighted by
    // 1/(m_u − 1); alpha = 1 − D_o / D_e.
    private static double? Alpha(List<int?[]> units, int categories, Func<int, int, double[], double> delta)
    {
        var o = new double[categories, categories];
        foreach (var unit in units)
        {
            var present = unit.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            var m = present.Length;
            if (m < 2) continue;
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    if (i != j) o[present[i], present[j]] += 1.0 / (m - 1);
                }
            }
        }
        var nc = new double[categories];
        var n = 0.0;
        for (var c = 0; c < categories; c++)
        {
            for (var k = 0; k < categories; k++) nc[c] += o[c, k];
            n += nc[c];
        }
        if (n < 2) return null;
        double observed = 0, expected = 0;
        for (var c = 0; c < categories; c++)
        {
            for (var k = 0; k < categories; k++)
            {
                var d = delta(c, k, nc);
                observed += o[c, k] * d;
                expected += nc[c] * nc[k] * d;
            }
        }
        observed /= n;
        expected /= n * (n - 1);
        return expected <= 0 ? null : 1 - observed / expected;
    }

    private static Dictionary<string, int> Count(IReadOnlyList<string?> unit, out int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        n = 0;
        foreach (var v in unit)
        {
            if (v is null) continue;
            counts[v] = counts.GetValueOrDefault(v) + 1;
            n++;
        }
        return counts;
    }

    private static int Index(Dictionary<string, int> index, string v)
    {
        if (!index.TryGetValue(v, out var i))
        {
            i = index.Count;
            index.Add(v, i);
        }
        return i;
    }
}
