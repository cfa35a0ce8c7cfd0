using Yunzhong.Core.Compute;

namespace Yunzhong.Core.Tests.Compute;

public class GreenSchedulerTests
{
    private static readonly DateTimeOffset _day = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    // Hour h: green share and price given per hour.
    private static List<PowerHour> Profile(params (double Green, decimal Price)[] hours) =>
        [.. hours.Select((h, i) => new PowerHour(_day.AddHours(i), h.Price, h.Green))];

    private static readonly List<PowerHour> _profile = Profile(
        (0.2, 0.6m), (0.3, 0.5m), (0.9, 0.4m), (0.8, 0.2m), (0.1, 0.1m), (0.1, 0.1m), (0.5, 0.3m), (0.95, 0.9m));

    [Fact]
    public void GreenestPicksTheGreenestWindowThatMeetsTheDeadline()
    {
        var (w, refusal) = GreenScheduler.Place(_profile, _day, _day.AddHours(6), TimeSpan.FromHours(2), ScheduleGoal.Greenest);
        Assert.Null(refusal);
        Assert.Equal(_day.AddHours(2), w!.StartUtc);
        Assert.Equal(_day.AddHours(4), w.EndUtc);
        Assert.Equal(0.85, w.MeanGreenShare, 6);
    }

    [Fact]
    public void TheDeadlineKeepsTheGreenestHourOut()
    {
        // Hour 7 is greenest of all, but a one-hour job due at hour 7 cannot use it.
        var (w, _) = GreenScheduler.Place(_profile, _day, _day.AddHours(7), TimeSpan.FromHours(1), ScheduleGoal.Greenest);
        Assert.Equal(_day.AddHours(2), w!.StartUtc);
        var (later, _) = GreenScheduler.Place(_profile, _day, _day.AddHours(8), TimeSpan.FromHours(1), ScheduleGoal.Greenest);
        Assert.Equal(_day.AddHours(7), later!.StartUtc);
    }

    [Fact]
    public void CheapestPicksTheLowestMeanPriceAndGreenerOnATie()
    {
        var (w, _) = GreenScheduler.Place(_profile, _day, _day.AddHours(8), TimeSpan.FromHours(2), ScheduleGoal.Cheapest);
        Assert.Equal(_day.AddHours(4), w!.StartUtc);
        Assert.Equal(0.1m, w.MeanPricePerKwh);
        var tie = Profile((0.1, 0.2m), (0.6, 0.2m));
        Assert.Equal(_day.AddHours(1), GreenScheduler.Place(tie, _day, _day.AddHours(2), TimeSpan.FromHours(1), ScheduleGoal.Cheapest).Window!.StartUtc);
    }

    [Fact]
    public void NowInsideAnHourStartsAtNow()
    {
        var now = _day.AddHours(2).AddMinutes(30);
        var (w, _) = GreenScheduler.Place(_profile, now, _day.AddHours(4), TimeSpan.FromMinutes(30), ScheduleGoal.Greenest);
        Assert.Equal(now, w!.StartUtc);
    }

    [Fact]
    public void ADeadlineNoWindowCanMeetIsRefused()
    {
        Assert.Contains("longer than", GreenScheduler.Place(_profile, _day, _day.AddHours(1), TimeSpan.FromHours(2), ScheduleGoal.Greenest).Refusal, StringComparison.Ordinal);
        Assert.Contains("already passed", GreenScheduler.Place(_profile, _day, _day.AddHours(-1), TimeSpan.FromHours(1), ScheduleGoal.Greenest).Refusal, StringComparison.Ordinal);
        Assert.Contains("profile ends", GreenScheduler.Place(_profile, _day.AddHours(7), _day.AddHours(20), TimeSpan.FromHours(3), ScheduleGoal.Greenest).Refusal, StringComparison.Ordinal);
        Assert.Contains("no power profile", GreenScheduler.Place([], _day, _day.AddHours(2), TimeSpan.FromHours(1), ScheduleGoal.Greenest).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void EnergyIsSpreadOverTheHoursRun()
    {
        // 1 h of compute at 100 W = 0.1 kWh, half in hour 2 (green 0.9, 0.4 yuan) and half in hour 3 (0.8, 0.2).
        var f = EnergyAccount.Of(_profile, _day.AddHours(2).AddMinutes(30), 3600, 3600, 100);
        Assert.Equal(0.1, f.Kwh, 9);
        Assert.Equal(0.03m, f.CostCny);
        Assert.Equal(0.085, f.GreenKwh, 9);
        Assert.Equal(0.85, f.GreenShare, 9);
        Assert.Equal(0, f.UncoveredSeconds);
        Assert.Equal(1800, EnergyAccount.Of(_profile, _day.AddHours(7).AddMinutes(30), 3600, 3600, 100).UncoveredSeconds, 6);
    }
}

public class SyntheticGridTests
{
    [Fact]
    public void TheDemoProfileIsAValidProfileGreenAtNoonAndDearInTheEvening()
    {
        var from = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
        var hours = SyntheticGrid.NorthChina(from, 7);
        Assert.Equal(7 * 24, hours.Count);
        Assert.Equal(hours, PowerProfileCsv.Parse(PowerProfileCsv.Write(hours)).Hours);
        // 04:00 UTC is 12:00 in China: sun; 11:00 UTC is 19:00: evening peak price, no sun.
        var noon = hours.Where(h => h.StartUtc.Hour == 4).Average(h => h.GreenShare);
        var evening = hours.Where(h => h.StartUtc.Hour == 11).ToList();
        Assert.True(noon > evening.Average(h => h.GreenShare));
        Assert.All(evening, h => Assert.Equal(0.92m, h.PricePerKwh));
        Assert.Equal(hours, SyntheticGrid.NorthChina(from, 7));
    }
}
