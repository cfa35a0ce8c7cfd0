namespace Yunzhong.Core.Learning;

/// <summary>How unsure a model's prediction is, for the queue's most-uncertain order.</summary>
public enum UncertaintyMeasure
{
    /// <summary>One minus the top label's probability.</summary>
    LeastConfidence,

    /// <summary>One minus the gap between the top two labels' probabilities.</summary>
    Margin,

    /// <summary>The entropy of the label distribution, divided by its largest value (log of the label count).</summary>
    Entropy,
}

/// <summary>
/// Uncertainty keys: larger is more uncertain. A stored prediction carries one score, the
/// probability of the label it chose; margin and entropy then take the rest of the probability as
/// spread evenly over the other labels (exact for two labels, where all three measures order tasks
/// alike). The server's UncertaintyKeys computes the same formula in SQL.
/// </summary>
public static class Uncertainty
{
    /// <summary>The key of a task whose latest scored prediction chose a label with probability
    /// <paramref name="score"/> (clamped to 0–1) among <paramref name="labels"/> labels (at least 2).</summary>
    public static double FromScore(UncertaintyMeasure measure, double score, int labels)
    {
        var s = Math.Clamp(score, 0, 1);
        var k = Math.Max(labels, 2);
        var rest = (1 - s) / (k - 1);
        return measure switch
        {
            UncertaintyMeasure.LeastConfidence => 1 - s,
            UncertaintyMeasure.Margin => 1 - (s - rest),
            _ => s >= 1 ? 0 : s <= 0 ? Math.Log(k - 1) / Math.Log(k) : (-(s * Math.Log(s)) - ((1 - s) * Math.Log(rest))) / Math.Log(k),
        };
    }
}
