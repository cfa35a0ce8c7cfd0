using Yunzhong.Core.Training;

namespace Yunzhong.Core.Tests.Training;

public class ExamRulesTests
{
    private static readonly ExamTerms _terms = new(QuestionCount: 3, TimeLimitSeconds: 600, PassMark: 80, MaxAttempts: 3, CooldownSeconds: 60, CertificateDays: 365);

    [Fact]
    public void GoodTermsHaveNoProblem() => Assert.Empty(_terms.Check(poolSize: 3));

    [Fact]
    public void APoolSmallerThanTheQuestionCountIsRefusedOnQuestionCount()
    {
        var e = Assert.Single(_terms.Check(poolSize: 2));
        Assert.Equal("questionCount", e.Path);
        Assert.Equal(ExamCodes.PoolTooSmall, e.Code);
        Assert.Equal(2, e.Args!["pool"]);
    }

    [Theory]
    [InlineData(-1, "passMark")]
    [InlineData(100.5, "passMark")]
    public void APassMarkOutsideZeroToHundredNamesPassMark(double mark, string field)
    {
        var e = Assert.Single((_terms with { PassMark = mark }).Check(10));
        Assert.Equal(field, e.Path);
        Assert.Equal(ExamCodes.OutOfRange, e.Code);
    }

    [Fact]
    public void NegativeAttemptsAndCooldownAreEachNamed()
    {
        var errors = (_terms with { MaxAttempts = -1, CooldownSeconds = -5, TimeLimitSeconds = 0 }).Check(10);
        Assert.Equal(["timeLimitSeconds", "maxAttempts", "cooldownSeconds"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void PassMarksAtTheEdgesAreAllowed(double mark) => Assert.Empty((_terms with { PassMark = mark }).Check(3));

    [Fact]
    public void TheSameSeedDrawsTheSameQuestionsWhateverThePoolOrder()
    {
        long[] pool = [5, 9, 1, 7, 3, 11, 13];
        var a = ExamRules.Draw(pool, 4, seed: 42);
        var b = ExamRules.Draw(pool.Reverse(), 4, seed: 42);
        Assert.Equal(a, b);
        Assert.Equal(4, a.Distinct().Count());
        Assert.All(a, q => Assert.Contains(q, pool));
    }

    [Fact]
    public void DifferentSeedsDrawDifferentOrders()
    {
        var pool = Enumerable.Range(1, 30).Select(i => (long)i).ToArray();
        var draws = Enumerable.Range(0, 20).Select(s => string.Join(',', ExamRules.Draw(pool, 5, s))).ToHashSet();
        Assert.True(draws.Count > 15, $"only {draws.Count} distinct draws of 20 seeds");
    }

    [Fact]
    public void DrawingMoreThanThePoolThrows() => Assert.Throws<ArgumentOutOfRangeException>(() => ExamRules.Draw([1, 2], 3, 1));

    [Fact]
    public void AFirstAttemptMayStart() => Assert.Equal(StartRefusal.None, ExamRules.MayStart(_terms, [], 1_000).Refusal);

    [Fact]
    public void AnOpenAttemptIsReportedRatherThanASecondStarted()
    {
        var d = ExamRules.MayStart(_terms, [new AttemptTimes(0, 600_000, null)], 10_000);
        Assert.Equal(StartRefusal.AttemptOpen, d.Refusal);
        Assert.Equal(0, d.OpenAttempt);
    }

    [Fact]
    public void TheCooldownRunsFromTheEndOfTheLastAttempt()
    {
        AttemptTimes[] done = [new(0, 600_000, 100_000)];
        var d = ExamRules.MayStart(_terms, done, 159_999);
        Assert.Equal(StartRefusal.CoolingDown, d.Refusal);
        Assert.Equal(160_000, d.RetryAt);
        Assert.Equal(StartRefusal.None, ExamRules.MayStart(_terms, done, 160_000).Refusal);
    }

    [Fact]
    public void AnExpiredAttemptEndsAtItsDeadlineForTheCooldown()
    {
        AttemptTimes[] expired = [new(0, 600_000, null)];
        Assert.Equal(660_000, ExamRules.MayStart(_terms, expired, 600_000).RetryAt);
    }

    [Fact]
    public void NoAttemptIsLeftOnceAllAreUsed()
    {
        AttemptTimes[] used = [new(0, 1, 1), new(2, 3, 3), new(4, 5, 5)];
        Assert.Equal(StartRefusal.NoAttemptsLeft, ExamRules.MayStart(_terms, used, 10_000_000).Refusal);
    }

    [Fact]
    public void UnansweredQuestionsCountZeroAndTheMarkIsTheMeanPercent()
    {
        var g = ExamRules.Grade(_terms, [1, 0.5, null]);
        Assert.Equal(50, g.Percent);
        Assert.False(g.Passed);
        Assert.Equal(2, g.Answered);
    }

    [Fact]
    public void TheMarkPassesAtThePassMarkExactly()
    {
        Assert.True(ExamRules.Grade(_terms with { PassMark = 80 }, [1, 1, 1, 1, 0]).Passed);
        Assert.False(ExamRules.Grade(_terms with { PassMark = 80.1 }, [1, 1, 1, 1, 0]).Passed);
    }

    [Fact]
    public void FiguresCountPeopleNotAttemptsForThePassRate()
    {
        var f = ExamFigures.Of([
            new(1, 10, false), new(1, 20, true), new(1, 30, true),
            new(2, 5, true),
            new(3, 7, false), new(3, 8, false),
        ]);
        Assert.Equal(3, f.People);
        Assert.Equal(6, f.Attempts);
        Assert.Equal(2, f.Passed);
        Assert.Equal(2.0 / 3, f.PassRate, 6);
        Assert.Equal(1.5, f.MeanAttemptsToPass);
        Assert.Equal([1, 1], f.AttemptsToPass);
    }

    [Fact]
    public void FiguresOfNobodyAreZero()
    {
        var f = ExamFigures.Of([]);
        Assert.Equal(0, f.PassRate);
        Assert.Null(f.MeanAttemptsToPass);
        Assert.Empty(f.AttemptsToPass);
    }
}
