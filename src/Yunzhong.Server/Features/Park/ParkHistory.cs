namespace Yunzhong.Server.Features.Park;

/// <summary>
/// SIMULATED history for the demo: <see cref="Days"/> days of made-up activity written into the running totals
/// for whatever vendors' people the demo seeded at sites (queried, not named), so that every chart
/// and cohort has something to show. Its rows carry project 0 — no project has id 0 — which is how
/// they are told from real work; written once (none are written when rows of project 0 exist).
/// Half a year, so that the retention cohorts of the first months can show who is still working 90
/// days on; people who start later stay more often (the park's retention rising over the months).
/// </summary>
internal static class ParkHistory
{
    /// <summary>The project id of simulated rows.</summary>
    internal const long SimulatedProject = 0;

    /// <summary>How many days the simulated history covers, up to yesterday.</summary>
    internal const int Days = 180;

    /// <summary>Settable: SQLite gives the team sub-select no declared type, so Dapper cannot pick a constructor.</summary>
    private sealed class PersonRow
    {
        public long UserId { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long? TeamId { get; set; }
    }

    internal static async Task WriteAsync(Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM park_rollups WHERE project_id = @project", new { project = SimulatedProject }, cancellationToken: ct)) > 0)
        {
            return;
        }
        var people = (await c.QueryAsync<PersonRow>(new CommandDefinition("""
            SELECT m.user_id AS UserId, m.organization_id AS VendorId, m.site_id AS SiteId,
                   (SELECT MIN(tm.team_id) FROM team_members tm JOIN teams t ON t.id = tm.team_id
                    WHERE tm.user_id = m.user_id AND t.organization_id = m.organization_id) AS TeamId
            FROM memberships m JOIN organizations o ON o.id = m.organization_id
            WHERE o.kind = 'vendor' AND m.site_id IS NOT NULL ORDER BY m.user_id
            """, cancellationToken: ct))).ToList();
        if (people.Count == 0)
        {
            return;
        }
        var today = time.GetUtcNow().ToUnixTimeMilliseconds() / 86_400_000;
        var rng = new Random(20261204);
        var rows = new List<object>();
        foreach (var p in people)
        {
            // Each person starts some day in the half year and, for some, stops working some weeks later:
            // four in five of the first month's starters, one in five of the last month's.
            var start = rng.Next(0, Days - 10);
            var stop = rng.NextDouble() < 0.8 - (0.6 * start / Days) ? start + rng.Next(14, 80) : Days;
            var skill = 0.80 + (rng.NextDouble() * 0.17);
            for (var d = start; d < Math.Min(stop, Days); d++)
            {
                if (rng.NextDouble() < 0.15)
                {
                    continue; // a day off
                }
                var annotations = rng.Next(40, 160);
                var judged = annotations * 3 / 10;
                var accepted = (int)Math.Round(judged * skill);
                var gold = annotations / 20;
                rows.Add(new
                {
                    day = today - Days + d, project = SimulatedProject, vendor = p.VendorId, site = p.SiteId, team = p.TeamId ?? 0, user = p.UserId,
                    tasks = annotations * 9 / 10, annotations, accepted, rejected = judged - accepted, gold, score = gold * skill, seconds = annotations * rng.Next(20, 60) * 1.0,
                    billed = accepted * 350L, earned = accepted * 2500L,
                });
            }
        }
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, tasks, annotations, accepted, rejected,
                                      gold_total, gold_score, seconds, billed_e4, earned_e5)
            VALUES (@day, @project, @vendor, @site, @team, @user, @tasks, @annotations, @accepted, @rejected, @gold, @score, @seconds, @billed, @earned)
            """, rows, tx, cancellationToken: ct));
        // Written straight into the running totals, not through the triggers: the days it touched are built again when read.
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM park_days_built", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }
}
