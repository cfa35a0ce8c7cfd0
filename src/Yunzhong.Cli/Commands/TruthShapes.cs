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
            var (data, rest, gold) = SyntheticCrowds.WithGold(plain, truth);
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
        ("held-out shape, lazy workers always answer 0", s => SyntheticCrowds.SparseUnbalanced(s, 1.0)),
        ("held-out shape, lazy workers answer 0 90 % of the time", s => SyntheticCrowds.SparseUnbalanced(s, 0.9)),
        ("one-coin workers, 5 classes, 25 answers each", SyntheticCrowds.OneCoinSparse),
        ("biased workers, 3 classes, dense", SyntheticCrowds.BiasedDense),
    ];

    internal static readonly (string Name, Func<int, (List<(string, string, double)>, Dictionary<string, double>)> Make)[] Numeric =
    [
        ("equal noise, 3 answers per question, 1,000 workers", SyntheticCrowds.EqualNoise),
        ("10 % of workers 10× noisier", SyntheticCrowds.NoisyWorkers),
        ("10 % of answers gross outliers", SyntheticCrowds.Outliers),
    ];
}
