namespace Yunzhong.Server.Features.Park;

/// <param name="CountyCode">A county or district code (<see cref="Counties"/>): Datong's ten, or another six-digit code.</param>
/// <param name="Opens">Opening time, "HH:mm" local.</param>
/// <param name="BlockOverSeats">Refuse new work (queue <c>next</c>) to a member of the site not already seated once every seat is in use.</param>
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
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return Http.Invalid("name", "A site needs a name of 1 to 200 characters.");
        }
        if (Counties.Of(request.CountyCode) is null)
        {
            return Http.Invalid("countyCode", "countyCode must be a six-digit county or district code, such as 140213 (平城区).");
        }
        if (request.Seats is <= 0 or > 100_000)
        {
            return Http.Invalid("seats", "seats must be between 1 and 100000.");
        }
        var opens = request.Opens ?? "08:00";
        var closes = request.Closes ?? "20:00";
        if (!TimeOnly.TryParseExact(opens, "HH:mm", out var o))
        {
            return Http.Invalid("opens", "opens must be a time of day as HH:mm.");
        }
        if (!TimeOnly.TryParseExact(closes, "HH:mm", out var cl) || cl <= o)
        {
            return Http.Invalid("closes", "closes must be a time of day as HH:mm after opens.");
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.OrganizationKindSql, new { organizationId }, cancellationToken: ct)) != "vendor")
        {
            return Http.Invalid("organizationId", "Only vendor organisations have work sites.");
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.InsertSiteSql, new
        {
            organizationId, name = request.Name.Trim(), countyCode = request.CountyCode, seats = request.Seats, opens, closes,
            block = request.BlockOverSeats ? 1 : 0, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        var row = await c.QuerySingleAsync<SiteRow>(new CommandDefinition(ParkSql.SiteSql, new { siteId = id, since = seats.Since }, cancellationToken: ct));
        return TypedResults.Created($"/api/sites/{id}", row.View());
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
                return Http.Invalid("userIds", $"User {userId} is not a member of the site's organisation.");
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

/// <summary>
/// Seats in use: a site's member holds one while they hold a lease or acted (leased, submitted,
/// skipped, saved a draft) within <see cref="ParkOptions.SeatMinutes"/>. A site that blocks past
/// its seats turns away new work for a member who holds no seat once all are taken.
/// </summary>
public sealed class Seats(Db db, TimeProvider time, IOptions<ParkOptions> options)
{
    // When this node last let each person through: taking work is acting, so they hold their seat for
    // SeatMinutes from then. Without it every `next` at a blocking site cost two reads (measured with
    // `yz bench --vendors 3`: 1,760 cycles/s against 4,090 with no blocking site).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _seated = new();

    /// <summary>The earliest action time (Unix ms) that still holds a seat.</summary>
    public long Since => time.GetUtcNow().ToUnixTimeMilliseconds() - options.Value.SeatMinutes * 60_000L;

    /// <summary>A 409 when the caller's site blocks past its seats, all are in use and the caller holds none; else null.</summary>
    public async Task<ProblemHttpResult?> RefusalAsync(long userId, ContractWork work, CancellationToken ct)
    {
        if (work.SiteId is not { } siteId)
        {
            return null;
        }
        var since = Since;
        if (_seated.TryGetValue(userId, out var at) && at >= since)
        {
            return null;
        }
        await using var c = await db.OpenAsync(ct);
        var s = await c.QueryFirstOrDefaultAsync<SiteLimit>(new CommandDefinition(ParkSql.SiteLimitSql, new { siteId }, cancellationToken: ct));
        if (s is not { BlockOverSeats: not 0 })
        {
            return null;
        }
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.HoldsSeatSql, new { userId, since }, cancellationToken: ct)) == 0)
        {
            var inUse = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.SeatsInUseSql, new { siteId, since }, cancellationToken: ct));
            if (inUse >= s.Seats)
            {
                return Http.Conflict($"Every seat of site '{s.Name}' is in use ({inUse} of {s.Seats}); wait for one to free up.",
                    ProblemCodes.QueueSiteFull, ProblemCodes.Params(("site", s.Name), ("inUse", inUse), ("seats", s.Seats)));
            }
        }
        _seated[userId] = time.GetUtcNow().ToUnixTimeMilliseconds();
        return null;
    }

    private sealed record SiteLimit(long Seats, long BlockOverSeats, string Name);
}
