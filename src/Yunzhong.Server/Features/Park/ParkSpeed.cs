namespace Yunzhong.Server.Features.Park;

/// <summary>
/// Per-day totals for <see cref="ProductivityApi"/> per day × vendor × site × team (<c>park_team_daily</c>),
/// a histogram of seconds per task (<c>park_speed</c>: how many annotators' mean seconds per annotation
/// that day fell in each one-second bucket) and who worked when per team (<c>park_team_active</c>),
/// built with <see cref="ParkDays"/> for days that are over (migration 0025). Medians come from the
/// summed buckets, to the whole second (rounded down), up to <see cref="Cap"/> seconds.
/// </summary>
internal static class ParkSpeed
{
    /// <summary>The last bucket: an hour or more per task.</summary>
    internal const long Cap = 3600;

    /// <summary>One annotator's day at one vendor × site × team, summed over projects (settable: SQLite sums have no declared type).</summary>
    internal sealed class Person
    {
        public long Day { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long TeamId { get; set; }
        public long UserId { get; set; }
        public long Annotations { get; set; }
        public double Seconds { get; set; }
    }

    /// <summary>The bucket of a mean of <paramref name="seconds"/> over <paramref name="annotations"/> annotations.</summary>
    internal static long Bucket(double seconds, long annotations) => Math.Clamp((long)Math.Floor(seconds / annotations), 0, Cap);

    /// <summary>The people of the running totals (<c>park_rollups r</c>) matching <paramref name="where"/>, one row per day × vendor × site × team × annotator.</summary>
    internal static string PeopleSql(string where) => $"""
        SELECT r.day AS Day, r.vendor_org_id AS VendorId, r.site_id AS SiteId, r.team_id AS TeamId, r.user_id AS UserId,
               CAST(SUM(r.annotations) AS BIGINT) AS Annotations, SUM(r.seconds) AS Seconds
        FROM park_rollups r WHERE {where} GROUP BY r.day, r.vendor_org_id, r.site_id, r.team_id, r.user_id HAVING SUM(r.annotations) > 0
        """;

    private const string BuildDailySql = """
        INSERT INTO park_team_daily (day, vendor_org_id, site_id, team_id, tasks, annotations, accepted, rejected, gold_total, gold_score,
                                     earned_e5, annotators)
        SELECT @day, vendor_org_id, site_id, team_id, CAST(SUM(tasks) AS BIGINT), CAST(SUM(annotations) AS BIGINT), CAST(SUM(accepted) AS BIGINT),
               CAST(SUM(rejected) AS BIGINT), CAST(SUM(gold_total) AS BIGINT), SUM(gold_score), CAST(SUM(earned_e5) AS BIGINT),
               COUNT(DISTINCT CASE WHEN annotations > 0 THEN user_id END)
        FROM park_rollups WHERE day = @day AND vendor_org_id <> 0 GROUP BY vendor_org_id, site_id, team_id
        """;

    private const string BuildActiveSql = """
        INSERT INTO park_team_active (block, vendor_org_id, site_id, team_id, user_id, bits)
        SELECT @block, vendor_org_id, site_id, team_id, user_id, @bit FROM park_rollups
        WHERE day = @day AND vendor_org_id <> 0 AND annotations > 0 GROUP BY vendor_org_id, site_id, team_id, user_id
        ON CONFLICT (block, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET bits = park_team_active.bits | excluded.bits
        """;

    /// <summary>Builds one day (in <see cref="ParkDays.BuildAsync"/>'s transaction).</summary>
    internal static async Task BuildDayAsync(DbConnection c, DbTransaction tx, long day, CancellationToken ct)
    {
        var bit = 1L << (int)(day % 32);
        var args = new { day, block = day / 32, bit, clear = ~bit };
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM park_team_daily WHERE day = @day", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BuildDailySql, args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE park_team_active SET bits = bits & @clear WHERE block = @block AND (bits & @bit) <> 0", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(BuildActiveSql, args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM park_speed WHERE day = @day", args, tx, cancellationToken: ct));
        var people = await c.QueryAsync<Person>(new CommandDefinition(
            PeopleSql("r.day = @day AND r.vendor_org_id <> 0"), args, tx, cancellationToken: ct));
        var buckets = people.GroupBy(p => (p.VendorId, p.SiteId, p.TeamId, Bucket: Bucket(p.Seconds, p.Annotations)))
            .Select(g => new { day, vendor = g.Key.VendorId, site = g.Key.SiteId, team = g.Key.TeamId, bucket = g.Key.Bucket, people = (long)g.Count() })
            .ToList();
        if (buckets.Count > 0)
        {
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO park_speed (day, vendor_org_id, site_id, team_id, bucket, people) VALUES (@day, @vendor, @site, @team, @bucket, @people)
                """, buckets, tx, cancellationToken: ct));
        }
    }

    /// <summary>The median of a histogram (bucket → count): the bucket of the middle one, or the mean of the two middle ones' buckets.</summary>
    internal static double? Median(IReadOnlyDictionary<long, long> histogram)
    {
        var n = histogram.Values.Sum();
        if (n == 0)
        {
            return null;
        }
        long At(long rank)
        {
            foreach (var (bucket, count) in histogram.OrderBy(h => h.Key))
            {
                if (rank < count)
                {
                    return bucket;
                }
                rank -= count;
            }
            return Cap;
        }
        return n % 2 == 1 ? At(n / 2) : (At((n / 2) - 1) + At(n / 2)) / 2.0;
    }
}
