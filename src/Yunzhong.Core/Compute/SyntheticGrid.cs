namespace Yunzhong.Core.Compute;

/// <summary>
/// A synthetic power profile for the demo, plainly not measured data: shaped like a northern-China
/// grid with much wind and solar (Shanxi, Inner Mongolia): solar from about 08:00 to 17:00 China
/// time peaking at 12:30, wind strongest at night, both varying from day to day; time-of-use prices
/// with an evening peak (17:00–21:00), a night valley (23:00–07:00) and a midday solar valley.
/// Deterministic for a given start, so the demo shows the same curve each time it is seeded.
/// </summary>
public static class SyntheticGrid
{
    /// <summary>What the demo labels the profile with.</summary>
    public const string Note = "SYNTHETIC — not measured data. Shaped like a northern-China wind-and-solar grid: solar at midday, wind at night, time-of-use prices. For the demo only.";

    /// <summary><paramref name="days"/> × 24 hours from <paramref name="fromUtc"/> (taken to its hour).</summary>
    public static List<PowerHour> NorthChina(DateTimeOffset fromUtc, int days)
    {
        var start = new DateTimeOffset(fromUtc.Year, fromUtc.Month, fromUtc.Day, fromUtc.Hour, 0, 0, TimeSpan.Zero);
        var rng = new Random(unchecked((int)(start.ToUnixTimeSeconds() / 3600)));
        var hours = new List<PowerHour>(days * 24);
        double windDay = 0.3, cloud = 1;
        for (var i = 0; i < days * 24; i++)
        {
            var at = start.AddHours(i);
            var local = (at.Hour + 8) % 24 + 0.5; // China Standard Time, mid-hour
            if (i == 0 || local == 0.5)
            {
                windDay = 0.15 + 0.3 * rng.NextDouble(); // calm and windy days
                cloud = 0.5 + 0.5 * rng.NextDouble();
            }
            var solar = local is > 7.5 and < 17.5 ? 0.5 * cloud * Math.Pow(Math.Sin(Math.PI * (local - 7.5) / 10), 1.5) : 0;
            var wind = windDay * (1.1 + 0.4 * Math.Cos(2 * Math.PI * (local - 2) / 24)) + 0.04 * (rng.NextDouble() - 0.5);
            var green = Math.Round(Math.Clamp(solar + wind, 0.05, 0.92), 3);
            decimal price = local switch
            {
                >= 17 and < 21 => 0.92m,
                >= 23 or < 7 => 0.31m,
                >= 11 and < 14 => 0.36m,
                _ => 0.61m,
            };
            hours.Add(new PowerHour(at, price, green));
        }
        return hours;
    }
}
