using Yunzhong.Core.Compute;

namespace Yunzhong.Core.Tests.Compute;

public class PowerProfileTests
{
    private const string Header = "hour_utc,price_cny_per_kwh,green_share\n";

    [Fact]
    public void ReadsConsecutiveHours()
    {
        var (hours, errors) = PowerProfileCsv.Parse(Header + "2026-12-05T00:00:00Z,0.31,0.72\n2026-12-05T01:00:00Z,0.29,0.8\n");
        Assert.Empty(errors);
        Assert.Equal(2, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero), hours[1].StartUtc);
        Assert.Equal(0.29m, hours[1].PricePerKwh);
        Assert.Equal(0.8, hours[1].GreenShare);
    }

    [Fact]
    public void RoundTripsThroughWrite()
    {
        var text = Header + "2026-12-05T00:00:00Z,0.31,0.72\n2026-12-05T01:00:00Z,0.29,0.8\n";
        var (hours, _) = PowerProfileCsv.Parse(text);
        Assert.Equal(hours, PowerProfileCsv.Parse(PowerProfileCsv.Write(hours)).Hours);
    }

    [Fact]
    public void AGapNamesTheRowAndTheMissingHours()
    {
        var (hours, errors) = PowerProfileCsv.Parse(Header + "2026-12-05T00:00:00Z,0.31,0.72\n2026-12-05T03:00:00Z,0.29,0.8\n");
        Assert.Empty(hours);
        var e = Assert.Single(errors);
        Assert.Equal((3, "hour_utc"), (e.Line, e.Column));
        Assert.Contains("2026-12-05T01:00Z to 2026-12-05T02:00Z are missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShareOutsideZeroToOneIsRefusedWithAPercentHint()
    {
        var (_, errors) = PowerProfileCsv.Parse(Header + "2026-12-05T00:00:00Z,0.31,72\n");
        var e = Assert.Single(errors);
        Assert.Equal((2, "green_share"), (e.Line, e.Column));
        Assert.Contains("percentage", e.Message, StringComparison.Ordinal);
        Assert.Equal("green_share", Assert.Single(PowerProfileCsv.Parse(Header + "2026-12-05T00:00:00Z,0.31,-0.1\n").Errors).Column);
    }

    [Fact]
    public void PricesPerMegawattHourAreRefused()
    {
        var e = Assert.Single(PowerProfileCsv.Parse(Header + "2026-12-05T00:00:00Z,310,0.5\n").Errors);
        Assert.Equal("price_cny_per_kwh", e.Column);
        Assert.Contains("MWh", e.Message, StringComparison.Ordinal);
        var header = Assert.Single(PowerProfileCsv.Parse("hour_utc,price_cny_per_mwh,green_share\n2026-12-05T00:00:00Z,310,0.5\n").Errors);
        Assert.Equal(1, header.Line);
        Assert.Contains("not per MWh", header.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadCellsAndOrderAreNamed()
    {
        var (_, errors) = PowerProfileCsv.Parse(Header
            + "2026-12-05T00:00:00Z,0.3,0.5\n2026-12-05T00:30:00Z,0.3,0.5\nyesterday,0.3,0.5\n2026-12-05T00:00:00Z,0.3,0.5\n2026-12-05T01:00:00Z,cheap,0.5\n2026-12-05T01:00:00Z,0.3\n");
        Assert.Equal([(3, "hour_utc"), (4, "hour_utc"), (5, "hour_utc"), (6, "price_cny_per_kwh"), (7, (string?)null)],
            errors.Select(e => (e.Line, e.Column)));
        Assert.Single(PowerProfileCsv.Parse(Header).Errors);
    }
}
