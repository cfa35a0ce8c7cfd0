namespace Yunzhong.Core.Quality;

/// <summary>
/// Synthetic crowds, each built so that some truth-inference method loses on it: the shape of a
/// sparse, unbalanced real set where richer models overfit, one-coin and biased workers, and numeric
/// answers with equal noise, noisy workers or outliers. Deterministic for a seed. Used by
/// <c>yz bench-truth --shapes</c> and by the tests of the automatic choice, so both speak of the
/// same data.
/// </summary>
public static class SyntheticCrowds
{
    /// <summary>
    /// The shape of the held-out set: 8,315 binary questions, 3 answers each, 176 workers with a
    /// steep workload (share ∝ rank^−1.5: a few do thousands, most a handful), 30 % positives; 35 %
    /// of the workers good, 15 % guess, half are lazy and answer the common class with probability
    /// <paramref name="lazyRate"/> whatever the truth.
    /// </summary>
    public static (AnswerSet, Dictionary<string, string>) SparseUnbalanced(int seed, double lazyRate)
    {
        const int questions = 8315, workers = 176, per = 3;
        const double positives = 0.3, lazyShare = 0.5, exponent = 1.5;
        var rng = new Random(seed);
        var sens = new double[workers];
        var spec = new double[workers];
        for (var w = 0; w < workers; w++)
        {
            var kind = rng.NextDouble();
            (sens[w], spec[w]) = kind < 0.85 - lazyShare ? (0.75 + 0.2 * rng.NextDouble(), 0.85 + 0.14 * rng.NextDouble())
                : kind < 0.85 ? (1 - lazyRate, lazyRate)
                : (0.5, 0.5);
        }
        return Categorical(rng, Zipf(workers, rng, exponent), questions, per,
            rng => rng.NextDouble() < positives ? 1 : 0,
            (rng, w, t) => rng.NextDouble() < (t == 1 ? sens[w] : spec[w]) ? t : 1 - t);
    }

    /// <summary>Symmetric (one-coin) workers, 5 classes, 600 workers with about 25 answers each.</summary>
    public static (AnswerSet, Dictionary<string, string>) OneCoinSparse(int seed)
    {
        const int questions = 3000, workers = 600, per = 5, k = 5;
        var rng = new Random(seed);
        var accuracy = Enumerable.Range(0, workers).Select(_ => 0.3 + 0.6 * rng.NextDouble()).ToArray();
        return Categorical(rng, Uniform(workers), questions, per, rng => rng.Next(k),
            (rng, w, t) => rng.NextDouble() < accuracy[w] ? t : (t + 1 + rng.Next(k - 1)) % k);
    }

    /// <summary>
    /// 3 classes, 1,000 questions, 10 answers each from 30 workers: a third of them take each class
    /// for the next one 70 % of the time (an asymmetric confusion one-coin cannot express).
    /// </summary>
    public static (AnswerSet, Dictionary<string, string>) BiasedDense(int seed)
    {
        const int questions = 1000, workers = 30, per = 10, k = 3;
        var rng = new Random(seed);
        return Categorical(rng, Uniform(workers), questions, per, rng => rng.Next(k),
            (rng, w, t) => w % 3 == 0
                ? rng.NextDouble() < 0.7 ? (t + 1) % k : t
                : rng.NextDouble() < 0.65 ? t : rng.Next(k));
    }

