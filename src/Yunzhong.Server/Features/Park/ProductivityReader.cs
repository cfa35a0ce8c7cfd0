using System.Globalization;
using Yunzhong.Core.Park;

namespace Yunzhong.Server.Features.Park;

/// <summary>Reads <see cref="ProductivityApi"/>'s figures from the per-day totals (<see cref="ParkSpeed"/>) and today's running totals, never the annotations.</summary>
internal static class ProductivityReader
{
    /// <summary>One day × vendor × site × team of <c>park_team_daily</c> (or of today's running totals).</summary>
    private sealed class Row
    {
        public long Day { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long TeamId { get; set; }
        public long Tasks { get; set; }
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long GoldTotal { get; set; }
        public double GoldScore { get; set; }
        public long EarnedE5 { get; set; }
    }

    /// <summary>One bucket of <c>park_speed</c>.</summary>
    private sealed class Speed
    {
        public long Day { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long TeamId { get; set; }
        public long Bucket { get; set; }
        public long People { get; set; }
    }

    /// <summary>One row of <c>park_team_active</c>.</summary>
    private sealed class Worked
    {
        public long Block { get; set; }
        public long VendorId { get; set; }
        public long SiteId { get; set; }
        public long TeamId { get; set; }
        public long UserId { get; set; }
        public long Bits { get; set; }
    }

    /// <summary>Sums of rows, the seconds-per-task histogram and the people who worked.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<long, long> _speed = [];
        private readonly HashSet<long> _people = [];
        private long _tasks, _annotations, _accepted, _rejected, _goldTotal, _earnedE5;
        private double _goldScore;

        public void Add(Row r)
        {
            _tasks += r.Tasks;
            _annotations += r.Annotations;
            _accepted += r.Accepted;
            _rejected += r.Rejected;
            _goldTotal += r.GoldTotal;
            _goldScore += r.GoldScore;
            _earnedE5 += r.EarnedE5;
        }

        public void Add(Speed s) => _speed[s.Bucket] = _speed.GetValueOrDefault(s.Bucket) + s.People;

        public void Saw(long user) => _people.Add(user);

        public ProductivityFigures Figures() => new(
            _tasks, _annotations, _people.Count, _accepted, _rejected,
            _accepted + _rejected == 0 ? null : (double)_accepted / (_accepted + _rejected),
            _goldTotal == 0 ? null : _goldScore / _goldTotal,
            ParkSpeed.Median(_speed),
            new Yuan((long)decimal.Round(_earnedE5 / 1000m, 0, MidpointRounding.AwayFromZero)).ToString());
    }

    private const string SumColumns = """
        r.day AS Day, r.vendor_org_id AS VendorId, r.site_id AS SiteId, r.team_id AS TeamId
        """;

    private sealed record Named(long Id, string Name, string County);

