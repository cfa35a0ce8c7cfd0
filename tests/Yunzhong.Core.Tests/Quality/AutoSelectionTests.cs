using System.Globalization;
using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

/// <summary>
/// The default methods (<see cref="TruthMethod.Auto"/>, <see cref="NumericMethod.Auto"/>) on
/// synthetic crowds built so that the old defaults lose: never meaningfully below the classic
/// method, better where gold or held-out answers clearly say so, and the same choice every time.
/// </summary>
public class AutoSelectionTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    public void DefaultIsNotBelowDawidSkeneOnTheHeldOutShape(double lazyRate)
    {
        var (data, truth) = HeldOutShape(lazyRate);
        var ds = TruthInference.Infer(data, TruthMethod.DawidSkene).Accuracy(truth);
        var bds = TruthInference.Infer(data, TruthMethod.BayesianDawidSkene).Accuracy(truth);
        var auto = TruthInference.Infer(data).Accuracy(truth);
        // The shape really is one where the old default (bds) loses: .6901 / .7109 vs DS .7674 / .7511.
        Assert.True(bds < ds - 0.03, $"bds {bds:0.0000} vs ds {ds:0.0000}: the shape no longer shows the loss");
        Assert.True(auto >= ds - 0.002, $"default {auto:0.0000} < DS {ds:0.0000}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    public void WithGoldDefaultIsNotBelowDawidSkeneOnTheHeldOutShape(double lazyRate)
    {
        var (plain, truth) = HeldOutShape(lazyRate);
        var (data, rest) = WithGold(plain, truth);
        var ds = TruthInference.Infer(data, TruthMethod.DawidSkene).Accuracy(rest);
        var auto = TruthInference.Infer(data).Accuracy(rest);
        Assert.True(auto >= ds - 0.002, $"default {auto:0.0000} < DS {ds:0.0000} on the questions without gold");
    }

    [Fact]
    public void GoldPicksOneCoinWhereFullConfusionMatricesOverfit()
    {
        // 5 classes, symmetric workers with ~12 answers each: DS fits 20 free parameters per worker
        // from a dozen answers; one-coin fits one.
        var rng = new Random(3);
        const int questions = 1500, workers = 600, per = 5, k = 5;
        var accuracy = Enumerable.Range(0, workers).Select(_ => 0.3 + 0.6 * rng.NextDouble()).ToArray();
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = rng.Next(k);
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            foreach (var w in Distinct(rng, workers, per))
            {
                var label = rng.NextDouble() < accuracy[w] ? t : (t + 1 + rng.Next(k - 1)) % k;
                rows.Add(($"q{q}", $"w{w}", label.ToString(CultureInfo.InvariantCulture)));
            }
        }
        var (data, rest) = WithGold(AnswerSet.Create(rows), truth);
        var choice = TruthInference.Choose(data);
        Assert.Equal(TruthEvidence.Gold, choice.Evidence);
        var ds = TruthInference.Infer(data, TruthMethod.DawidSkene).Accuracy(rest);
        var auto = TruthInference.Infer(data).Accuracy(rest);
        Assert.True(auto > ds + 0.02, $"auto ({choice.Method}) {auto:0.0000} vs DS {ds:0.0000}");
    }

    [Fact]
    public void WithoutEnoughGoldTheDefaultIsDawidSkene()
    {
        var (data, _) = TruthInferenceTests.Load("face");
        var choice = TruthInference.Choose(data);
        Assert.Equal(TruthMethod.DawidSkene, choice.Method);
        Assert.Equal(TruthEvidence.TooLittleGold, choice.Evidence);
        Assert.Equal(0, choice.Fits);
        Assert.Equal(TruthInference.Infer(data, TruthMethod.DawidSkene).Posterior, TruthInference.Infer(data).Posterior);
    }

    [Fact]
    public void SameInputGivesTheSameChoice()
    {
        var (plain, truth) = TruthInferenceTests.Load("dog");
        var (data, _) = WithGold(plain, truth);
        var first = TruthInference.Choose(data);
        var again = TruthInference.Choose(WithGold(TruthInferenceTests.Load("dog").Data, truth).Data);
        Assert.Equal(first.Method, again.Method);
        Assert.Equal(first.Candidates, again.Candidates);
        Assert.True(first.GoldQuestions >= TruthInference.AutoMinGold);
        Assert.Equal(TruthInference.Infer(data, first.Method).Posterior, TruthInference.Infer(data).Posterior);
    }

    [Fact]
    public void NumericDefaultIsNotWorseThanTheMeanWhereWeightedMeanLoses()
    {
        // Every worker equally noisy, three answers per question, 1,000 workers with ~9 answers
        // each: the weighted mean's per-worker variances are noise and cost accuracy.
        var (rows, truth) = NumericSet(3000, 3, 1000, (rng, _) => Gauss(rng));
        var mean = Rmse(NumericAggregation.Aggregate(rows, NumericMethod.Mean), truth);
        var weighted = Rmse(NumericAggregation.Aggregate(rows, NumericMethod.WeightedMean), truth);
        var auto = NumericAggregation.Aggregate(rows, NumericAggregation.DefaultMethod);
        Assert.True(weighted > mean * 1.05, $"weighted {weighted:0.0000} vs mean {mean:0.0000}: the shape no longer shows the loss");
        Assert.True(Rmse(auto, truth) <= mean * 1.001, $"default ({auto.Method}) {Rmse(auto, truth):0.0000} > mean {mean:0.0000}");
    }

    [Theory]
    [InlineData("noisy workers", NumericMethod.WeightedMean)]
    [InlineData("outliers", NumericMethod.Median)]
    public void NumericAutoPicksTheRobustMethodWhereTheMeanLoses(string shape, NumericMethod expected)
    {
        var (rows, truth) = shape == "outliers"
            ? NumericSet(2000, 5, 100, (rng, _) => rng.NextDouble() < 0.1 ? 100 * (rng.NextDouble() - 0.5) : Gauss(rng))
            : NumericSet(2000, 5, 100, (rng, w) => (w % 10 == 0 ? 10 : 1) * Gauss(rng));
        var auto = NumericAggregation.Aggregate(rows, NumericMethod.Auto);
        Assert.Equal(expected, auto.Method);
        Assert.True(Rmse(auto, truth) < Rmse(NumericAggregation.Aggregate(rows, NumericMethod.Mean), truth) / 2);
    }

    [Fact]
    public void NumericChoiceIsDeterministic()
    {
        var (rows, _) = NumericSet(500, 4, 50, (rng, w) => (w % 5 == 0 ? 3 : 1) * Gauss(rng));
        var first = NumericAggregation.Choose(rows);
        var again = NumericAggregation.Choose(rows.ToList());
        Assert.Equal(first.Method, again.Method);
        Assert.Equal(first.SquaredError, again.SquaredError);
        Assert.Equal(NumericAggregation.Aggregate(rows, first.Method).Truth, NumericAggregation.Aggregate(rows, NumericMethod.Auto).Truth);
    }

    /// <summary>
    /// Shaped like the held-out set the issue names (8,315 binary questions, 176 workers, 3 answers
    /// each): steep workload (share ∝ rank^−1.5), 30 % positives, 35 % good workers, 15 % guessing
    /// and half lazy, answering the common class with probability <paramref name="lazyRate"/>.
    /// The same generator as <c>yz bench-truth --shapes</c>.
    /// </summary>
    internal static (AnswerSet Data, Dictionary<string, string> Truth) HeldOutShape(double lazyRate)
    {
        const int questions = 8315, workers = 176, per = 3;
        var rng = new Random(1);
        var sens = new double[workers];
        var spec = new double[workers];
        for (var w = 0; w < workers; w++)
        {
            var kind = rng.NextDouble();
            (sens[w], spec[w]) = kind < 0.35 ? (0.75 + 0.2 * rng.NextDouble(), 0.85 + 0.14 * rng.NextDouble())
                : kind < 0.85 ? (1 - lazyRate, lazyRate)
                : (0.5, 0.5);
        }
        var weights = Enumerable.Range(1, workers).Select(i => Math.Pow(i, -1.5)).ToArray();
        rng.Shuffle(weights);
        var total = weights.Sum();
        var cumulative = new double[workers];
        var s = 0.0;
        for (var w = 0; w < workers; w++) cumulative[w] = (s += weights[w]) / total;
        var rows = new List<(string, string, string)>();
        var truth = new Dictionary<string, string>();
        for (var q = 0; q < questions; q++)
        {
            var t = rng.NextDouble() < 0.3 ? 1 : 0;
            truth[$"q{q}"] = t.ToString(CultureInfo.InvariantCulture);
            var picked = new List<int>(per);
            while (picked.Count < per)
            {
                var w = Array.BinarySearch(cumulative, rng.NextDouble());
                if (w < 0) w = ~w;
                w = Math.Min(w, workers - 1);
                if (!picked.Contains(w)) picked.Add(w);
            }
            foreach (var w in picked)
            {
                var right = rng.NextDouble() < (t == 1 ? sens[w] : spec[w]);
                rows.Add(($"q{q}", $"w{w}", (right ? t : 1 - t).ToString(CultureInfo.InvariantCulture)));
            }
        }
        return (AnswerSet.Create(rows), truth);
    }

    /// <summary>Every 5th question with a truth becomes gold; returns the set and the truths of the rest.</summary>
    private static (AnswerSet Data, Dictionary<string, string> Others) WithGold(AnswerSet plain, Dictionary<string, string> truth)
    {
        var gold = new Dictionary<string, string>();
        var rest = new Dictionary<string, string>();
        var i = 0;
        foreach (var q in plain.Questions)
        {
            if (!truth.TryGetValue(q, out var t)) continue;
            (i++ % 5 == 0 ? gold : rest)[q] = t;
        }
        var data = AnswerSet.Create(plain.Answers.Select(a => (plain.Questions[a.Question], plain.Workers[a.Worker], plain.Labels[a.Label])), gold);
        return (data, rest);
    }

    private static (List<(string, string, double)>, Dictionary<string, double>) NumericSet(
        int questions, int per, int workers, Func<Random, int, double> noise)
    {
        var rng = new Random(1);
        var rows = new List<(string, string, double)>();
        var truth = new Dictionary<string, double>();
        for (var q = 0; q < questions; q++)
        {
            var t = 100 * rng.NextDouble();
            truth[$"q{q}"] = t;
            foreach (var w in Distinct(rng, workers, per)) rows.Add(($"q{q}", $"w{w}", t + noise(rng, w)));
        }
        return (rows, truth);
    }

    private static List<int> Distinct(Random rng, int workers, int count)
    {
        var picked = new List<int>(count);
        while (picked.Count < count)
        {
            var w = rng.Next(workers);
            if (!picked.Contains(w)) picked.Add(w);
        }
        return picked;
    }

    private static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Rmse(NumericResult r, Dictionary<string, double> truth)
    {
        var s = 0.0;
        for (var q = 0; q < r.Questions.Count; q++) s += Math.Pow(r.Truth[q] - truth[r.Questions[q]], 2);
        return Math.Sqrt(s / r.Questions.Count);
    }
}
