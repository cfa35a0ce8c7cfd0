using System.Diagnostics;
using System.Globalization;
using Yunzhong.Core.Quality;

namespace Yunzhong.Cli.Commands;

/// `yz bench-truth --shapes`: synthetic crowds each built so that some candidate of the automatic
/// choice loses, with auto against DS, majority vote and the other candidates (categorical, without and with gold, also on the shipped sets), and
/// auto against mean, median and weighted mean (numeric). Seeds are fixed; see docs/benchmarks.md.
internal static class TruthShapes
{
    private static readonly TruthMethod[] _methods =
    [
        TruthMethod.Auto, TruthMethod.DawidSkene, TruthMethod.MajorityVote, TruthMethod.BayesianDawidSkene,
        TruthMethod.OneCoinDawidSkene, TruthMethod.HierarchicalDawidSkene,
    ];

    public static void Run(IEnumerable<(string Name, AnswerSet Data, Dictionary<string, string> Truth)> real, CancellationToken ct)
    {
        Console.WriteLine("Categorical, no gold (accuracy on every question with a truth):");
        Console.WriteLine();
        Console.WriteLine("| set | answers | " + string.Join(" | ", _methods.Select(TruthInference.NameOf)) + " |");
        Console.WriteLine("|---|---|" + string.Concat(_methods.Select(_ => "---|")));
        var sets = Categorical.Select(c => { var (d, t) = c.Make(1); return (c.Name, Data: d, Truth: t); }).Concat(real).ToList();
        foreach (var (name, data, truth) in sets)
        {
            ct.ThrowIfCancellationRequested();
            var line = $"| {name} | {data.Answers.Length:N0} |";
            foreach (var m in _methods) line += string.Create(CultureInfo.InvariantCulture, $" {TruthInference.Infer(data, m).Accuracy(truth):0.0000} |");
            Console.WriteLine(line);
        }

        Console.WriteLine();
        Console.WriteLine("Categorical, every 5th question with a truth given as gold (accuracy on the other questions; every method keeps the gold):");
        Console.WriteLine();
        Console.WriteLine("| set | gold | auto chose (hidden gold right: ds, bds, onecoin, hds, mv) | " + string.Join(" | ", _methods.Select(TruthInference.NameOf)) + " | auto ms | ds ms |");
        Console.WriteLine("|---|---|---|" + string.Concat(_methods.Select(_ => "---|")) + "---|---|");
        foreach (var (name, plain, truth) in sets)
        {
            ct.ThrowIfCancellationRequested();
            var gold = new Dictionary<string, string>();
            var rest = new Dictionary<string, string>();
            var i = 0;
            foreach (var q in plain.Questions)
            {
                if (!truth.TryGetValue(q, out var t)) continue;
                (i++ % 5 == 0 ? gold : rest)[q] = t;
            }
            var data = AnswerSet.Create(
                plain.Answers.Select(a => (plain.Questions[a.Question], plain.Workers[a.Worker], plain.Labels[a.Label])), gold);
            var sw = Stopwatch.StartNew();
            var choice = TruthInference.Choose(data);
            var auto = TruthInference.Infer(data, choice.Method);
            var autoMs = sw.Elapsed.TotalMilliseconds;
            var line = $"| {name} | {gold.Count:N0} | {TruthInference.NameOf(choice.Method)} ({string.Join(", ", choice.Candidates.Select(c => c.GoldCorrect?.ToString(CultureInfo.InvariantCulture) ?? "–"))}) |";
            double dsMs = 0;
            foreach (var m in _methods)
            {
                sw.Restart();
                var r = m == TruthMethod.Auto ? auto : TruthInference.Infer(data, m);
                if (m == TruthMethod.DawidSkene) dsMs = sw.Elapsed.TotalMilliseconds;
                line += string.Create(CultureInfo.InvariantCulture, $" {r.Accuracy(rest):0.0000} |");
            }
            Console.WriteLine(line + string.Create(CultureInfo.InvariantCulture, $" {autoMs:0} | {dsMs:0.0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| numeric shape | answers | auto chose | auto RMSE | mean RMSE | median RMSE | weighted RMSE | auto ms | weighted ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, make) in Numeric)
        {
            ct.ThrowIfCancellationRequested();
            var (rows, truth) = make(1);
            var sw = Stopwatch.StartNew();
            var auto = NumericAggregation.Aggregate(rows, NumericMethod.Auto);
            var autoMs = sw.Elapsed.TotalMilliseconds;
            var line = $"| {name} | {rows.Count:N0} | {auto.Method} |";
            double weightedMs = 0;
            foreach (var m in new[] { NumericMethod.Auto, NumericMethod.Mean, NumericMethod.Median, NumericMethod.WeightedMean })
            {
                sw.Restart();
                var r = m == NumericMethod.Auto ? auto : NumericAggregation.Aggregate(rows, m);
                if (m == NumericMethod.WeightedMean) weightedMs = sw.Elapsed.TotalMilliseconds;
                line += string.Create(CultureInfo.InvariantCulture, $" {Rmse(r, truth):0.0000} |");
            }
            Console.WriteLine(line + string.Create(CultureInfo.InvariantCulture, $" {autoMs:0} | {weightedMs:0} |"));
        }
    }

    internal static double Rmse(NumericResult r, Dictionary<string, double> truth)
    {
        var s = 0.0;
        for (var q = 0; q < r.Questions.Count; q++) s += Math.Pow(r.Truth[q] - truth[r.Questions[q]], 2);
        return Math.Sqrt(s / r.Questions.Count);
    }

    internal static readonly (string Name, Func<int, (AnswerSet, Dictionary<string, string>)> Make)[] Categorical =
    [
        ("held-out shape, lazy workers always answer 0", s => SparseUnbalanced(s, 1.0)),
        ("held-out shape, lazy workers answer 0 90 % of the time", s => SparseUnbalanced(s, 0.9)),
        ("one-coin workers, 5 classes, 25 answers each", OneCoinSparse),
        ("biased workers, 3 classes, dense", BiasedDense),
    ];

    internal static readonly (string Name, Func<int, (List<(string, string, double)>, Dictionary<string, double>)> Make)[] Numeric =
    [
        ("equal noise, 3 answers per question, 1,000 workers", EqualNoise),
        ("10 % of workers 10× noisier", NoisyWorkers),
        ("10 % of answers gross outliers", Outliers),
    ];

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
        var cumulative = Zipf(workers, rng, exponent);
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = rng.NextDouble() < positives ? 1 : 0;
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            foreach (var w in Pick(cumulative, per, rng))
            {
                var right = rng.NextDouble() < (t == 1 ? sens[w] : spec[w]);
                rows.Add(($"q{q}", $"w{w}", (right ? t : 1 - t).ToString(CultureInfo.InvariantCulture)));
            }
        }
        return (AnswerSet.Create(rows), truth);
    }

    /// <summary>Symmetric (one-coin) workers, 5 classes, 600 workers with about 25 answers each.</summary>
    public static (AnswerSet, Dictionary<string, string>) OneCoinSparse(int seed)
    {
        const int questions = 3000, workers = 600, per = 5, k = 5;
        var rng = new Random(seed);
        var accuracy = Enumerable.Range(0, workers).Select(_ => 0.3 + 0.6 * rng.NextDouble()).ToArray();
        var cumulative = Enumerable.Range(1, workers).Select(i => (double)i / workers).ToArray();
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = rng.Next(k);
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            foreach (var w in Pick(cumulative, per, rng))
            {
                var label = rng.NextDouble() < accuracy[w] ? t : (t + 1 + rng.Next(k - 1)) % k;
                rows.Add(($"q{q}", $"w{w}", label.ToString(CultureInfo.InvariantCulture)));
            }
        }
        return (AnswerSet.Create(rows), truth);
    }