    /// <summary>
    /// The figures of [<paramref name="first"/>, <paramref name="last"/>]: days before <paramref name="today"/> from
    /// the built days (<see cref="ParkSpeed"/>, built first where needed), today and later from the running totals.
    /// </summary>
    internal static async Task<ProductivityView> ReadAsync(
        Db db, DbConnection c, ParkScope scope, DateOnly first, DateOnly last, DateOnly today, ProductivityBreakdown? by, CancellationToken ct)
    {
        var (from, to, now) = (ParkScope.DayNumber(first), ParkScope.DayNumber(last), ParkScope.DayNumber(today));
        var closedLast = Math.Min(to, now - 1);
        var rows = new List<Row>();
        var speeds = new List<Speed>();
        var worked = new List<(long Day, long VendorId, long SiteId, long TeamId, long UserId)>();
        if (from <= closedLast)
        {
            await ParkDays.BuildAsync(db, c, from, closedLast, ct);
            var args = Args(scope, new { from, closedLast, firstBlock = from / 32, lastBlock = closedLast / 32 });
            rows.AddRange(await c.QueryAsync<Row>(new CommandDefinition($"""
                SELECT {SumColumns}, r.tasks AS Tasks, r.annotations AS Annotations, r.accepted AS Accepted, r.rejected AS Rejected,
                       r.gold_total AS GoldTotal, r.gold_score AS GoldScore, r.earned_e5 AS EarnedE5
                FROM park_team_daily r WHERE r.day >= @from AND r.day <= @closedLast AND {ParkScope.RollupWhere}
                """, args, cancellationToken: ct)));
            speeds.AddRange(await c.QueryAsync<Speed>(new CommandDefinition($"""
                SELECT {SumColumns}, r.bucket AS Bucket, r.people AS People
                FROM park_speed r WHERE r.day >= @from AND r.day <= @closedLast AND {ParkScope.RollupWhere}
                """, args, cancellationToken: ct)));
            foreach (var w in await c.QueryAsync<Worked>(new CommandDefinition($"""
                SELECT r.block AS Block, r.vendor_org_id AS VendorId, r.site_id AS SiteId, r.team_id AS TeamId, r.user_id AS UserId, r.bits AS Bits
                FROM park_team_active r WHERE r.block >= @firstBlock AND r.block <= @lastBlock AND r.bits <> 0 AND {ParkScope.RollupWhere}
                """, args, cancellationToken: ct)))
            {
                for (var bits = (ulong)w.Bits; bits != 0; bits &= bits - 1)
                {
                    var day = (w.Block * 32) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    if (day >= from && day <= closedLast)
                    {
                        worked.Add((day, w.VendorId, w.SiteId, w.TeamId, w.UserId));
                    }
                }
            }
        }
        var liveFirst = Math.Max(from, now);
        if (liveFirst <= to)
        {
            var args = Args(scope, new { liveFirst, to });
            rows.AddRange(await c.QueryAsync<Row>(new CommandDefinition($"""
                SELECT {SumColumns}, CAST(SUM(r.tasks) AS BIGINT) AS Tasks, CAST(SUM(r.annotations) AS BIGINT) AS Annotations,
                       CAST(SUM(r.accepted) AS BIGINT) AS Accepted, CAST(SUM(r.rejected) AS BIGINT) AS Rejected,
                       CAST(SUM(r.gold_total) AS BIGINT) AS GoldTotal, SUM(r.gold_score) AS GoldScore, CAST(SUM(r.earned_e5) AS BIGINT) AS EarnedE5
                FROM park_rollups r WHERE r.day >= @liveFirst AND r.day <= @to AND {ParkScope.RollupWhere}
                GROUP BY r.day, r.vendor_org_id, r.site_id, r.team_id
                """, args, cancellationToken: ct)));
            foreach (var p in await c.QueryAsync<ParkSpeed.Person>(new CommandDefinition(
                         ParkSpeed.PeopleSql($"r.day >= @liveFirst AND r.day <= @to AND {ParkScope.RollupWhere}"), args, cancellationToken: ct)))
            {
                speeds.Add(new Speed { Day = p.Day, VendorId = p.VendorId, SiteId = p.SiteId, TeamId = p.TeamId, Bucket = ParkSpeed.Bucket(p.Seconds, p.Annotations), People = 1 });
                worked.Add((p.Day, p.VendorId, p.SiteId, p.TeamId, p.UserId));
            }
        }
        var sites = by == ProductivityBreakdown.County ? (await SitesAsync(c, ct)).ToDictionary(s => s.Id) : null;
        string? KeyOf(long vendor, long site, long team) => by switch
        {
            null => null,
            ProductivityBreakdown.Vendor => vendor.ToString(CultureInfo.InvariantCulture),
            ProductivityBreakdown.Site => site.ToString(CultureInfo.InvariantCulture),
            ProductivityBreakdown.Team => team.ToString(CultureInfo.InvariantCulture),
            _ => sites!.TryGetValue(site, out var s) ? s.County : "",
        };
        var total = new Tally();
        var days = new SortedDictionary<long, Tally>();
        var groups = new Dictionary<string, Tally>(StringComparer.Ordinal);
        Tally DayOf(long day) => days.TryGetValue(day, out var d) ? d : days[day] = new Tally();
        Tally? GroupOf(long vendor, long site, long team) =>
            KeyOf(vendor, site, team) is { } key ? groups.TryGetValue(key, out var g) ? g : groups[key] = new Tally() : null;
        foreach (var r in rows)
        {
            total.Add(r);
            DayOf(r.Day).Add(r);
            GroupOf(r.VendorId, r.SiteId, r.TeamId)?.Add(r);
        }
        foreach (var s in speeds)
        {
            total.Add(s);
            DayOf(s.Day).Add(s);
            GroupOf(s.VendorId, s.SiteId, s.TeamId)?.Add(s);
        }
        foreach (var w in worked)
        {
            total.Saw(w.UserId);
            DayOf(w.Day).Saw(w.UserId);
            GroupOf(w.VendorId, w.SiteId, w.TeamId)?.Saw(w.UserId);
        }
        var names = by switch
        {
            ProductivityBreakdown.Vendor => await NamesAsync(c, "SELECT id, name, '' AS County FROM organizations WHERE kind = 'vendor'", ct),
            ProductivityBreakdown.Site => await NamesAsync(c, "SELECT id, name, county_code AS County FROM sites", ct),
            ProductivityBreakdown.Team => await NamesAsync(c, "SELECT id, name, '' AS County FROM teams", ct),
            _ => new Dictionary<string, string>(StringComparer.Ordinal),
        };
        return new ProductivityView(first, last, Id(scope.Vendor), Id(scope.Site), scope.County == "" ? null : scope.County, Id(scope.Team),
            total.Figures(), days.Select(d => new ProductivityDay(ParkScope.DayOf(d.Key), d.Value.Figures())).ToList(), by,
            groups.Select(g => new ProductivityGroup(g.Key, names.GetValueOrDefault(g.Key, g.Key), g.Value.Figures()))
                .OrderByDescending(g => g.Figures.Annotations).ThenBy(g => g.Key, StringComparer.Ordinal).ToList());
    }

