using System.Globalization;
using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class HierarchicalDawidSkeneTests
{
    private const double EulerGamma = 0.5772156649015329;

    [Fact]
    public void DigammaMatchesClosedForms()
    {
        Assert.Equal(-EulerGamma, SpecialFunctions.Digamma(1), 12);
        Assert.Equal(-EulerGamma - 2 * Math.Log(2), SpecialFunctions.Digamma(0.5), 12);
        // ψ(10) = H₉ − γ.
        var h9 = Enumerable.Range(1, 9).Sum(i => 1.0 / i);
        Assert.Equal(h9 - EulerGamma, SpecialFunctions.Digamma(10), 12);
        // The recurrence ψ(x + 1) = ψ(x) + 1/x holds across the switch to the asymptotic series.
        Assert.Equal(SpecialFunctions.Digamma(5.7) + 1 / 5.7, SpecialFunctions.Digamma(6.7), 12);
        Assert.Equal(Math.PI * Math.PI / 6, SpecialFunctions.Trigamma(1), 10);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(1)]
    [InlineData(7.5)]
    [InlineData(300)]
    public void InverseDigammaUndoesDigamma(double x)
    {
        Assert.Equal(x, SpecialFunctions.InverseDigamma(SpecialFunctions.Digamma(x)), x * 1e-9);
    }

    [Fact]
    public void TwoContradictingAnnotatorsOnOneQuestionLeaveAnEvenPosterior()
    {
        // Swapping the two labels and the two workers maps the data onto itself, so the posterior
        // must be 1/2 each; the tie then goes to the smallest label.
        var r = Infer(AnswerSet.Create([("q", "w1", "a"), ("q", "w2", "b")]));
        Assert.Equal(0.5, r.Posterior[0], 9);
        Assert.Equal(0.5, r.Posterior[1], 9);
    }

    [Fact]
    public void AWorkerSeenOnceIsTrustedLikeTheCrowdNotAsPerfect()
    {
        // Eight regulars answer all 40 questions, each wrong on every tenth (about 90 % right);
        // a newcomer answers one question, correctly. Fixed-prior MAP DS makes a row with one
        // answer (and an empty row) near-certain; the learned crowd prior keeps the newcomer near
        // the regulars' skill.
        var rows = new List<(string, string, string)>();
        for (var q = 0; q < 40; q++)
        {
            var truth = q % 2 == 0 ? "a" : "b";
            for (var w = 0; w < 8; w++)
            {
                var wrong = (q + w) % 10 == 0;
                rows.Add(($"q{q}", $"w{w}", wrong ? (truth == "a" ? "b" : "a") : truth));
            }
        }
        rows.Add(("q0", "newcomer", "a"));
        var data = AnswerSet.Create(rows);

        var hds = Infer(data).SkillsByWorker();
        var regulars = Enumerable.Range(0, 8).Average(w => hds[$"w{w}"]);
        Assert.InRange(regulars, 0.8, 0.95);
        Assert.InRange(hds["newcomer"], regulars - 0.05, regulars + 0.05);

        var bds = TruthInference.Infer(data, TruthMethod.BayesianDawidSkene).SkillsByWorker();
        Assert.True(bds["newcomer"] > 0.99, $"bds newcomer skill {bds["newcomer"]}");
    }

    [Fact]
    public void ALabelNobodyChoseKeepsSomeMassButIsNeverInferred()
    {
        var data = AnswerSet.Create(
            [("q1", "w1", "a"), ("q1", "w2", "a"), ("q2", "w1", "b"), ("q2", "w2", "b"), ("q3", "w1", "a"), ("q3", "w2", "b")],
            extraLabels: ["c"]);
        var r = Infer(data);
        Assert.Equal(["a", "b", "c"], data.Labels);
        Assert.Equal(["a", "b"], new[] { r.TruthLabel(0), r.TruthLabel(1) });
        for (var q = 0; q < 3; q++)
        {
            Assert.NotEqual("c", r.TruthLabel(q));
            // With two annotators the learned prior row for c only says "when the truth is c, people
            // answer a or b", so c keeps real mass (about a quarter), but less than the answer given.
            Assert.InRange(r.Posterior[q * 3 + 2], 1e-6, r.Confidence[q]);
            Assert.Equal(1.0, r.Posterior[q * 3] + r.Posterior[q * 3 + 1] + r.Posterior[q * 3 + 2], 12);
        }
    }

    [Fact]
    public void AQuestionWithoutAnswersGetsTheClassPrior()
    {
        // Three questions are clearly "a", one clearly "b"; q5 loses its answers in the subset.
        var rows = new List<(string, string, string)>();
        foreach (var (q, label) in new[] { ("q1", "a"), ("q2", "a"), ("q3", "a"), ("q4", "b"), ("q5", "b") })
        {
            for (var w = 0; w < 3; w++) rows.Add((q, $"w{w}", label));
        }
        var data = AnswerSet.Create(rows);
        var r = Infer(data.Subset(data.Answers.Where(a => a.Question != 4)));
        Assert.Equal("a", r.TruthLabel(4));
        // E[log p] under Dirichlet(1 + counts) with counts ≈ (3, 1) gives p ∝ exp ψ(4), exp ψ(2).
        var expected = Math.Exp(SpecialFunctions.Digamma(4)) / (Math.Exp(SpecialFunctions.Digamma(4)) + Math.Exp(SpecialFunctions.Digamma(2)));
        Assert.Equal(expected, r.Confidence[4], 2);
    }

    [Fact]
    public void RecoversTruthFromBiasedWorkers()
    {
        var (data, truth) = TruthInferenceTests.BiasedWorkers();
        var mv = TruthInference.Infer(data, TruthMethod.MajorityVote).Accuracy(truth);
        var r = Infer(data);
        Assert.True(r.Accuracy(truth) >= 0.9, $"hds accuracy {r.Accuracy(truth)}");
        Assert.True(r.Accuracy(truth) > mv + 0.1, $"hds {r.Accuracy(truth)} vs MV {mv}");
        Assert.InRange(r.SkillsByWorker()["w12"], 0.0, 0.25);
    }

    [Theory]
    [InlineData("duck", 0.8981)]
    [InlineData("dog", 0.8414)]
    [InlineData("face", 0.6541)]
    public void BenchmarkAccuracyStaysWhereItWasMeasured(string set, double measured)
    {
        var (data, truth) = TruthInferenceTests.Load(set);
        var accuracy = Infer(data).Accuracy(truth);
        Assert.True(accuracy >= measured - 0.005, $"hds on {set}: {accuracy:0.0000} < {measured}");
    }

    private static TruthResult Infer(AnswerSet data) => TruthInference.Infer(data, TruthMethod.HierarchicalDawidSkene);
}
