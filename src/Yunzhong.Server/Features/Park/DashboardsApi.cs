namespace Yunzhong.Server.Features.Park;

/// <param name="AcceptanceRate">Accepted over judged; null before any judgement.</param>
/// <param name="GoldAccuracy">Mean gold score; null before any gold answer.</param>
/// <param name="Earned">What the annotators earned (yuan, to the fen, fixing reviewers' halves not included).</param>
/// <param name="Billed">What the vendors billed (yuan, to the fen).</param>
public sealed record DashboardCards(
    long Annotations, long Accepted, long Rejected, double? AcceptanceRate, double? GoldAccuracy, long ActiveAnnotators,
    double? SecondsPerAnnotation, string Billed, string Earned);

public sealed record DashboardDay(DateOnly Day, long Annotations, long Accepted, long Rejected, long ActiveAnnotators);

/// <param name="CountyCode">The site's county; empty for work done at no site.</param>
public sealed record DashboardCounty(string CountyCode, long Annotations, long Accepted, long Annotators);

public sealed record DashboardVendor(long VendorOrganizationId, string Name, long Annotations, double? AcceptanceRate, double? GoldAccuracy);

/// <summary>The park's figures for [from, to], from the running totals (never the annotations).</summary>
public sealed record ParkDashboard(
    DateOnly From, DateOnly To, long? VendorOrganizationId, DashboardCards Cards, IReadOnlyList<DashboardDay> Days,
    IReadOnlyList<DashboardCounty> Counties, IReadOnlyList<DashboardVendor> Vendors);

/// <summary>
/// The park's dashboard: cards, work per day, per county, vendors ranked by throughput (then quality).
/// The operator's admins and managers see the whole park or one vendor; a vendor's see their own only.
/// </summary>
public static class DashboardsApi
{
    public static IEndpointRouteBuilder MapDashboards(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/park").WithTags("Park").SignedIn().MapGet("/dashboard", Dashboard).WithName("getParkDashboard").Gated();
        return app;
    }

    private sealed class Totals
    {
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long GoldTotal { get; set; }
        public double GoldScore { get; set; }
        public double Seconds { get; set; }
        public long BilledE4 { get; set; }
        public long EarnedE5 { get; set; }
        public long Annotators { get; set; }
    }

    private sealed class DayRow
    {
        public long Day { get; set; }
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long Annotators { get; set; }
    }

    private sealed class CountyRow
    {
        public string? CountyCode { get; set; }
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Annotators { get; set; }
    }

    private sealed class VendorRow
    {
        public long VendorId { get; set; }
        public string Name { get; set; } = "";
        public long Annotations { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long GoldTotal { get; set; }
        public double GoldScore { get; set; }
    }

    private const string Scope = "r.day >= @from AND r.day <= @to AND r.vendor_org_id <> 0 AND (@vendor = 0 OR r.vendor_org_id = @vendor)";

