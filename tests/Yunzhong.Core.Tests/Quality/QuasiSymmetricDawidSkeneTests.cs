using System.Globalization;
using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class QuasiSymmetricDawidSkeneTests
{
    [Fact]
    public void PairIndexNumbersEveryUnorderedPairOnce()
    {
        for (var k = 1; k <= 6; k++)
        {
            var seen = new HashSet<int>();
            for (var t = 0; t < k; t++)
            {
                for (var l = 0; l < k; l++)
                {
                    var i = QuasiSymmetricDawidSkene.Pair(k, t, l);
                    Assert.Equal(i, QuasiSymmetricDawidSkene.Pair(k, l, t));
                    Assert.InRange(i, 0, k * (k + 1) / 2 - 1);
                    if (t <= l) Assert.True(seen.Add(i), $"k={k}: ({t},{l}) reuses {i}");
                }
            }
            Assert.Equal(k * (k + 1) / 2, seen.Count);
        }
    }

    [Fact]
    public void WorkerFitRecoversAQuasiSymmetricConfusionFromItsExpectedCounts()
    {
        // P(l|t) ∝ b[l]·s[t,l] with b = (1, 2, 1) and s = [[8,2,1],[2,6,1],[1,1,4]], 1000 answers
        // per true class, counted exactly; the fit must give back P (the ridge moves it < 1e-3).
        double[] b = [1, 2, 1];
        double[,] s = { { 8, 2, 1 }, { 2, 6, 1 }, { 1, 1, 4 } };
        const int k = 3;
        var expected = new double[k * k];
        for (var t = 0; t < k; t++)
        {
            var z = 0.0;
            for (var l = 0; l < k; l++) z += b[l] * s[t, l];
            for (var l = 0; l < k; l++) expected[t * k + l] = b[l] * s[t, l] / z;
        }
        // Row 0 by hand: 8, 4, 1 over 13.
        Assert.Equal(8.0 / 13, expected[0], 12);
        var counts = expected.Select(p => 1000 * p).ToArray();
        var x = new double[QuasiSymmetricDawidSkene.ParameterCount(k)];
        var fit = new QuasiSymmetricDawidSkene.RowFit(k);
        fit.Fit(counts, x);
        var logP = new double[k * k];
        fit.LogProbabilities(x, logP);
        for (var i = 0; i < k * k; i++) Assert.Equal(expected[i], Math.Exp(logP[i]), 3);
    }

    [Fact]
    public void WithTwoLabelsItIsDawidSkene()
    {
        // Two labels: b[l]·s[t,l] has as many free parameters per worker as a 2 × 2 confusion
        // matrix, so the fit is DS's (up to the tiny ridge and DS's probability floor).
        var rng = new Random(3);
        var rows = new List<(string, string, string)>();
        for (var q = 0; q < 200; q++)
        {
            var t = rng.Next(2);
            for (var w = 0; w < 6; w++)
            {
                var right = rng.NextDouble() < (w < 3 ? 0.85 : w == 3 ? 0.6 : 0.7 + 0.2 * t);
                rows.Add(($"q{q}", $"w{w}", (right ? t : 1 - t).ToString(CultureInfo.InvariantCulture)));
            }
        }
        var data = AnswerSet.Create(rows);
        var ds = TruthInference.Infer(data, TruthMethod.DawidSkene);
        var qs = Infer(data);
        for (var q = 0; q < data.QuestionCount; q++)
        {
            Assert.Equal(ds.TruthLabel(q), qs.TruthLabel(q));
            Assert.Equal(ds.Confidence[q], qs.Confidence[q], 2);
        }
    }

    [Fact]
    public void TwoContradictingAnnotatorsOnOneQuestionLeaveAnEvenPosterior()
    {
        var r = Infer(AnswerSet.Create([("q", "w1", "a"), ("q", "w2", "b")]));
        Assert.Equal(0.5, r.Posterior[0], 9);
        Assert.Equal(0.5, r.Posterior[1], 9);
    }

    [Fact]
    public void RecoversTruthFromBiasedWorkers()
    {
        var (data, truth) = TruthInferenceTests.BiasedWorkers();
        var mv = TruthInference.Infer(data, TruthMethod.MajorityVote).Accuracy(truth);
        var r = Infer(data);
        Assert.True(r.Accuracy(truth) >= 0.9, $"qsds accuracy {r.Accuracy(truth)}");
        Assert.True(r.Accuracy(truth) > mv + 0.1, $"qsds {r.Accuracy(truth)} vs MV {mv}");
        // The cyclic adversaries (truth t answered as t+1) are not symmetric, but their answer
        // leaning cannot fake it either: their skill must still come out low.
        Assert.InRange(r.SkillsByWorker()["w12"], 0.0, 0.35);
    }

    [Theory]
    [InlineData("duck", 97)]
    [InlineData("dog", 681)]
    [InlineData("face", 378)]
    public void BenchmarkAccuracyStaysWhereItWasMeasured(string set, int correct)
    {
        var (data, truth) = TruthInferenceTests.Load(set);
        var accuracy = Infer(data).Accuracy(truth);
        Assert.True(accuracy * truth.Count >= correct - 0.5, $"qsds on {set}: {accuracy:0.0000} ({accuracy * truth.Count:0} right) < {correct}");
    }

    private static TruthResult Infer(AnswerSet data) => TruthInference.Infer(data, TruthMethod.QuasiSymmetricDawidSkene);
}