    private static long? Id(long id) => id == 0 ? null : id;

    private static Dictionary<string, object> Args(ParkScope scope, object? more = null)
    {
        var args = new Dictionary<string, object> { ["vendor"] = scope.Vendor, ["site"] = scope.Site, ["county"] = scope.County, ["team"] = scope.Team };
        foreach (var p in more?.GetType().GetProperties() ?? [])
        {
            args[p.Name] = p.GetValue(more)!;
        }
        return args;
    }

    private static async Task<List<Named>> SitesAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<Named>(new CommandDefinition("SELECT id, name, county_code AS County FROM sites", cancellationToken: ct))).ToList();

    private static async Task<Dictionary<string, string>> NamesAsync(DbConnection c, string sql, CancellationToken ct) =>
        (await c.QueryAsync<Named>(new CommandDefinition(sql, cancellationToken: ct)))
            .ToDictionary(n => n.Id.ToString(CultureInfo.InvariantCulture), n => n.Name, StringComparer.Ordinal);

    private sealed class Span
    {
        public long UserId { get; set; }
        public long First { get; set; }
        public long Last { get; set; }
    }

    private sealed class Block
    {
        public long Number { get; set; }
        public long UserId { get; set; }
        public long Bits { get; set; }
    }

    /// <summary>Each annotator's first and last day of work in the scope: a team's from its running totals; else
    /// from the built days' blocks (<see cref="ParkDays"/>, building what is missing) and today's running totals.</summary>
    private static async Task<List<Span>> SpansAsync(Db db, DbConnection c, ParkScope scope, long today, CancellationToken ct)
    {
        if (scope.Team != 0)
        {
            return (await c.QueryAsync<Span>(new CommandDefinition($"""
                SELECT r.user_id AS UserId, MIN(r.day) AS First, MAX(r.day) AS Last FROM park_rollups r
                WHERE r.annotations > 0 AND {ParkScope.RollupWhere} GROUP BY r.user_id
                """, Args(scope), cancellationToken: ct))).ToList();
        }
        var first = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(day) FROM park_rollups WHERE vendor_org_id <> 0", cancellationToken: ct));
        if (first is null)
        {
            return [];
        }
        await ParkDays.BuildAsync(db, c, first.Value, today - 1, ct);
        const string Where = """
            (@vendor = 0 OR vendor_org_id = @vendor) AND (@site = 0 OR site_id = @site)
            AND (@county = '' OR site_id IN (SELECT id FROM sites WHERE county_code = @county))
            """;
        var spans = new Dictionary<long, Span>();
        void Saw(long user, long firstDay, long lastDay)
        {
            if (spans.TryGetValue(user, out var s))
            {
                s.First = Math.Min(s.First, firstDay);
                s.Last = Math.Max(s.Last, lastDay);
            }
            else
            {
                spans[user] = new Span { UserId = user, First = firstDay, Last = lastDay };
            }
        }
        foreach (var b in await c.QueryAsync<Block>(new CommandDefinition(
                     $"SELECT block AS Number, user_id AS UserId, bits FROM park_active WHERE bits <> 0 AND {Where}", Args(scope), cancellationToken: ct)))
        {
            Saw(b.UserId, (b.Number * 32) + System.Numerics.BitOperations.TrailingZeroCount(b.Bits), (b.Number * 32) + System.Numerics.BitOperations.Log2((ulong)b.Bits));
        }
        foreach (var user in await c.QueryAsync<long>(new CommandDefinition(
                     $"SELECT DISTINCT user_id FROM park_rollups WHERE day >= @today AND annotations > 0 AND vendor_org_id <> 0 AND {Where}",
                     Args(scope, new { today }), cancellationToken: ct)))
        {
            Saw(user, today, today);
        }
        return spans.Values.ToList();
    }