    /// <summary>
    /// 3 classes, 1,000 questions, 10 answers each from 30 workers: a third of them take each class
    /// for the next one 70 % of the time (an asymmetric confusion one-coin cannot express).
    /// </summary>
    public static (AnswerSet, Dictionary<string, string>) BiasedDense(int seed)
    {
        const int questions = 1000, workers = 30, per = 10, k = 3;
        var rng = new Random(seed);
        var cumulative = Enumerable.Range(1, workers).Select(i => (double)i / workers).ToArray();
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = rng.Next(k);
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            foreach (var w in Pick(cumulative, per, rng))
            {
                int label;
                if (w % 3 == 0) label = rng.NextDouble() < 0.7 ? (t + 1) % k : t;
                else label = rng.NextDouble() < 0.65 ? t : rng.Next(k);
                rows.Add(($"q{q}", $"w{w}", label.ToString(CultureInfo.InvariantCulture)));
            }
        }
        return (AnswerSet.Create(rows), truth);
    }

    /// <summary>Every worker has the same Gaussian noise (σ = 1); 3,000 questions × 3 answers from 1,000 workers.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) EqualNoise(int seed) =>
        NumericSet(seed, 3000, 3, 1000, (rng, w) => Gauss(rng));

    /// <summary>100 workers, 5 answers per question; every tenth worker has σ = 10, the rest σ = 1.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) NoisyWorkers(int seed) =>
        NumericSet(seed, 2000, 5, 100, (rng, w) => (w % 10 == 0 ? 10 : 1) * Gauss(rng));

    /// <summary>100 workers, 5 answers per question; any answer is off by up to ±50 with probability 0.1.</summary>
    public static (List<(string, string, double)>, Dictionary<string, double>) Outliers(int seed) =>
        NumericSet(seed, 2000, 5, 100, (rng, w) => rng.NextDouble() < 0.1 ? 100 * (rng.NextDouble() - 0.5) : Gauss(rng));

    private static (List<(string, string, double)>, Dictionary<string, double>) NumericSet(
        int seed, int questions, int per, int workers, Func<Random, int, double> noise)
    {
        var rng = new Random(seed);
        var cumulative = Enumerable.Range(1, workers).Select(i => (double)i / workers).ToArray();
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

    private static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Cumulative workload shares ∝ rank^−exponent, ranks shuffled over the workers: a few do most of the work.</summary>
    private static double[] Zipf(int workers, Random rng, double exponent)
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
    private static List<int> Pick(double[] cumulative, int count, Random rng)
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
}
