namespace Yunzhong.Core.Workforce;

/// <summary>What is known of one vendor for a demand.</summary>
/// <param name="VendorId">The vendor organisation.</param>
/// <param name="Name">Its name.</param>
/// <param name="Certified">Its annotators whose valid certificates cover every skill of the demand.</param>
/// <param name="Throughput">Annotations per person-day it measured lately, or null without history.</param>
/// <param name="FreeSeats">Seats of its sites not taken now, or null when it has no sites.</param>
/// <param name="AcceptanceRate">Accepted over judged lately, or null.</param>
/// <param name="GoldAccuracy">Mean gold score lately, or null.</param>
public sealed record VendorFacts(long VendorId, string Name, int Certified, double? Throughput, int? FreeSeats, double? AcceptanceRate, double? GoldAccuracy);

/// <summary>Why a vendor ranks where it does: a code a client translates, with its values.</summary>
/// <param name="Code">The reason's code (<c>match.certified</c>, …).</param>
/// <param name="Values">Its values.</param>
public sealed record MatchReason(string Code, IReadOnlyDictionary<string, object?> Values);

/// <summary>A vendor matched to a demand.</summary>
/// <param name="Facts">What the rank rests on.</param>
/// <param name="Workers">People who can work it at once: certified annotators, no more than free seats.</param>
/// <param name="DailyCapacity">Units a day: workers × throughput.</param>
/// <param name="CapacityByDeadline">Units until the deadline.</param>
/// <param name="Covers">Whether that reaches the demand's volume.</param>
/// <param name="Score">0–1: share of the volume it can do (60 %) and its quality (40 %).</param>
/// <param name="Reasons">Why, in order.</param>
public sealed record VendorMatch(VendorFacts Facts, int Workers, double DailyCapacity, long CapacityByDeadline, bool Covers, double Score, IReadOnlyList<MatchReason> Reasons);

/// <summary>Demand–job–skill matching (需求–岗位–技能): ranks vendors for a demand by capacity and quality.</summary>
public static class Matching
{
    /// <summary>Throughput assumed for a vendor without measured history: the park's own figure is used
    /// when there is one (see <see cref="Rank"/>), else this.</summary>
    public const double DefaultThroughput = 100;

    /// <summary>Quality assumed where a vendor has no judged work yet.</summary>
    public const double DefaultQuality = 0.8;

    /// <summary>Ranks <paramref name="vendors"/> for a demand of <paramref name="volume"/> units due in
    /// <paramref name="days"/> days (at least 1): vendors without a certified annotator are left out; the
    /// rest by score, then capacity, then id.</summary>
    /// <param name="vendors">What is known of each vendor.</param>
    /// <param name="volume">The demand's volume.</param>
    /// <param name="days">Days until the deadline.</param>
    /// <param name="parkThroughput">The park's measured annotations per person-day, for vendors without history.</param>
    /// <returns>The ranked matches.</returns>
    public static IReadOnlyList<VendorMatch> Rank(IEnumerable<VendorFacts> vendors, long volume, double days, double? parkThroughput)
    {
        days = Math.Max(1, days);
        var list = new List<VendorMatch>();
        foreach (var v in vendors)
        {
            if (v.Certified <= 0)
            {
                continue;
            }
            var reasons = new List<MatchReason> { new("match.certified", new Dictionary<string, object?> { ["count"] = v.Certified }) };
            var workers = v.FreeSeats is { } free ? Math.Min(v.Certified, Math.Max(0, free)) : v.Certified;
            reasons.Add(v.FreeSeats is { } seats
                ? new("match.free_seats", new Dictionary<string, object?> { ["count"] = seats, ["workers"] = workers })
                : new("match.no_sites", new Dictionary<string, object?> { ["workers"] = workers }));
            var throughput = v.Throughput ?? parkThroughput ?? DefaultThroughput;
            reasons.Add(v.Throughput is null
                ? new("match.throughput_assumed", new Dictionary<string, object?> { ["perDay"] = Math.Round(throughput, 1) })
                : new("match.throughput", new Dictionary<string, object?> { ["perDay"] = Math.Round(throughput, 1) }));
            var daily = workers * throughput;
            var byDeadline = (long)Math.Floor(daily * days);
            var covers = byDeadline >= volume;
            reasons.Add(new(covers ? "match.covers" : "match.short", new Dictionary<string, object?>
            {
                ["capacity"] = byDeadline, ["volume"] = volume, ["share"] = volume == 0 ? 1 : Math.Round(Math.Min(1, (double)byDeadline / volume), 3),
            }));
            var quality = Quality(v);
            reasons.Add(v.AcceptanceRate is null && v.GoldAccuracy is null
                ? new("match.no_quality_history", new Dictionary<string, object?>())
                : new("match.quality", new Dictionary<string, object?> { ["acceptance"] = v.AcceptanceRate, ["gold"] = v.GoldAccuracy }));
            var share = volume == 0 ? 1 : Math.Min(1, (double)byDeadline / volume);
            list.Add(new VendorMatch(v, workers, daily, byDeadline, covers, Math.Round(0.6 * share + 0.4 * quality, 4), reasons));
        }
        return list.OrderByDescending(m => m.Score).ThenByDescending(m => m.CapacityByDeadline).ThenBy(m => m.Facts.VendorId).ToList();
    }

    /// <summary>A vendor's quality, 0–1: the mean of its acceptance rate and gold accuracy where known, else <see cref="DefaultQuality"/>.</summary>
    /// <param name="v">The vendor.</param>
    /// <returns>The quality.</returns>
    public static double Quality(VendorFacts v) => (v.AcceptanceRate, v.GoldAccuracy) switch
    {
        ({ } a, { } g) => (a + g) / 2,
        ({ } a, null) => a,
        (null, { } g) => g,
        _ => DefaultQuality,
    };
}
