using Yunzhong.Core.Park;

namespace Yunzhong.Server.Features.Park;

/// <param name="Tasks">Tasks submitted for the first time (a resubmission after a rejection is an annotation, not a task).</param>
/// <param name="Annotations">Every submission.</param>
/// <param name="ActiveAnnotators">People who submitted work.</param>
/// <param name="AcceptanceRate">Accepted over judged; null before any judgement.</param>
/// <param name="GoldAccuracy">Mean gold score; null before any gold answer.</param>
/// <param name="MedianSecondsPerTask">The median over annotator-days of the annotator's mean seconds per annotation that day, to the whole second
/// (rounded down; from one-second buckets, an hour or more counted as 3,600 s); null without work.</param>
/// <param name="Earned">What the annotators earned (yuan, to the fen).</param>
public sealed record ProductivityFigures(
    long Tasks, long Annotations, long ActiveAnnotators, long Accepted, long Rejected,
    double? AcceptanceRate, double? GoldAccuracy, double? MedianSecondsPerTask, string Earned);

public sealed record ProductivityDay(DateOnly Day, ProductivityFigures Figures);

/// <summary>One vendor, site, county or team of the breakdown (<c>by=</c>).</summary>
/// <param name="Key">The vendor's, site's or team's id, or the county's code.</param>
/// <param name="Name">The vendor's, site's or team's name; the county's code again (clients name counties in their language).</param>
public sealed record ProductivityGroup(string Key, string Name, ProductivityFigures Figures);

/// <summary>Productivity over [from, to] of the park, or of one vendor, site, county or team, from the running totals.</summary>
public sealed record ProductivityView(
    DateOnly From, DateOnly To, long? VendorOrganizationId, long? SiteId, string? CountyCode, long? TeamId,
    ProductivityFigures Totals, IReadOnlyList<ProductivityDay> Days, ProductivityBreakdown? By, IReadOnlyList<ProductivityGroup> Groups);

/// <summary>Of the annotators who first worked (in the scope) in a month, how many, and the share still
/// working 30, 60 and 90 days after their first day (null until that long has passed for any of them).</summary>
/// <param name="Measured30">How many of them started at least 30 days ago (the share's base).</param>
public sealed record RetentionCohort(
    string Month, long Started, long Measured30, double? After30, long Measured60, double? After60, long Measured90, double? After90);

public sealed record RetentionView(long? VendorOrganizationId, long? SiteId, string? CountyCode, long? TeamId, IReadOnlyList<RetentionCohort> Cohorts);

/// <param name="People">Members of vendors placed at the county's sites.</param>
/// <param name="ActiveLast30Days">Of those, who submitted work in the last 30 days.</param>
public sealed record CountyEmployment(string CountyCode, long Vendors, long Sites, long Seats, long People, long ActiveLast30Days);

public sealed record EmploymentView(long? VendorOrganizationId, IReadOnlyList<CountyEmployment> Counties);

/// <summary>A vendor's progress and quality on the client's project (never the vendor's internal pay).</summary>
/// <param name="Used">Quota units in use (leased or delivered).</param>
public sealed record VendorProgress(
    long ContractId, long VendorOrganizationId, string VendorName, ContractState State, long Quota, long Used, long Submitted,
    long Tasks, long Annotations, long Accepted, long Rejected, double? AcceptanceRate, double? GoldAccuracy, long ActiveAnnotators,
    DateTimeOffset Deadline);

/// <summary>The client's view of each vendor on its project, with the last days' work per vendor.</summary>
public sealed record VendorProgressView(long ProjectId, DateOnly From, DateOnly To, IReadOnlyList<VendorProgress> Vendors, IReadOnlyList<VendorProgressDay> Days);

public sealed record VendorProgressDay(DateOnly Day, long VendorOrganizationId, long Annotations, long Accepted, long Rejected);

public enum ProductivityBreakdown
{
    Vendor,
    Site,
    County,
    Team,
}

/// <summary>
/// Productivity and retention for the park, each vendor, site, county and team; people employed per
/// county; the client's view of its vendors. Who sees what: the park operator's admins and managers
/// everything; a vendor's admins and managers their own vendor (and its sites, counties and teams); a
/// team's lead their team; a client's admins and managers their projects' vendors' progress and
/// quality, never a vendor's pay.
/// </summary>
public static class ProductivityApi
{
    public static IEndpointRouteBuilder MapProductivity(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Park").SignedIn();
        g.MapGet("/park/productivity", Productivity).WithName("getParkProductivity").Gated();
        g.MapGet("/park/retention", Retention).WithName("getParkRetention").Gated();
        g.MapGet("/park/employment", Employment).WithName("getParkEmployment").Gated();
        g.MapGet("/projects/{projectId:long}/vendor-progress", VendorProgressOf).WithName("getVendorProgress").Gated();
        return app;
    }

