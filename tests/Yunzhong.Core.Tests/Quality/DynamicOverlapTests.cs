using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class DynamicOverlapTests
{
    private static readonly Dictionary<string, double> _skills = new() { ["w1"] = 0.9, ["w2"] = 0.9, ["w3"] = 0.6 };

    [Fact]
    public void TwoSkilledAgreeingAnswersReachTheTarget()
    {
        // Two labels: P(a) ∝ .9·.9 = .81, P(b) ∝ .1·.1 = .01 → .81/.82.
        var d = DynamicOverlap.Decide([("w1", "a"), ("w2", "a")], _skills, new OverlapPolicy(2, 5, 0.95));
        Assert.False(d.NeedsMore);
        Assert.Equal("a", d.Label);
        Assert.Equal(0.81 / 0.82, d.Confidence, 10);
    }

    [Fact]
    public void UnseenLabelsShareTheRemainingMass()
    {
        // Three labels: a ∝ .81, b and c ∝ .05·.05 each → .81/.815.
        var d = DynamicOverlap.Decide([("w1", "a"), ("w2", "a")], _skills, new OverlapPolicy(1, 5, 0.95), labelCount: 3);
        Assert.Equal(0.81 / 0.815, d.Confidence, 10);
    }

    [Fact]
    public void MinimumAndMaximumOverlapWin()
    {
        Assert.True(DynamicOverlap.Decide([("w1", "a"), ("w2", "a")], _skills, new OverlapPolicy(3, 5, 0.5)).NeedsMore);
        var tie = DynamicOverlap.Decide([("w1", "b"), ("w2", "a")], _skills, new OverlapPolicy(1, 5, 0.9));
        Assert.True(tie.NeedsMore);
        Assert.Equal("a", tie.Label);
        Assert.Equal(0.5, tie.Confidence, 10);
        Assert.False(DynamicOverlap.Decide([("w1", "b"), ("w2", "a")], _skills, new OverlapPolicy(1, 2, 0.9)).NeedsMore);
    }

    [Fact]
    public void UnknownWorkersUseTheDefaultSkill()
    {
        // One unknown worker at default .7, two labels: confidence .7.
        var d = DynamicOverlap.Decide([("new", "x")], _skills, new OverlapPolicy(1, 3, 0.8));
        Assert.Equal(0.7, d.Confidence, 10);
        Assert.True(d.NeedsMore);
        Assert.True(DynamicOverlap.Decide([], _skills, new OverlapPolicy(0, 3, 0.8)).NeedsMore);
    }

    [Fact]
    public void ShrunkSkillsWeighPriorAgainstAnswerCount()
    {
        // "w" agrees with the majority on all 10 questions (MV skill 1), "v" on 0 of 2 (skill 0).
        // With prior .7 worth 10 answers: (10·1 + 7)/20 = .85 and (2·0 + 7)/12.
        var rows = new List<(string, string, string)>();
        for (var q = 0; q < 10; q++)
        {
            rows.Add(($"q{q}", "w", "a"));
            rows.Add(($"q{q}", "u", "a"));
        }
        rows.Add(("q0", "v", "b"));
        rows.Add(("q1", "v", "b"));
        var result = TruthInference.Infer(AnswerSet.Create(rows), TruthMethod.MajorityVote);
        var skills = DynamicOverlap.ShrunkSkills(result);
        Assert.Equal(0.85, skills["w"], 10);
        Assert.Equal(7.0 / 12, skills["v"], 10);
    }
}
