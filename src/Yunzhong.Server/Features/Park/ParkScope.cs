namespace Yunzhong.Server.Features.Park;

/// <summary>
/// What part of the park a figure covers: all of it (every id 0, county empty), or one vendor, and
/// within it one site, county or team. <see cref="ResolveAsync"/> decides who may ask: the operator's
/// admins and managers anything; a vendor's admins and managers their vendor and its sites and teams;
/// a team's lead their team. Another organisation's vendor, site or team answers 404, a member
/// without the role 403.
/// </summary>
internal sealed record ParkScope(long Vendor, long Site, string County, long Team)
{
    /// <summary>The rows of <c>park_rollups r</c> in the scope (parameters @vendor, @site, @county, @team).</summary>
    internal const string RollupWhere = """
        r.vendor_org_id <> 0 AND (@vendor = 0 OR r.vendor_org_id = @vendor) AND (@site = 0 OR r.site_id = @site)
        AND (@team = 0 OR r.team_id = @team) AND (@county = '' OR r.site_id IN (SELECT id FROM sites WHERE county_code = @county))
        """;

    private static readonly int _epochDay = new DateOnly(1970, 1, 1).DayNumber;

    internal static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>A day as the running totals key it: days since 1970-01-01 (UTC).</summary>
    internal static long DayNumber(DateOnly d) => d.DayNumber - _epochDay;

    internal static DateOnly DayOf(long dayNumber) => DateOnly.FromDayNumber(_epochDay + (int)dayNumber);

    /// <summary>The caller's roles in operator organisations (None outside the operator).</summary>
    internal static async Task<Roles> OperatorRolesAsync(Db db, long me, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT m.roles FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = @me AND o.kind = 'operator'",
            new { me }, cancellationToken: ct))).Aggregate(Roles.None, (all, csv) => all | RoleNames.Parse(csv));
    }

    private sealed record Owner(long OrganizationId, long Lead);

    /// <summary>Null when the county (if any) is a county code and at most one of site, county and team is named.</summary>
    internal static ValidationProblem? Check(long? site, string? county, long? team) =>
        county is not null && Counties.Of(county) is null
            ? Http.Invalid("county", "county must be a six-digit county or district code, such as 140213 (平城区).", ProblemCodes.ParkCountyUnknown)
        : new[] { site is not null, county is not null, team is not null }.Count(x => x) > 1
            ? Http.Invalid("site", "Name at most one of site, county and team.", ProblemCodes.ParkOneScope)
        : null;

    internal static async Task<(ParkScope? Scope, ProblemHttpResult? Problem)> ResolveAsync(
        long me, long? vendor, long? site, string? county, long? team, Access access, Db db, CancellationToken ct)
    {
        var isOperator = (await OperatorRolesAsync(db, me, ct) & RoleNames.Manage) != 0;
        await using var c = await db.OpenAsync(ct);
        var lead = false;
        if (site is { } s)
        {
            var org = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT organization_id FROM sites WHERE id = @s", new { s }, cancellationToken: ct));
            if (org is null || (vendor is { } v && v != org))
            {
                return (null, Http.NotFound("Site"));
            }
            vendor = org;
        }
        if (team is { } t)
        {
            var owner = await c.QueryFirstOrDefaultAsync<Owner>(new CommandDefinition(
                "SELECT organization_id AS OrganizationId, COALESCE(lead_user_id, 0) AS Lead FROM teams WHERE id = @t", new { t }, cancellationToken: ct));
            if (owner is null || (vendor is { } v && v != owner.OrganizationId))
            {
                return (null, Http.NotFound("Team"));
            }
            vendor = owner.OrganizationId;
            lead = owner.Lead == me;
        }
        if (!isOperator)
        {
            if (vendor is not { } v)
            {
                return (null, Http.Forbidden("Only the park operator's admins and managers see the whole park; a vendor's see their own (vendor=)."));
            }
            var roles = await access.RolesAsync(me, v, ct);
            if (roles == Roles.None)
            {
                return (null, Http.NotFound(team is not null ? "Team" : site is not null ? "Site" : "Organization"));
            }
            if ((roles & RoleNames.Manage) == 0 && !lead)
            {
                return (null, Http.Forbidden(team is not null
                    ? "Only the team's lead and the vendor's admins and managers see its figures."
                    : "Only the vendor's admins and managers see its figures."));
            }
        }
        else if (vendor is { } v && await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                     "SELECT kind FROM organizations WHERE id = @v", new { v }, cancellationToken: ct)) != "vendor")
        {
            return (null, Http.NotFound("Organization"));
        }
        return (new ParkScope(vendor ?? 0, site ?? 0, county ?? "", team ?? 0), null);
    }
}
