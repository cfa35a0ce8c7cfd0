namespace Yunzhong.Server.Features.Park;

/// <param name="AcceptanceRate">Accepted over judged; null before any judgement.</param>
/// <param name="GoldAccuracy">Mean gold score; null before any gold answer.</param>
/// <param name="Earned">What the annotators earned (yuan, to the fen, fixing reviewers' halves not included).</param>
/// <param name="Billed">What the vendors billed (yuan, to the fen).</param>
public sealed record DashboardCards(
    long Annotations, long Accepted, long Rejected, double? AcceptanceRate, double? GoldAccuracy, long ActiveAnnotators,
    double? SecondsPerAnnotation, string Billed, string Earned);

/// <param name="Tasks">Tasks worked that day (a task annotated twice counts once).</param>
/// <param name="ActiveAnnotators">People who submitted work that day, counted at each site they worked at.</param>
public sealed record DashboardDay(DateOnly Day, long Tasks, long Annotations, long Accepted, long Rejected, long ActiveAnnotators);

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

    private sealed record Named(long Id, string Name);

    /// <param name="from">First day (UTC), default 89 days before <paramref name="to"/>.</param>
    /// <param name="to">Last day (UTC), default today.</param>
    /// <param name="vendor">One vendor only; a vendor's own people must name it.</param>
    private static async Task<Results<Ok<ParkDashboard>, ProblemHttpResult, ValidationProblem>> Dashboard(
        DateOnly? from, DateOnly? to, long? vendor, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        if ((await ParkScope.OperatorRolesAsync(db, me, ct) & RoleNames.Manage) == 0)
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
        await using var c = await db.OpenAsync(ct);
        var (rows, people) = await ParkDays.ReadAsync(db, c, ParkScope.DayNumber(first), ParkScope.DayNumber(last),
            ParkScope.DayNumber(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)), vendor ?? 0, ct);
        var counties = (await c.QueryAsync<(long Id, string County)>(new CommandDefinition(
            "SELECT id, county_code FROM sites", cancellationToken: ct))).ToDictionary(x => x.Id, x => x.County);
        var names = (await c.QueryAsync<Named>(new CommandDefinition(
            "SELECT id, name FROM organizations WHERE kind = 'vendor'", cancellationToken: ct))).ToDictionary(x => x.Id, x => x.Name);
        string CountyOf(long site) => counties.GetValueOrDefault(site) ?? "";
        long Sum(IEnumerable<ParkDays.Daily> r, Func<ParkDays.Daily, long> f) => r.Sum(f);
        var accepted = Sum(rows, r => r.Accepted);
        var rejected = Sum(rows, r => r.Rejected);
        var annotations = Sum(rows, r => r.Annotations);
        var cards = new DashboardCards(annotations, accepted, rejected, Rate(accepted, rejected), Gold(rows.Sum(r => r.GoldScore), Sum(rows, r => r.GoldTotal)),
            people.Select(p => p.UserId).Distinct().Count(),
            annotations == 0 ? null : rows.Sum(r => r.Seconds) / annotations,
            new Core.Park.Yuan((long)decimal.Round(Sum(rows, r => r.BilledE4) / 100m, 0, MidpointRounding.AwayFromZero)).ToString(),
            new Core.Park.Yuan((long)decimal.Round(Sum(rows, r => r.EarnedE5) / 1000m, 0, MidpointRounding.AwayFromZero)).ToString());
        var activeByCounty = people.GroupBy(p => CountyOf(p.SiteId)).ToDictionary(g => g.Key, g => (long)g.Select(p => p.UserId).Distinct().Count());
        return TypedResults.Ok(new ParkDashboard(first, last, vendor, cards,
            rows.GroupBy(r => r.Day).OrderBy(g => g.Key)
                .Select(g => new DashboardDay(ParkScope.DayOf(g.Key), Sum(g, r => r.Tasks), Sum(g, r => r.Annotations), Sum(g, r => r.Accepted), Sum(g, r => r.Rejected), Sum(g, r => r.Annotators)))
                .ToList(),
            rows.GroupBy(r => CountyOf(r.SiteId)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DashboardCounty(g.Key, Sum(g, r => r.Annotations), Sum(g, r => r.Accepted), activeByCounty.GetValueOrDefault(g.Key)))
                .ToList(),
            rows.GroupBy(r => r.VendorId)
                .Select(g => new DashboardVendor(g.Key, names.GetValueOrDefault(g.Key, ""), Sum(g, r => r.Annotations), Rate(Sum(g, r => r.Accepted), Sum(g, r => r.Rejected)),
                    Gold(g.Sum(r => r.GoldScore), Sum(g, r => r.GoldTotal))))
                .OrderByDescending(v => v.Annotations).ThenByDescending(v => v.AcceptanceRate ?? 0).ThenBy(v => v.VendorOrganizationId).ToList()));
    }

    private static double? Rate(long accepted, long rejected) => accepted + rejected == 0 ? null : (double)accepted / (accepted + rejected);

    private static double? Gold(double score, long total) => total == 0 ? null : score / total;
}
