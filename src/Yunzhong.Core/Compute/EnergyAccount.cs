namespace Yunzhong.Core.Compute;

/// <summary>What a stretch of compute used and cost, by the pool's power profile.</summary>
/// <param name="Kwh">Estimated energy: seconds × the assumed watts.</param>
/// <param name="CostCny">The energy at each hour's price, yuan (to 10⁻⁸: a small job costs fractions of a fen).</param>
/// <param name="GreenKwh">The part of the energy from wind and solar, by each hour's share.</param>
/// <param name="UncoveredSeconds">Seconds that fell outside the profile (priced and counted as nothing, and said so).</param>
public sealed record EnergyFigures(double Kwh, decimal CostCny, double GreenKwh, double UncoveredSeconds)
{
    /// <summary>Green kWh over all kWh; 0 when nothing was used.</summary>
    public double GreenShare => Kwh > 0 ? GreenKwh / Kwh : 0;
}

/// <summary>
/// Energy accounting of a job: the compute it measured, at an assumed steady power draw (the
/// machine is not metered; the watts are a stated assumption, not a reading), spread over the
/// profile hours it ran in.
/// </summary>
public static class EnergyAccount
{
    /// <summary>
    /// The figures of <paramref name="computeSeconds"/> of work run from <paramref name="start"/> at
    /// <paramref name="watts"/>; the work is taken as spread evenly over <paramref name="wallSeconds"/>
    /// (the wall time it took, at least the compute time).
    /// </summary>
    public static EnergyFigures Of(IReadOnlyList<PowerHour> profile, DateTimeOffset start, double wallSeconds, double computeSeconds, double watts)
    {
        wallSeconds = Math.Max(wallSeconds, computeSeconds);
        var kwh = computeSeconds * watts / 3_600_000d;
        if (wallSeconds <= 0 || kwh <= 0)
        {
            return new(0, 0, 0, 0);
        }
        double green = 0, covered = 0;
        decimal cost = 0;
        foreach (var (h, seconds) in GreenScheduler.Overlaps(profile, start, start.AddSeconds(wallSeconds)))
        {
            var part = kwh * seconds / wallSeconds;
            green += part * h.GreenShare;
            cost += (decimal)part * h.PricePerKwh;
            covered += seconds;
        }
        return new(kwh, decimal.Round(cost, 8), green, Math.Max(0, wallSeconds - covered));
    }
}