    internal static async Task<RetentionView> RetentionAsync(Db db, DbConnection c, ParkScope scope, DateOnly today, CancellationToken ct)
    {
        var now = ParkScope.DayNumber(today);
        var spans = await SpansAsync(db, c, scope, now, ct);
        var cohorts = spans.GroupBy(s => ParkScope.DayOf(s.First).ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                (long Measured, double? Share) After(int days)
                {
                    var measured = g.Where(s => s.First + days <= now).ToList();
                    return (measured.Count, measured.Count == 0 ? null : (double)measured.Count(s => s.Last >= s.First + days) / measured.Count);
                }
                var (m30, a30) = After(30);
                var (m60, a60) = After(60);
                var (m90, a90) = After(90);
                return new RetentionCohort(g.Key, g.Count(), m30, a30, m60, a60, m90, a90);
            }).ToList();
        return new RetentionView(Id(scope.Vendor), Id(scope.Site), scope.County == "" ? null : scope.County, Id(scope.Team), cohorts);
    }

    private sealed class CountySites
    {
        public string CountyCode { get; set; } = "";
        public long Vendors { get; set; }
        public long Sites { get; set; }
        public long Seats { get; set; }
    }

    private sealed class CountyPeople
    {
        public string CountyCode { get; set; } = "";
        public long People { get; set; }
        public long Active { get; set; }
    }

    internal static async Task<EmploymentView> EmploymentAsync(DbConnection c, long vendor, DateOnly today, CancellationToken ct)
    {
        var sites = await c.QueryAsync<CountySites>(new CommandDefinition("""
            SELECT s.county_code AS CountyCode, COUNT(DISTINCT s.organization_id) AS Vendors, COUNT(*) AS Sites, CAST(SUM(s.seats) AS BIGINT) AS Seats
            FROM sites s JOIN organizations o ON o.id = s.organization_id
            WHERE o.kind = 'vendor' AND (@vendor = 0 OR s.organization_id = @vendor) GROUP BY s.county_code
            """, new { vendor }, cancellationToken: ct));
        var people = (await c.QueryAsync<CountyPeople>(new CommandDefinition("""
            SELECT s.county_code AS CountyCode, COUNT(*) AS People,
                   CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM park_rollups r WHERE r.user_id = m.user_id AND r.day >= @since AND r.annotations > 0)
                                     THEN 1 ELSE 0 END), 0) AS BIGINT) AS Active
            FROM memberships m JOIN sites s ON s.id = m.site_id AND s.organization_id = m.organization_id
            WHERE (@vendor = 0 OR s.organization_id = @vendor) GROUP BY s.county_code
            """, new { vendor, since = ParkScope.DayNumber(today) - 29 }, cancellationToken: ct))).ToDictionary(p => p.CountyCode, StringComparer.Ordinal);
        return new EmploymentView(vendor == 0 ? null : vendor, sites.Select(s =>
        {
            var p = people.GetValueOrDefault(s.CountyCode);
            return new CountyEmployment(s.CountyCode, s.Vendors, s.Sites, s.Seats, p?.People ?? 0, p?.Active ?? 0);
        }).OrderByDescending(x => x.People).ThenBy(x => x.CountyCode, StringComparer.Ordinal).ToList());
    }

    private sealed class ProgressRow
    {
        public long ContractId { get; set; }
        public long VendorId { get; set; }
        public string VendorName { get; set; } = "";
        public string State { get; set; } = "";
        public long Quota { get; set; }
        public long Used { get; set; }
        public long Submitted { get; set; }
        public long Deadline { get; set; }
    }

    private sealed class DayRow
    {
        public long Day { get; set; }
        public long VendorId { get; set; }
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
    }

    internal static async Task<VendorProgressView> VendorProgressAsync(DbConnection c, long projectId, DateOnly first, DateOnly last, CancellationToken ct)
    {
        // One line per vendor: its latest contract's state and deadline, quota and use summed over its contracts that were not declined.
        var contracts = (await c.QueryAsync<ProgressRow>(new CommandDefinition("""
            SELECT c.id AS ContractId, c.vendor_org_id AS VendorId, v.name AS VendorName, c.state AS State, c.quota AS Quota, c.used AS Used,
                   (SELECT COUNT(*) FROM assignments a WHERE a.contract_id = c.id AND a.status = 'submitted') AS Submitted, c.deadline AS Deadline
            FROM contracts c JOIN organizations v ON v.id = c.vendor_org_id
            WHERE c.project_id = @projectId AND c.state <> 'declined' ORDER BY c.id
            """, new { projectId }, cancellationToken: ct))).ToList();
        var work = (await c.QueryAsync<ParkDays.Daily>(new CommandDefinition("""
            SELECT r.vendor_org_id AS VendorId, CAST(SUM(r.tasks) AS BIGINT) AS Tasks, CAST(SUM(r.annotations) AS BIGINT) AS Annotations,
                   CAST(SUM(r.accepted) AS BIGINT) AS Accepted, CAST(SUM(r.rejected) AS BIGINT) AS Rejected,
                   CAST(SUM(r.gold_total) AS BIGINT) AS GoldTotal, SUM(r.gold_score) AS GoldScore,
                   COUNT(DISTINCT CASE WHEN r.annotations > 0 THEN r.user_id END) AS Annotators
            FROM park_rollups r WHERE r.project_id = @projectId AND r.vendor_org_id <> 0 GROUP BY r.vendor_org_id
            """, new { projectId }, cancellationToken: ct))).ToDictionary(w => w.VendorId);
        var days = await c.QueryAsync<DayRow>(new CommandDefinition("""
            SELECT r.day AS Day, r.vendor_org_id AS VendorId, CAST(SUM(r.annotations) AS BIGINT) AS Annotations,
                   CAST(SUM(r.accepted) AS BIGINT) AS Accepted, CAST(SUM(r.rejected) AS BIGINT) AS Rejected
            FROM park_rollups r WHERE r.project_id = @projectId AND r.vendor_org_id <> 0 AND r.day >= @from AND r.day <= @to
            GROUP BY r.day, r.vendor_org_id ORDER BY r.day, r.vendor_org_id
            """, new { projectId, from = ParkScope.DayNumber(first), to = ParkScope.DayNumber(last) }, cancellationToken: ct));
        var vendors = contracts.GroupBy(k => k.VendorId).Select(g =>
        {
            var latest = g.Last();
            var w = work.GetValueOrDefault(g.Key) ?? new ParkDays.Daily();
            return new VendorProgress(latest.ContractId, g.Key, latest.VendorName, ContractLifecycle.Parse(latest.State), g.Sum(k => k.Quota),
                g.Sum(k => k.Used), g.Sum(k => k.Submitted), w.Tasks, w.Annotations, w.Accepted, w.Rejected,
                w.Accepted + w.Rejected == 0 ? null : (double)w.Accepted / (w.Accepted + w.Rejected),
                w.GoldTotal == 0 ? null : w.GoldScore / w.GoldTotal, w.Annotators, Http.Time(latest.Deadline));
        }).OrderByDescending(v => v.Annotations).ThenBy(v => v.VendorOrganizationId).ToList();
        var shown = vendors.Select(v => v.VendorOrganizationId).ToHashSet();
        return new VendorProgressView(projectId, first, last, vendors,
            days.Where(d => shown.Contains(d.VendorId))
                .Select(d => new VendorProgressDay(ParkScope.DayOf(d.Day), d.VendorId, d.Annotations, d.Accepted, d.Rejected)).ToList());
    }
}
