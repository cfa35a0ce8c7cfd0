namespace Yunzhong.Server.Features.Park;

/// <param name="CountyCode">A county or district code (<see cref="Counties"/>): Datong's ten, or another six-digit code.</param>
/// <param name="Opens">Opening time, "HH:mm" local (Park:TimeZone); new work only from then until <c>Closes</c> (23:59: until midnight).</param>
/// <param name="BlockOverSeats">Refuse new work (queue <c>next</c>) and new sign-ins to a member of the site not already seated once every seat is in use.</param>
public sealed record SiteRequest(string Name, string CountyCode, int Seats, string? Opens = null, string? Closes = null, bool BlockOverSeats = false);

/// <param name="SeatsInUse">Members holding a lease or active within the last <see cref="ParkOptions.SeatMinutes"/> minutes.</param>
public sealed record SiteView(
    long Id, long OrganizationId, string Name, County County, int Seats, string Opens, string Closes, bool BlockOverSeats, long People,
    long SeatsInUse, bool OverSeats);

public sealed record SitePeople(long[] UserIds);

/// <summary>A vendor's work sites (职场) and their seats (工位).</summary>
public static class SitesApi
{
    public static IEndpointRouteBuilder MapSites(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Park").SignedIn();
        g.MapGet("/park/counties", () => TypedResults.Ok(Counties.Datong)).WithName("listCounties");
        g.MapGet("/organizations/{organizationId:long}/sites", List).WithName("listSites").Gated();
        g.MapPost("/organizations/{organizationId:long}/sites", Create).WithName("createSite").Gated().JsonBody();
        g.MapPut("/sites/{siteId:long}", Update).WithName("updateSite").Gated().JsonBody();
        g.MapPut("/sites/{siteId:long}/people", Place).WithName("placeAtSite").Gated().JsonBody();
        return app;
    }

    internal sealed record SiteRow(
        long Id, long OrganizationId, string Name, string CountyCode, long Seats, string Opens, string Closes, long BlockOverSeats, long People, long SeatsInUse)
    {
        public SiteView View() => new(Id, OrganizationId, Name, Counties.Of(CountyCode)!, (int)Seats, Opens, Closes, BlockOverSeats != 0, People,
            SeatsInUse, SeatsInUse > Seats);
    }