    /// <summary>
    /// Questions q0, q1, … each with a truth drawn by <paramref name="truthOf"/> and <paramref name="per"/>
    /// answers from distinct workers drawn by workload share; one random source, drawn in one order, so
    /// a seed gives the same crowd every time.
    /// </summary>
    private static (AnswerSet, Dictionary<string, string>) Categorical(Random rng, double[] cumulative, int questions, int per,
        Func<Random, int> truthOf, Func<Random, int, int, int> answer)
    {
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = truthOf(rng);
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            foreach (var w in Pick(cumulative, per, rng))
                rows.Add(($"q{q}", $"w{w}", answer(rng, w, t).ToString(CultureInfo.InvariantCulture)));
        }
        return (AnswerSet.Create(rows), truth);
    }

    private static double[] Uniform(int workers) => Enumerable.Range(1, workers).Select(i => (double)i / workers).ToArray();

    /// <summary>Every worker has the same Gaussian noise (σ = 1); 3,000 questions × 3 answers from 1,000 workers.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) EqualNoise(int seed) =>
        NumericSet(seed, 3000, 3, 1000, (rng, w) => Gauss(rng));

    /// <summary>100 workers, 5 answers per question; every tenth worker has σ = 10, the rest σ = 1.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) NoisyWorkers(int seed) =>
        NumericSet(seed, 2000, 5, 100, (rng, w) => (w % 10 == 0 ? 10 : 1) * Gauss(rng));

    /// <summary>100 workers, 5 answers per question; any answer is off by up to ±50 with probability 0.1.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) Outliers(int seed) =>
        NumericSet(seed, 2000, 5, 100, (rng, w) => rng.NextDouble() < 0.1 ? 100 * (rng.NextDouble() - 0.5) : Gauss(rng));

    internal static (List<(string, string, double)>, Dictionary<string, double>) NumericSet(
        int seed, int questions, int per, int workers, Func<Random, int, double> noise)
    {
        var rng = new Random(seed);
        var cumulative = Uniform(workers);
        var rows = new List<(string, string, double)>();
        var truth = new Dictionary<string, double>();
        for (var q = 0; q < questions; q++)
        {
            var t = 100 * rng.NextDouble();
            truth[$"q{q}"] = t;
            foreach (var w in Pick(cumulative, per, rng)) rows.Add(($"q{q}", $"w{w}", t + noise(rng, w)));
        }
        return (rows, truth);
    }

    internal static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Cumulative workload shares ∝ rank^−exponent, ranks shuffled over the workers: a few do most of the work.</summary>
    internal static double[] Zipf(int workers, Random rng, double exponent)
    {
        var weights = Enumerable.Range(1, workers).Select(i => Math.Pow(i, -exponent)).ToArray();
        rng.Shuffle(weights);
        var total = weights.Sum();
        var cumulative = new double[workers];
        var s = 0.0;
        for (var w = 0; w < workers; w++) cumulative[w] = (s += weights[w]) / total;
        return cumulative;
    }

    /// <summary>Distinct workers drawn by workload share.</summary>
    internal static List<int> Pick(double[] cumulative, int count, Random rng)
    {
        var picked = new List<int>(count);
        while (picked.Count < count)
        {
            var w = Array.BinarySearch(cumulative, rng.NextDouble());
            if (w < 0) w = ~w;
            w = Math.Min(w, cumulative.Length - 1);
            if (!picked.Contains(w)) picked.Add(w);
        }
        return picked;
    }

    /// <summary>
    /// Every fifth question that has a truth becomes a gold question (20 % gold, as a project that mixes
    /// in gold often has); returns the answers with that gold, the truths of the other questions (what
    /// accuracy is measured on) and the gold itself.
    /// </summary>
    public static (AnswerSet Data, Dictionary<string, string> Others, Dictionary<string, string> Gold) WithGold(
        AnswerSet plain, Dictionary<string, string> truth)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(truth);
        var gold = new Dictionary<string, string>();
        var rest = new Dictionary<string, string>();
        var i = 0;
        foreach (var q in plain.Questions)
        {
            if (!truth.TryGetValue(q, out var t)) continue;
            (i++ % 5 == 0 ? gold : rest)[q] = t;
        }
        var data = AnswerSet.Create(plain.Answers.Select(a => (plain.Questions[a.Question], plain.Workers[a.Worker], plain.Labels[a.Label])), gold);
        return (data, rest, gold);
    }
}
