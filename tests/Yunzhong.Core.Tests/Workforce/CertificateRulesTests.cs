using System.Text.Json;
using Yunzhong.Core.Workforce;

namespace Yunzhong.Core.Tests.Workforce;

public class CertificateRulesTests
{
    private static Certificate C(long skill, int level, long issued = 100, long? expires = null, long? revoked = null) =>
        new(1, 7, skill, level, issued, expires, revoked);

    [Theory]
    [InlineData(99, false)]
    [InlineData(100, true)]
    [InlineData(499, true)]
    [InlineData(500, false)]
    public void ValidFromIssueUntilTheExpiryInstant(long at, bool valid) => Assert.Equal(valid, CertificateRules.IsValid(C(1, 1, 100, 500), at));

    [Fact]
    public void ARevokedCertificateStopsCountingAtItsRevocation()
    {
        var c = C(1, 2, 100, null, 300);
        Assert.True(CertificateRules.IsValid(c, 299));
        Assert.False(CertificateRules.IsValid(c, 300));
        Assert.False(CertificateRules.IsValid(c, 10_000));
    }

    [Theory]
    [InlineData(3, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(1, 2, false)]
    public void ALevelCoversItselfAndBelow(int held, int required, bool covered) =>
        Assert.Equal(covered, CertificateRules.Covers(C(5, held), new SkillNeed(5, required), 200));

    [Fact]
    public void AnotherSkillNeverCovers() => Assert.False(CertificateRules.Covers(C(5, 9), new SkillNeed(6, 1), 200));

    [Fact]
    public void MissingListsWhatNoValidCertificateCovers()
    {
        Certificate[] held = [C(1, 2), C(2, 3, expires: 150), C(3, 1, revoked: 120)];
        var missing = CertificateRules.Missing(held, [new(1, 2), new(2, 1), new(3, 1), new(1, 3)], 200);
        Assert.Equal([new SkillNeed(2, 1), new SkillNeed(3, 1), new SkillNeed(1, 3)], missing);
        Assert.Empty(CertificateRules.Missing(held, [new(1, 1), new(2, 3)], 140));
    }

    [Fact]
    public void LevelAtIsTheHighestValidLevel()
    {
        Certificate[] held = [C(1, 2), C(1, 4, expires: 150), C(2, 1)];
        Assert.Equal(4, CertificateRules.LevelAt(held, 1, 140));
        Assert.Equal(2, CertificateRules.LevelAt(held, 1, 150));
        Assert.Equal(0, CertificateRules.LevelAt(held, 3, 150));
    }

    [Fact]
    public void NextChangeIsTheEarliestFutureInstant()
    {
        Certificate[] held = [C(1, 2, 100, 900), C(2, 1, 100, null, 400), C(3, 1, 600)];
        Assert.Equal(400, CertificateRules.NextChange(held, 200));
        Assert.Equal(600, CertificateRules.NextChange(held, 400));
        Assert.Null(CertificateRules.NextChange(held, 900));
    }

    [Theory]
    [InlineData("dialect-datong", true)]
    [InlineData("asr.mandarin:v2", true)]
    [InlineData("Dialect", false)]
    [InlineData("-x", false)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("方言", false)]
    public void SkillCodesAreLowerCaseAscii(string code, bool valid) => Assert.Equal(valid, SkillRules.IsValidCode(code));

    [Fact]
    public void TaskMaskSetsTheBitsOfMatchingRoutes()
    {
        SkillRoute[] routes = [new(0, "dialect", "datong", new(1, 1)), new(3, "dialect", "shuozhou", new(2, 1)), new(5, "hard", "true", new(3, 2)), new(6, "n", "2", new(3, 1))];
        Assert.Equal(1L, SkillRouting.TaskMask(JsonDocument.Parse("""{"dialect":"datong","audio":"a.wav"}""").RootElement, routes));
        Assert.Equal((1L << 3) | (1L << 5) | (1L << 6), SkillRouting.TaskMask(JsonDocument.Parse("""{"dialect":"shuozhou","hard":true,"n":2}""").RootElement, routes));
        Assert.Equal(0L, SkillRouting.TaskMask(JsonDocument.Parse("""{"dialect":"beijing"}""").RootElement, routes));
        Assert.Equal(0L, SkillRouting.TaskMask(JsonDocument.Parse("[1]").RootElement, routes));
    }

    [Fact]
    public void DeniedMaskHasTheBitsOfUncoveredRoutes()
    {
        SkillRoute[] routes = [new(0, "dialect", "datong", new(1, 1)), new(62, "dialect", "shuozhou", new(2, 2))];
        Assert.Equal((1L << 0) | (1L << 62), SkillRouting.DeniedMask([], routes, 200));
        Assert.Equal(1L << 62, SkillRouting.DeniedMask([C(1, 1), C(2, 1)], routes, 200));
        Assert.Equal(0L, SkillRouting.DeniedMask([C(1, 1), C(2, 2)], routes, 200));
        Assert.Equal(1L, SkillRouting.DeniedMask([C(1, 1, expires: 150), C(2, 2)], routes, 200));
    }

    [Fact]
    public void FreeBitIsTheLowestUnused()
    {
        Assert.Equal(0, SkillRouting.FreeBit([]));
        Assert.Equal(1, SkillRouting.FreeBit([new(0, "a", "b", new(1, 1)), new(2, "a", "c", new(1, 1))]));
        Assert.Null(SkillRouting.FreeBit(Enumerable.Range(0, 63).Select(b => new SkillRoute(b, "f", $"{b}", new(1, 1)))));
    }
}

public class MatchingTests
{
    [Fact]
    public void VendorsRankByCapacityShareAndQualityLeavingOutThoseWithNobodyCertified()
    {
        VendorFacts[] vendors =
        [
            new(1, "small but good", 2, 100, 10, 0.99, 0.95),
            new(2, "large", 20, 100, 50, 0.85, null),
            new(3, "nobody certified", 0, 500, 100, 1, 1),
            new(4, "seats bound", 20, 100, 1, null, null),
        ];
        var ranked = Matching.Rank(vendors, volume: 10_000, days: 5, parkThroughput: 80);
        Assert.Equal([2L, 1L, 4L], ranked.Select(m => m.Facts.VendorId));
        var large = ranked[0];
        Assert.Equal((20, 2000.0, 10_000L, true), (large.Workers, large.DailyCapacity, large.CapacityByDeadline, large.Covers));
        Assert.Equal(0.6 + 0.4 * 0.85, large.Score, 4);
        Assert.Equal(["match.certified", "match.free_seats", "match.throughput", "match.covers", "match.quality"], large.Reasons.Select(r => r.Code));
        var bound = ranked[2];
        Assert.Equal((1, false), (bound.Workers, bound.Covers));
        Assert.Equal(["match.certified", "match.free_seats", "match.throughput", "match.short", "match.no_quality_history"], bound.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void AVendorWithoutHistoryIsAssumedToWorkAtTheParksPace()
    {
        var m = Assert.Single(Matching.Rank([new VendorFacts(7, "new", 3, null, null, null, null)], volume: 100, days: 0.2, parkThroughput: 40));
        Assert.Equal((3, 120.0, 120L, true), (m.Workers, m.DailyCapacity, m.CapacityByDeadline, m.Covers));
        Assert.Equal("match.throughput_assumed", m.Reasons[2].Code);
        Assert.Equal("match.no_sites", m.Reasons[1].Code);
        Assert.Equal(0.6 + 0.4 * Matching.DefaultQuality, m.Score, 4);
    }
}