    private static async Task<Results<Ok<List<SiteView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, Seats seats, CancellationToken ct)
    {
        if (await OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the vendor's admins and managers see its sites.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<SiteRow>(new CommandDefinition(ParkSql.SitesSql, new { organizationId, since = seats.Since }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.View()).ToList());
    }

    private static async Task<Results<Created<SiteView>, ProblemHttpResult, ValidationProblem>> Create(
        long organizationId, SiteRequest request, ClaimsPrincipal user, Access access, Db db, Seats seats, TimeProvider time, CancellationToken ct)
    {
        if (await OrgGateAsync(access, user.UserId(), organizationId, Roles.Admin, "Only the vendor's admins open sites.", ct) is { } refused)
        {
            return refused;
        }
        if (Check(request) is { } bad)
        {
            return bad;
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.OrganizationKindSql, new { organizationId }, cancellationToken: ct)) != "vendor")
        {
            return Http.Invalid("organizationId", "Only vendor organisations have work sites.", ProblemCodes.ParkNotAVendor);
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.InsertSiteSql, new
        {
            organizationId, name = request.Name.Trim(), countyCode = request.CountyCode, seats = request.Seats, opens = request.Opens ?? DefaultOpens,
            closes = request.Closes ?? DefaultCloses, block = request.BlockOverSeats ? 1 : 0, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        var row = await c.QuerySingleAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId = id, since = seats.Since }, cancellationToken: ct));
        return TypedResults.Created($"/api/sites/{id}", row.View());
    }

    private const string DefaultOpens = "08:00";
    private const string DefaultCloses = "20:00";

    /// <summary>The field a site's terms are wrong in, or null.</summary>
    private static ValidationProblem? Check(SiteRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return Http.Invalid("name", "A site needs a name of 1 to 200 characters.",
                ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (Counties.Of(request.CountyCode) is null)
        {
            return Http.Invalid("countyCode", "countyCode must be a six-digit county or district code, such as 140213 (平城区).", ProblemCodes.ParkCountyUnknown);
        }
        if (request.Seats is <= 0 or > 100_000)
        {
            return Http.Invalid("seats", "seats must be between 1 and 100000.", ProblemCodes.ParkSeatsRange, ProblemCodes.Params(("min", 1), ("max", 100_000)));
        }
        var opens = request.Opens ?? DefaultOpens;
        var closes = request.Closes ?? DefaultCloses;
        if (!TimeOnly.TryParseExact(opens, "HH:mm", out var o))
        {
            return Http.Invalid("opens", "opens must be a time of day as HH:mm.", ProblemCodes.ParkHours);
        }
        if (!TimeOnly.TryParseExact(closes, "HH:mm", out var cl) || cl <= o)
        {
            return Http.Invalid("closes", "closes must be a time of day as HH:mm after opens.", ProblemCodes.ParkHours);
        }
        return null;
    }

    /// <summary>The vendor's admins change a site: name, county, seats, hours and whether it blocks past its seats.
    /// Fewer seats or shorter hours end no lease: they apply to new work.</summary>
    private static async Task<Results<Ok<SiteView>, ProblemHttpResult, ValidationProblem>> Update(
        long siteId, SiteRequest request, ClaimsPrincipal user, Access access, Db db, Seats seats, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var site = await c.QueryFirstOrDefaultAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId, since = seats.Since }, cancellationToken: ct));
        if (site is null)
        {
            return Http.NotFound("Site");
        }
        if (await OrgGateAsync(access, user.UserId(), site.OrganizationId, Roles.Admin, "Only the vendor's admins change sites.", ct, "Site") is { } refused)
        {
            return refused;
        }
        if (Check(request) is { } bad)
        {
            return bad;
        }
        await c.ExecuteAsync(new CommandDefinition(ParkSql.UpdateSiteSql, new
        {
            siteId, name = request.Name.Trim(), countyCode = request.CountyCode, seats = request.Seats, opens = request.Opens ?? DefaultOpens,
            closes = request.Closes ?? DefaultCloses, block = request.BlockOverSeats ? 1 : 0,
        }, cancellationToken: ct));
        seats.Forget(siteId);
        var row = await c.QuerySingleAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId, since = seats.Since }, cancellationToken: ct));
        return TypedResults.Ok(row.View());
    }

    /// <summary>Members of the site's vendor work at the site (moving from another of its sites).</summary>
    private static async Task<Results<Ok<SiteView>, ProblemHttpResult, ValidationProblem>> Place(
        long siteId, SitePeople request, ClaimsPrincipal user, Access access, Db db, Seats seats, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var site = await c.QueryFirstOrDefaultAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId, since = seats.Since }, cancellationToken: ct));
        if (site is null)
        {
            return Http.NotFound("Site");
        }
        var organizationId = site.OrganizationId;
        if (await OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the vendor's admins and managers place people at sites.", ct, "Site") is { } refused)
        {
            return refused;
        }
        var userIds = (request.UserIds ?? []).Distinct().ToArray();
        foreach (var userId in userIds)
        {
            if (await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.MemberRolesSql, new { organizationId, userId }, cancellationToken: ct)) is null)
            {
                return Http.Invalid("userIds", $"User {userId} is not a member of the site's organisation.", ProblemCodes.ParkPersonNotOfVendor,
                    ProblemCodes.Params(("userId", userId)));
            }
        }
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            foreach (var userId in userIds)
            {
                await c.ExecuteAsync(new CommandDefinition(ParkSql.PlaceMemberSql, new { organizationId, userId, siteId }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
        access.ForgetMemberships();
        var row = await c.QuerySingleAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId, since = seats.Since }, cancellationToken: ct));
        return TypedResults.Ok(row.View());
    }

    /// <summary>Null when the caller holds one of <paramref name="needed"/> in the organisation; else 404 for
    /// outsiders (as for a missing one) and 403 for members without the role.</summary>
    internal static async Task<ProblemHttpResult?> OrgGateAsync(
        Access access, long userId, long organizationId, Roles needed, string forbidden, CancellationToken ct, string what = "Organization")
    {
        var roles = await access.RolesAsync(userId, organizationId, ct);
        return roles == Roles.None ? Http.NotFound(what)
            : (roles & needed) == 0 ? Http.Forbidden(forbidden)
            : null;
    }
}