    /// <param name="from">First day (UTC), default 89 days before <paramref name="to"/>.</param>
    /// <param name="to">Last day (UTC), default today.</param>
    /// <param name="vendor">One vendor only; a vendor's own people must name it.</param>
    private static async Task<Results<Ok<ParkDashboard>, ProblemHttpResult, ValidationProblem>> Dashboard(
        DateOnly? from, DateOnly? to, long? vendor, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        await using var c = await db.OpenAsync(ct);
        var operatorRoles = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT m.roles FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = @me AND o.kind = 'operator'",
            new { me }, cancellationToken: ct))).Aggregate(Roles.None, (all, csv) => all | RoleNames.Parse(csv));
        if ((operatorRoles & RoleNames.Manage) == 0)
        {
            if (vendor is not { } v)
            {
                return Http.Forbidden("Only the park operator's admins and managers see the whole park; a vendor's see their own (vendor=).");
            }
            if (await SitesApi.OrgGateAsync(access, me, v, RoleNames.Manage, "Only the vendor's admins and managers see its dashboard.", ct) is { } refused)
            {
                return refused;
            }
        }
        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = from ?? last.AddDays(-89);
        if (first > last || last.DayNumber - first.DayNumber > 366)
        {
            return Http.Invalid("from", "from must be a day on or before to, at most 366 days before it.");
        }
        var args = new { from = Day(first), to = Day(last), vendor = vendor ?? 0 };
        var t = await c.QuerySingleAsync<Totals>(new CommandDefinition($"""
            SELECT CAST(COALESCE(SUM(annotations), 0) AS BIGINT) AS Annotations, CAST(COALESCE(SUM(accepted), 0) AS BIGINT) AS Accepted,
                   CAST(COALESCE(SUM(rejected), 0) AS BIGINT) AS Rejected, CAST(COALESCE(SUM(gold_total), 0) AS BIGINT) AS GoldTotal,
                   COALESCE(SUM(gold_score), 0) AS GoldScore, COALESCE(SUM(seconds), 0) AS Seconds,
                   CAST(COALESCE(SUM(billed_e4), 0) AS BIGINT) AS BilledE4, CAST(COALESCE(SUM(earned_e5), 0) AS BIGINT) AS EarnedE5,
                   COUNT(DISTINCT CASE WHEN annotations > 0 THEN user_id END) AS Annotators
            FROM park_rollups r WHERE {Scope}
            """, args, cancellationToken: ct));
        var days = await c.QueryAsync<DayRow>(new CommandDefinition($"""
            SELECT day, CAST(SUM(annotations) AS BIGINT) AS Annotations, CAST(SUM(accepted) AS BIGINT) AS Accepted, CAST(SUM(rejected) AS BIGINT) AS Rejected,
                   COUNT(DISTINCT CASE WHEN annotations > 0 THEN user_id END) AS Annotators
            FROM park_rollups r WHERE {Scope} GROUP BY day ORDER BY day
            """, args, cancellationToken: ct));
        var counties = await c.QueryAsync<CountyRow>(new CommandDefinition($"""
            SELECT s.county_code AS CountyCode, CAST(SUM(r.annotations) AS BIGINT) AS Annotations, CAST(SUM(r.accepted) AS BIGINT) AS Accepted,
                   COUNT(DISTINCT CASE WHEN r.annotations > 0 THEN r.user_id END) AS Annotators
            FROM park_rollups r LEFT JOIN sites s ON s.id = r.site_id WHERE {Scope} GROUP BY s.county_code ORDER BY s.county_code
            """, args, cancellationToken: ct));
        var vendors = await c.QueryAsync<VendorRow>(new CommandDefinition($"""
            SELECT r.vendor_org_id AS VendorId, o.name, CAST(SUM(r.annotations) AS BIGINT) AS Annotations, CAST(SUM(r.accepted) AS BIGINT) AS Accepted,
                   CAST(SUM(r.rejected) AS BIGINT) AS Rejected, CAST(SUM(r.gold_total) AS BIGINT) AS GoldTotal, SUM(r.gold_score) AS GoldScore
            FROM park_rollups r JOIN organizations o ON o.id = r.vendor_org_id WHERE {Scope} GROUP BY r.vendor_org_id, o.name
            """, args, cancellationToken: ct));
        var cards = new DashboardCards(t.Annotations, t.Accepted, t.Rejected, Rate(t.Accepted, t.Rejected), Gold(t.GoldScore, t.GoldTotal), t.Annotators,
            t.Annotations == 0 ? null : t.Seconds / t.Annotations,
            new Core.Park.Yuan((long)decimal.Round(t.BilledE4 / 100m, 0, MidpointRounding.AwayFromZero)).ToString(),
            new Core.Park.Yuan((long)decimal.Round(t.EarnedE5 / 1000m, 0, MidpointRounding.AwayFromZero)).ToString());
        return TypedResults.Ok(new ParkDashboard(first, last, vendor, cards,
            days.Select(d => new DashboardDay(DateOnly.FromDayNumber(_epochDay + (int)d.Day), d.Annotations, d.Accepted, d.Rejected, d.Annotators)).ToList(),
            counties.Select(x => new DashboardCounty(x.CountyCode ?? "", x.Annotations, x.Accepted, x.Annotators)).ToList(),
            vendors.Select(v => new DashboardVendor(v.VendorId, v.Name, v.Annotations, Rate(v.Accepted, v.Rejected), Gold(v.GoldScore, v.GoldTotal)))
                .OrderByDescending(v => v.Annotations).ThenByDescending(v => v.AcceptanceRate ?? 0).ThenBy(v => v.VendorOrganizationId).ToList()));
    }

    private static readonly int _epochDay = new DateOnly(1970, 1, 1).DayNumber;

    private static long Day(DateOnly d) => d.DayNumber - _epochDay;

    private static double? Rate(long accepted, long rejected) => accepted + rejected == 0 ? null : (double)accepted / (accepted + rejected);

    private static double? Gold(double score, long total) => total == 0 ? null : score / total;
}
