using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Workforce;

public sealed record CertifiedAtSite(long SkillId, string Code, string NameEn, string NameZh, long SiteId, string SiteName, County? County, long VendorOrganizationId, long Holders);

public sealed record CertifiedInCounty(long SkillId, string Code, string NameEn, string NameZh, County? County, long Holders);

/// <param name="People">People with a certificate.</param>
/// <param name="MedianDays">Median days from joining (the account's creation) to the first certificate.</param>
public sealed record TimeToCertificate(long People, double? MedianDays, double? MeanDays);

/// <param name="Cohort">Annotators active in the earlier window.</param>
/// <param name="Retained">Of them, active again in the later window.</param>
public sealed record RetentionGroup(long Cohort, long Retained, double? Rate);

/// <summary>Retention of annotators active in <c>[From, From+29]</c> into <c>[From+30, To]</c> (active: an annotation on a day,
/// as the park's dashboards count active annotators), split by whether they held a valid certificate at the later window's start.</summary>
public sealed record CertifiedRetention(DateOnly From, DateOnly To, RetentionGroup Certified, RetentionGroup Uncertified);

public sealed record WorkforceFigures(
    List<CertifiedAtSite> BySite, List<CertifiedInCounty> ByCounty, TimeToCertificate FirstCertificate, CertifiedRetention Retention);

/// <summary>The workforce's figures for the park operator (or one vendor, for its own admins and managers):
/// certified annotators per skill per site and county, time to the first certificate, and retention of the
/// certified against the uncertified. Exam pass rates come with the exams.</summary>
public static class WorkforceAnalyticsApi
{
    public static IEndpointRouteBuilder MapWorkforceAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Workforce").SignedIn().MapGet("/park/workforce", Figures).WithName("getWorkforceFigures").Gated();
        return app;
    }

    private sealed class SiteRow
    {
        public long SkillId { get; set; }
        public string Code { get; set; } = "";
        public string NameEn { get; set; } = "";
        public string NameZh { get; set; } = "";
        public long SiteId { get; set; }
        public string SiteName { get; set; } = "";
        public string CountyCode { get; set; } = "";
        public long VendorId { get; set; }
        public long Holders { get; set; }
    }

    private sealed class FirstRow
    {
        public long UserId { get; set; }
        public long JoinedAt { get; set; }
        public long FirstAt { get; set; }
    }

    /// <param name="to">The last day of the retention windows (UTC), default today.</param>
    /// <param name="vendor">One vendor only; a vendor's own admins and managers must name it.</param>
    private static async Task<Results<Ok<WorkforceFigures>, ProblemHttpResult>> Figures(
        DateOnly? to, long? vendor, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        if ((await Park.ParkScope.OperatorRolesAsync(db, me, ct) & (RoleNames.Manage | Roles.Trainer)) == 0)
        {
            if (vendor is not { } v)
            {
                return Http.Forbidden("Only the park operator's admins, managers and trainers see the whole park's workforce; a vendor's see their own (vendor=).");
            }
            if (await SitesApi.OrgGateAsync(access, me, v, RoleNames.Manage, "Only the vendor's admins and managers see its workforce.", ct) is { } refused)
            {
                return refused;
            }
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var args = new { now, vendor = vendor ?? 0 };
        await using var c = await db.OpenAsync(ct);
        var sites = (await c.QueryAsync<SiteRow>(new CommandDefinition(WorkforceAnalyticsSql.BySiteSql, args, cancellationToken: ct))).ToList();
        var bySite = sites.Select(s => new CertifiedAtSite(s.SkillId, s.Code, s.NameEn, s.NameZh, s.SiteId, s.SiteName, Counties.Of(s.CountyCode), s.VendorId, s.Holders)).ToList();
        // A member works at one site of their organisation, so a county's figure is the sum of its sites'.
        var byCounty = sites.GroupBy(s => (s.SkillId, s.Code, s.NameEn, s.NameZh, s.CountyCode))
            .Select(g => new CertifiedInCounty(g.Key.SkillId, g.Key.Code, g.Key.NameEn, g.Key.NameZh, Counties.Of(g.Key.CountyCode), g.Sum(s => s.Holders)))
            .ToList();

        var days = (await c.QueryAsync<FirstRow>(new CommandDefinition(WorkforceAnalyticsSql.FirstCertificateSql, args, cancellationToken: ct)))
            .Select(r => Math.Max(0, r.FirstAt - r.JoinedAt) / 86_400_000.0).Order().ToList();
        var first = new TimeToCertificate(days.Count, days.Count == 0 ? null : Math.Round(Median(days), 2), days.Count == 0 ? null : Math.Round(days.Average(), 2));

        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var lastDay = last.DayNumber - new DateOnly(1970, 1, 1).DayNumber;
        var earlier = (await c.QueryAsync<long>(new CommandDefinition(WorkforceAnalyticsSql.ActiveSql, new { from = lastDay - 59, to = lastDay - 30, vendor = vendor ?? 0 }, cancellationToken: ct))).ToHashSet();
        var later = (await c.QueryAsync<long>(new CommandDefinition(WorkforceAnalyticsSql.ActiveSql, new { from = lastDay - 29, to = lastDay, vendor = vendor ?? 0 }, cancellationToken: ct))).ToHashSet();
        var certifiedAt = (await c.QueryAsync<long>(new CommandDefinition(WorkforceAnalyticsSql.CertifiedAtSql,
            new { now = Math.Min(now, (lastDay - 29) * 86_400_000L) }, cancellationToken: ct))).ToHashSet();
        RetentionGroup Group(bool certified)
        {
            var cohort = earlier.Where(u => certifiedAt.Contains(u) == certified).ToList();
            var retained = cohort.Count(later.Contains);
            return new RetentionGroup(cohort.Count, retained, cohort.Count == 0 ? null : Math.Round((double)retained / cohort.Count, 4));
        }
        return TypedResults.Ok(new WorkforceFigures(bySite, byCounty, first, new CertifiedRetention(last.AddDays(-59), last, Group(true), Group(false))));
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