    /// <param name="from">First day (UTC), default 29 days before <paramref name="to"/>.</param>
    /// <param name="to">Last day (UTC), default today.</param>
    /// <param name="vendor">One vendor; a vendor's own people must name it (or one of its sites or teams).</param>
    /// <param name="site">One site.</param>
    /// <param name="county">One county or district code (of the vendor's sites when vendor is given).</param>
    /// <param name="team">One team; its lead may ask.</param>
    /// <param name="by">Break the figures down per vendor, site, county or team (a ProductivityBreakdown).</param>
    private static async Task<Results<Ok<ProductivityView>, ProblemHttpResult, ValidationProblem>> Productivity(
        DateOnly? from, DateOnly? to, long? vendor, long? site, string? county, long? team, string? by,
        ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (ParkScope.Check(site, county, team) is { } invalid)
        {
            return invalid;
        }
        ProductivityBreakdown? breakdown = null;
        if (by is not null)
        {
            if (!Wire.TryParse<ProductivityBreakdown>(by, out var b))
            {
                return Http.Invalid("by", $"by must be one of {Wire.List<ProductivityBreakdown>()}.", ProblemCodes.FieldOneOf,
                    ProblemCodes.Params(("allowed", Wire.List<ProductivityBreakdown>())));
            }
            breakdown = b;
        }
        var (scope, problem) = await ParkScope.ResolveAsync(user.UserId(), vendor, site, county, team, access, db, ct);
        if (scope is null)
        {
            return problem!;
        }
        var last = to ?? ParkScope.Today(time);
        var first = from ?? last.AddDays(-29);
        if (first > last || last.DayNumber - first.DayNumber > 366)
        {
            return Http.Invalid("from", "from must be a day on or before to, at most 366 days before it.");
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ProductivityReader.ReadAsync(db, c, scope, first, last, ParkScope.Today(time), breakdown, ct));
    }

    /// <param name="vendor">One vendor; a vendor's own people must name it (or one of its sites or teams).</param>
    /// <param name="site">One site.</param>
    /// <param name="county">One county or district code.</param>
    /// <param name="team">One team; its lead may ask.</param>
    private static async Task<Results<Ok<RetentionView>, ProblemHttpResult, ValidationProblem>> Retention(
        long? vendor, long? site, string? county, long? team, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (ParkScope.Check(site, county, team) is { } invalid)
        {
            return invalid;
        }
        var (scope, problem) = await ParkScope.ResolveAsync(user.UserId(), vendor, site, county, team, access, db, ct);
        if (scope is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ProductivityReader.RetentionAsync(db, c, scope, ParkScope.Today(time), ct));
    }

    /// <param name="vendor">One vendor's people only; a vendor's admins and managers must name theirs.</param>
    private static async Task<Results<Ok<EmploymentView>, ProblemHttpResult, ValidationProblem>> Employment(
        long? vendor, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (scope, problem) = await ParkScope.ResolveAsync(user.UserId(), vendor, null, null, null, access, db, ct);
        if (scope is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ProductivityReader.EmploymentAsync(c, scope.Vendor, ParkScope.Today(time), ct));
    }

    /// <param name="from">First day (UTC) of the per-day figures, default 29 days before <paramref name="to"/>.</param>
    /// <param name="to">Last day (UTC), default today.</param>
    private static async Task<Results<Ok<VendorProgressView>, ProblemHttpResult, ValidationProblem>> VendorProgressOf(
        long projectId, DateOnly? from, DateOnly? to, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        if ((await ParkScope.OperatorRolesAsync(db, me, ct) & RoleNames.Manage) == 0)
        {
            var (_, refused) = await access.GateAsync(me, projectId, RoleNames.Manage, "Only the client's admins and managers see its vendors' progress.", ct);
            if (refused is not null)
            {
                return refused;
            }
        }
        else if (await access.ProjectAsync(projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        var last = to ?? ParkScope.Today(time);
        var first = from ?? last.AddDays(-29);
        if (first > last || last.DayNumber - first.DayNumber > 366)
        {
            return Http.Invalid("from", "from must be a day on or before to, at most 366 days before it.");
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ProductivityReader.VendorProgressAsync(c, projectId, first, last, ct));
    }
}
