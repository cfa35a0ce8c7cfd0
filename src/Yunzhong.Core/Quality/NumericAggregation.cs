namespace Yunzhong.Core.Quality;

/// <summary>Numeric truth-inference methods.</summary>
public enum NumericMethod
{
    /// <summary>Plain mean of the question's answers.</summary>
    Mean,

    /// <summary>Median (mean of the two middle values for an even count).</summary>
    Median,

    /// <summary>
    /// Reliability-weighted mean: each worker has a Gaussian noise variance, estimated from their
    /// residuals against the current truths; truths are inverse-variance weighted means (EM).
    /// </summary>
    WeightedMean,
}

/// <summary>Result of numeric aggregation, indexed like the input's questions and workers.</summary>
/// <param name="Questions">Question ids in first-seen order.</param>
/// <param name="Workers">Worker ids in first-seen order.</param>
/// <param name="Truth">Aggregated value per question.</param>
/// <param name="Confidence">
/// Per question the (weighted) share of answers within the tolerance of the aggregated value, in [0, 1].
/// </param>
/// <param name="WorkerSkill">Per worker 1 / (1 + σ²/s²), s² the crowd's median residual variance, in (0, 1]; 1 for mean/median.</param>
public sealed record NumericResult(
    IReadOnlyList<string> Questions, IReadOnlyList<string> Workers, double[] Truth, double[] Confidence, double[] WorkerSkill);

/// <summary>Aggregation of numeric answers (counts, ratings, measurements).</summary>
public static class NumericAggregation
{
    /// <summary>
    /// Aggregates numeric answers. <paramref name="tolerance"/> is how close (absolute) an answer
    /// must be to the result to count towards its confidence; by default 5% of |result|, at least 1e-9.
    /// </summary>
    public static NumericResult Aggregate(
        IEnumerable<(string Question, string Worker, double Value)> answers, NumericMethod method, double? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var qIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var wIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var questions = new List<string>();
        var workers = new List<string>();
        var rows = new List<(int Q, int W, double V)>();
        foreach (var (q, w, v) in answers)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"answer of worker '{w}' to '{q}' is not a finite number", nameof(answers));
            if (!qIndex.TryGetValue(q, out var qi)) { qi = questions.Count; qIndex.Add(q, qi); questions.Add(q); }
            if (!wIndex.TryGetValue(w, out var wi)) { wi = workers.Count; wIndex.Add(w, wi); workers.Add(w); }
            rows.Add((qi, wi, v));
        }
        var byQuestion = new List<(int W, double V)>[questions.Count];
        for (var q = 0; q < byQuestion.Length; q++) byQuestion[q] = [];
        foreach (var (q, w, v) in rows) byQuestion[q].Add((w, v));

        var weights = new double[workers.Count];
        Array.Fill(weights, 1.0);
        var skill = new double[workers.Count];
        Array.Fill(skill, 1.0);
        var truth = new double[questions.Count];
        switch (method)
        {
            case NumericMethod.Mean:
                for (var q = 0; q < truth.Length; q++) truth[q] = byQuestion[q].Average(a => a.V);
                break;
            case NumericMethod.Median:
                for (var q = 0; q < truth.Length; q++) truth[q] = Median(byQuestion[q].Select(a => a.V).ToArray());
                break;
            case NumericMethod.WeightedMean:
                WeightedEm(byQuestion, rows, truth, weights, skill);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }

        var confidence = new double[questions.Count];
        for (var q = 0; q < truth.Length; q++)
        {
            var tol = tolerance ?? Math.Max(Math.Abs(truth[q]) * 0.05, 1e-9);
            double near = 0, all = 0;
            foreach (var (w, v) in byQuestion[q])
            {
                all += weights[w];
                if (Math.Abs(v - truth[q]) <= tol) near += weights[w];
            }
            confidence[q] = all > 0 ? near / all : 0;
        }
        return new NumericResult(questions, workers, truth, confidence, skill);
    }

    /// <summary>Median of the values (mean of the middle two for an even count); NaN when empty.</summary>
    public static double Median(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) return double.NaN;
        var v = (double[])values.Clone();
        Array.Sort(v);
        var m = v.Length / 2;
        return v.Length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private static void WeightedEm(List<(int W, double V)>[] byQuestion, List<(int Q, int W, double V)> rows, double[] truth, double[] weights, double[] skill)
    {
        // Start from medians: robust to the outliers the weights are meant to discount.
        for (var q = 0; q < truth.Length; q++) truth[q] = Median(byQuestion[q].Select(a => a.V).ToArray());
        var sq = new double[weights.Length];
        var n = new double[weights.Length];
        var variance = new double[weights.Length];
        for (var it = 0; it < 50; it++)
        {
            Array.Clear(sq);
            Array.Clear(n);
            foreach (var (q, w, v) in rows)
            {
                var r = v - truth[q];
                sq[w] += r * r;
                n[w]++;
            }
            // A shared prior variance (the crowd's median) with weight 2 answers keeps workers with
            // one or two lucky answers from getting infinite weight.
            var raw = new List<double>();
            for (var w = 0; w < weights.Length; w++) if (n[w] > 0) raw.Add(sq[w] / n[w]);
            var s2 = Math.Max(Median(raw.ToArray()), 1e-12);
            for (var w = 0; w < weights.Length; w++)
            {
                variance[w] = (sq[w] + 2 * s2) / (n[w] + 2);
                weights[w] = 1 / variance[w];
                skill[w] = 1 / (1 + variance[w] / s2);
            }
            var change = 0.0;
            for (var q = 0; q < truth.Length; q++)
            {
                double num = 0, den = 0;
                foreach (var (w, v) in byQuestion[q])
                {
                    num += weights[w] * v;
                    den += weights[w];
                }
                var next = num / den;
                change = Math.Max(change, Math.Abs(next - truth[q]));
                truth[q] = next;
            }
            if (change < 1e-9) break;
        }
    }
}
