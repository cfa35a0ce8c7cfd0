namespace Yunzhong.Server.Features.Park;

/// <summary>
/// Per-day totals per vendor × site (<c>park_daily</c>) and who worked on which day (<c>park_active</c>,
/// a bit per day in 32-day blocks), built from the running totals (<c>park_rollups</c>) for days that
/// are over, the first time a dashboard reads them; today is read from the running totals as they
/// stand. A write to a day's running totals drops the day from <c>park_days_built</c> (the triggers of
/// migration 0022) and the next read builds it again. A dashboard over 90 days thus reads about
/// 90 × sites rows, and one pass over each 32-day block's people for distinct counts.
/// </summary>
internal static class ParkDays
{
    /// <summary>Running totals of one day × vendor × site, or finer (settable: SQLite gives sums no declared type).</summary>
    internal class Sums
    {
        public long Day { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long Tasks { get; set; }
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long GoldTotal { get; set; }
        public double GoldScore { get; set; }
        public double Seconds { get; set; }
        public long BilledE4 { get; set; }
        public long EarnedE5 { get; set; }
    }

    /// <summary>One day × vendor × site, with the people who submitted work in it.</summary>
    internal sealed class Daily : Sums
    {
        public long Annotators { get; set; }
    }

    /// <summary>An annotator active in the period, with the site they worked at.</summary>
    internal sealed class Active
    {
        public long SiteId { get; set; }
        public long UserId { get; set; }
    }

    private const string SumsSql = """
        CAST(SUM(tasks) AS BIGINT) AS Tasks, CAST(SUM(annotations) AS BIGINT) AS Annotations, CAST(SUM(accepted) AS BIGINT) AS Accepted,
        CAST(SUM(rejected) AS BIGINT) AS Rejected, CAST(SUM(gold_total) AS BIGINT) AS GoldTotal, SUM(gold_score) AS GoldScore,
        SUM(seconds) AS Seconds, CAST(SUM(billed_e4) AS BIGINT) AS BilledE4, CAST(SUM(earned_e5) AS BIGINT) AS EarnedE5,
        COUNT(DISTINCT CASE WHEN annotations > 0 THEN user_id END) AS Annotators
        """;

    private const string BuildDailySql = $"""
        INSERT INTO park_daily (day, vendor_org_id, site_id, tasks, annotations, accepted, rejected, gold_total, gold_score, seconds,
                                billed_e4, earned_e5, annotators)
        SELECT @day, vendor_org_id, site_id, {SumsSql}
        FROM park_rollups WHERE day = @day AND vendor_org_id <> 0 GROUP BY vendor_org_id, site_id
        """;

    private const string BuildActiveSql = """
        INSERT INTO park_active (block, vendor_org_id, site_id, user_id, bits)
        SELECT @block, vendor_org_id, site_id, user_id, @bit FROM park_rollups
        WHERE day = @day AND vendor_org_id <> 0 AND annotations > 0 GROUP BY vendor_org_id, site_id, user_id
        ON CONFLICT (block, vendor_org_id, site_id, user_id) DO UPDATE SET bits = park_active.bits | excluded.bits
        """;

    /// <summary>Builds the days of [<paramref name="first"/>, <paramref name="last"/>] (day numbers, all over) not built yet.</summary>
    internal static async Task BuildAsync(Db db, DbConnection c, long first, long last, CancellationToken ct)
    {
        if (first > last)
        {
            return;
        }
        var built = (await c.QueryAsync<long>(new CommandDefinition(
            "SELECT day FROM park_days_built WHERE day >= @first AND day <= @last", new { first, last }, cancellationToken: ct))).ToHashSet();
        if (built.Count == last - first + 1)
        {
            return;
        }
        await using var tx = await db.BeginWriteAsync(c, ct);
        for (var day = first; day <= last; day++)
        {
            if (built.Contains(day))
            {
                continue;
            }
            var bit = 1L << (int)(day % 32);
            var args = new { day, block = day / 32, bit, clear = ~bit };
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM park_daily WHERE day = @day", args, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(BuildDailySql, args, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE park_active SET bits = bits & @clear WHERE block = @block AND (bits & @bit) <> 0", args, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(BuildActiveSql, args, tx, cancellationToken: ct));
            await ParkSpeed.BuildDayAsync(c, tx, day, ct);
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO park_days_built (day) VALUES (@day) ON CONFLICT (day) DO NOTHING", args, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The per-day totals of [<paramref name="first"/>, <paramref name="last"/>] of one vendor (0: every
    /// vendor), and who worked in it: days before <paramref name="today"/> from the built days (built
    /// first where needed), today and later from the running totals.
    /// </summary>
    internal static async Task<(List<Daily> Days, List<Active> People)> ReadAsync(
        Db db, DbConnection c, long first, long last, long today, long vendor, CancellationToken ct)
    {
        var closedLast = Math.Min(last, today - 1);
        await BuildAsync(db, c, first, closedLast, ct);
        var days = new List<Daily>();
        var people = new List<Active>();
        if (first <= closedLast)
        {
            days.AddRange(await c.QueryAsync<Daily>(new CommandDefinition("""
                SELECT day, vendor_org_id AS VendorId, site_id AS SiteId, tasks, annotations, accepted, rejected, gold_total AS GoldTotal,
                       gold_score AS GoldScore, seconds, billed_e4 AS BilledE4, earned_e5 AS EarnedE5, annotators
                FROM park_daily WHERE day >= @first AND day <= @closedLast AND (@vendor = 0 OR vendor_org_id = @vendor)
                """, new { first, closedLast, vendor }, cancellationToken: ct)));
            var (firstBlock, lastBlock) = (first / 32, closedLast / 32);
            people.AddRange(await c.QueryAsync<Active>(new CommandDefinition("""
                SELECT site_id AS SiteId, user_id AS UserId FROM park_active
                WHERE block >= @firstBlock AND block <= @lastBlock AND (@vendor = 0 OR vendor_org_id = @vendor)
                  AND (bits & (CASE WHEN block = @firstBlock THEN @firstMask ELSE 4294967295 END)
                            & (CASE WHEN block = @lastBlock THEN @lastMask ELSE 4294967295 END)) <> 0
                """, new
            {
                firstBlock, lastBlock, vendor,
                firstMask = 0xFFFF_FFFFL & ~((1L << (int)(first % 32)) - 1),
                lastMask = (1L << (int)((closedLast % 32) + 1)) - 1,
            }, cancellationToken: ct)));
        }
        var liveFirst = Math.Max(first, today);
        if (liveFirst <= last)
        {
            var args = new { liveFirst, last, vendor };
            days.AddRange(await c.QueryAsync<Daily>(new CommandDefinition($"""
                SELECT day, vendor_org_id AS VendorId, site_id AS SiteId, {SumsSql}
                FROM park_rollups WHERE day >= @liveFirst AND day <= @last AND vendor_org_id <> 0 AND (@vendor = 0 OR vendor_org_id = @vendor)
                GROUP BY day, vendor_org_id, site_id
                """, args, cancellationToken: ct)));
            people.AddRange(await c.QueryAsync<Active>(new CommandDefinition("""
                SELECT DISTINCT site_id AS SiteId, user_id AS UserId FROM park_rollups
                WHERE day >= @liveFirst AND day <= @last AND vendor_org_id <> 0 AND annotations > 0 AND (@vendor = 0 OR vendor_org_id = @vendor)
                """, args, cancellationToken: ct)));
        }
        return (days, people);
    }
}
