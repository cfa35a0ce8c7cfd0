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

    /// <summary>
    /// The default: mean, median or weighted mean, chosen per data set by the squared error with
    /// which each predicts held-out answers; the plain mean unless another is clearly better (see
    /// <see cref="NumericAggregation.Choose(IEnumerable{ValueTuple{string, string, double}})"/>).
    /// </summary>
    Auto,
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
    IReadOnlyList<string> Questions, IReadOnlyList<string> Workers, double[] Truth, double[] Confidence, double[] WorkerSkill)
{
    /// <summary>The method that produced the truths (with <see cref="NumericMethod.Auto"/>, the one chosen).</summary>
    public NumericMethod Method { get; init; }
}

/// <summary>The outcome of <see cref="NumericAggregation.Choose(IEnumerable{ValueTuple{string, string, double}})"/>.</summary>
/// <param name="Method">The method chosen (never <see cref="NumericMethod.Auto"/>).</param>
/// <param name="HeldOutAnswers">Answers held out and scored.</param>
/// <param name="SquaredError">
/// Per candidate (mean, median, weighted mean, in that order) the sum over held-out answers of
/// (answer − the candidate's truth from the question's other answers)²; lower is better.
/// </param>
public sealed record NumericChoice(NumericMethod Method, int HeldOutAnswers, IReadOnlyList<double> SquaredError);

/// <summary>Aggregation of numeric answers (counts, ratings, measurements).</summary>
public static class NumericAggregation
{
    /// <summary>
    /// The method used when none is named: <see cref="NumericMethod.Auto"/>. It was the weighted
    /// mean, which loses to the plain mean when every worker is about as noisy as the rest (its
    /// weights then only add noise: RMSE .6855 vs .5800 on `yz bench-truth --shapes`).
    /// </summary>
    public const NumericMethod DefaultMethod = NumericMethod.Auto;

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
        if (method == NumericMethod.Auto) method = Choose(rows, questions.Count, workers.Count).Method;
        var byQuestion = Group(rows, questions.Count);
        var weights = new double[workers.Count];
        var skill = new double[workers.Count];
        var truth = Truths(method, byQuestion, rows, weights, skill);

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
        return new NumericResult(questions, workers, truth, confidence, skill) { Method = method };
    }

    /// <summary>
    /// Chooses the method <see cref="NumericMethod.Auto"/> uses: for questions with two or more
    /// answers, answers are split into five folds (question q's j-th answer in fold
    /// (hash(q) + j) mod 5, so every question keeps one for training); each candidate is fitted
    /// without a fold and scored by the squared error with which its truth predicts the held-out
    /// answers. Because a held-out answer is the truth plus its worker's independent noise, the
    /// expected score is the truth's mean squared error plus a constant the same for every
    /// candidate. Median or weighted mean replaces the mean only when it beats it by more than two
    /// standard errors of the paired per-question difference. Deterministic.
    /// </summary>
    public static NumericChoice Choose(IEnumerable<(string Question, string Worker, double Value)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var qIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var wIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<(int Q, int W, double V)>();
        foreach (var (q, w, v) in answers)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"answer of worker '{w}' to '{q}' is not a finite number", nameof(answers));
            if (!qIndex.TryGetValue(q, out var qi)) { qi = qIndex.Count; qIndex.Add(q, qi); }
            if (!wIndex.TryGetValue(w, out var wi)) { wi = wIndex.Count; wIndex.Add(w, wi); }
            rows.Add((qi, wi, v));
        }
        return Choose(rows, qIndex.Count, wIndex.Count);
    }

    private static readonly NumericMethod[] _candidates = [NumericMethod.Mean, NumericMethod.Median, NumericMethod.WeightedMean];

    private static NumericChoice Choose(List<(int Q, int W, double V)> rows, int questionCount, int workerCount)
    {
        const int folds = 5;
        var byQuestion = Group(rows, questionCount);
        var seen = new int[questionCount];
        var fold = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var q = rows[i].Q;
            fold[i] = byQuestion[q].Count >= 2 ? (int)((TruthSelection.Mix((ulong)q) + (ulong)seen[q]) % folds) : -1;
            seen[q]++;
        }
        var perQuestion = _candidates.Select(_ => new double[questionCount]).ToArray();
        var held = new bool[questionCount];
        var scored = 0;
        var weights = new double[workerCount];
        var skill = new double[workerCount];
        for (var f = 0; f < folds; f++)
        {
            var train = new List<(int Q, int W, double V)>(rows.Count);
            var test = new List<(int Q, int W, double V)>();
            for (var i = 0; i < rows.Count; i++) (fold[i] == f ? test : train).Add(rows[i]);
            if (test.Count == 0) continue;
            var trainByQuestion = Group(train, questionCount);
            for (var c = 0; c < _candidates.Length; c++)
            {
                var truth = Truths(_candidates[c], trainByQuestion, train, weights, skill);
                foreach (var (q, _, v) in test)
                {
                    var r = v - truth[q];
                    perQuestion[c][q] += r * r;
                }
            }
            foreach (var (q, _, _) in test) held[q] = true;
            scored += test.Count;
        }
        var error = perQuestion.Select(p => p.Sum()).ToArray();
        // Lower is better, so compare negated errors with TruthSelection's rule (mean is index 0).
        var negated = perQuestion.Select(p => p.Select(x => -x).ToArray()).ToArray();
        var best = TruthSelection.Better(negated, held, error.Select(x => -x).ToArray());
        return new NumericChoice(_candidates[best], scored, error);
    }

    private static List<(int W, double V)>[] Group(List<(int Q, int W, double V)> rows, int questionCount)
    {
        var byQuestion = new List<(int W, double V)>[questionCount];
        for (var q = 0; q < byQuestion.Length; q++) byQuestion[q] = [];
        foreach (var (q, w, v) in rows) byQuestion[q].Add((w, v));
        return byQuestion;
    }

    /// <summary>
    /// Truths by a concrete method; fills <paramref name="weights"/> and <paramref name="skill"/>
    /// (all 1 except for the weighted mean). A question without answers gets NaN.
    /// </summary>
    private static double[] Truths(
        NumericMethod method, List<(int W, double V)>[] byQuestion, List<(int Q, int W, double V)> rows, double[] weights, double[] skill)
    {
        Array.Fill(weights, 1.0);
        Array.Fill(skill, 1.0);
        var truth = new double[byQuestion.Length];
        switch (method)
        {
            case NumericMethod.Mean:
                for (var q = 0; q < truth.Length; q++) truth[q] = byQuestion[q].Count == 0 ? double.NaN : byQuestion[q].Average(a => a.V);
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
        return truth;
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
