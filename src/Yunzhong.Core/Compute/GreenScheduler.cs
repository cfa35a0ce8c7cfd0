namespace Yunzhong.Core.Compute;

/// <summary>What a deferrable job's window is chosen for.</summary>
public enum ScheduleGoal
{
    /// <summary>The highest mean green share; the lower price breaks a tie, then the earlier start.</summary>
    Greenest,

    /// <summary>The lowest mean price; the higher green share breaks a tie, then the earlier start.</summary>
    Cheapest,
}

/// <summary>The hours a job was placed in.</summary>
/// <param name="StartUtc">When the job may start.</param>
/// <param name="EndUtc">When its estimated work ends (at or before the deadline).</param>
/// <param name="MeanGreenShare">Mean green share over the window's hours.</param>
/// <param name="MeanPricePerKwh">Mean price over the window's hours, yuan per kWh.</param>
public sealed record ScheduleWindow(DateTimeOffset StartUtc, DateTimeOffset EndUtc, double MeanGreenShare, decimal MeanPricePerKwh);

/// <summary>
/// Places a deferrable job's work in one unbroken window of whole profile hours, the greenest or
/// the cheapest that starts at or after now and ends by the deadline. One window rather than
/// scattered hours: a job that starts keeps its loaded model and runs to the end, and a pause
/// between hours would cost a reload the estimate does not know about.
/// </summary>
public static class GreenScheduler
{
    /// <summary>
    /// The window for <paramref name="work"/> of estimated compute between <paramref name="now"/> and
    /// <paramref name="deadline"/>; null with a reason when no window of the profile meets the deadline.
    /// A window starts at an hour's start (or now, within the current hour).
    /// </summary>
    public static (ScheduleWindow? Window, string? Refusal) Place(
        IReadOnlyList<PowerHour> profile, DateTimeOffset now, DateTimeOffset deadline, TimeSpan work, ScheduleGoal goal)
    {
        if (work <= TimeSpan.Zero)
        {
            work = TimeSpan.FromSeconds(1);
        }
        if (deadline <= now)
        {
            return (null, "The deadline has already passed.");
        }
        if (now + work > deadline)
        {
            return (null, $"The work is estimated at {Hours(work)} h, longer than the {Hours(deadline - now)} h left before the deadline.");
        }
        if (profile.Count == 0)
        {
            return (null, "The pool has no power profile.");
        }

        var profileEnd = profile[^1].StartUtc.AddHours(1);
        ScheduleWindow? best = null;
        foreach (var hour in profile)
        {
            if (hour.StartUtc.AddHours(1) <= now)
            {
                continue;
            }
            var start = hour.StartUtc < now ? now : hour.StartUtc;
            var end = start + work;
            if (end > deadline || end > profileEnd)
            {
                break;
            }
            var (green, price) = Means(profile, start, end);
            var candidate = new ScheduleWindow(start, end, green, price);
            if (best is null || Better(candidate, best, goal))
            {
                best = candidate;
            }
        }

        return best is null
            ? (null, profileEnd < now + work
                ? "The power profile ends before the work could finish; import a profile that covers the deadline."
                : "The power profile has no hours between now and the deadline that fit the work.")
            : (best, null);
    }

    /// <summary>Mean green share and price of the profile hours <paramref name="start"/>..<paramref name="end"/> touches, each weighted by the time spent in it.</summary>
    public static (double Green, decimal Price) Means(IReadOnlyList<PowerHour> profile, DateTimeOffset start, DateTimeOffset end)
    {
        double green = 0, seconds = 0;
        decimal price = 0;
        foreach (var (h, overlap) in Overlaps(profile, start, end))
        {
            green += h.GreenShare * overlap;
            price += h.PricePerKwh * (decimal)overlap;
            seconds += overlap;
        }
        return seconds > 0 ? (green / seconds, price / (decimal)seconds) : (0, 0);
    }

    /// <summary>The profile hours that overlap <paramref name="start"/>..<paramref name="end"/>, with the seconds of overlap.</summary>
    internal static IEnumerable<(PowerHour Hour, double Seconds)> Overlaps(IReadOnlyList<PowerHour> profile, DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var h in profile)
        {
            var from = h.StartUtc > start ? h.StartUtc : start;
            var hourEnd = h.StartUtc.AddHours(1);
            var to = hourEnd < end ? hourEnd : end;
            if (to > from)
            {
                yield return (h, (to - from).TotalSeconds);
            }
        }
    }

    private static bool Better(ScheduleWindow a, ScheduleWindow b, ScheduleGoal goal)
    {
        const double Eps = 1e-9;
        if (goal == ScheduleGoal.Greenest)
        {
            if (Math.Abs(a.MeanGreenShare - b.MeanGreenShare) > Eps)
            {
                return a.MeanGreenShare > b.MeanGreenShare;
            }
            return a.MeanPricePerKwh < b.MeanPricePerKwh;
        }
        if (a.MeanPricePerKwh != b.MeanPricePerKwh)
        {
            return a.MeanPricePerKwh < b.MeanPricePerKwh;
        }
        return a.MeanGreenShare > b.MeanGreenShare + Eps;
    }

    private static string Hours(TimeSpan t) => t.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
}
