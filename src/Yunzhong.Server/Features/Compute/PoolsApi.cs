using Yunzhong.Core.Compute;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Compute;

/// <param name="Watts">The power the pool is assumed to draw while a job computes (not metered: every energy figure says so).</param>
public sealed record PoolRequest(string Name, double Watts = PoolsApi.DefaultWatts);

/// <param name="Csv">The profile: header <c>hour_utc,price_cny_per_kwh,green_share</c>, one row per consecutive hour.</param>
/// <param name="Note">Where the figures come from (e.g. "synthetic"), shown beside the chart.</param>
public sealed record ProfileRequest(string Csv, string? Note = null);

/// <param name="Hours">Hours in the power profile.</param>
public sealed record PoolView(long Id, long OrganizationId, string Name, double Watts, string ProfileNote, long Hours, DateTimeOffset? FirstHour, DateTimeOffset? LastHour);

public sealed record PowerHourView(DateTimeOffset Hour, double PricePerKwh, double GreenShare);

public sealed record PoolProfileView(PoolView Pool, List<PowerHourView> Hours);

/// <summary>Compute pools (算力池) and their power profiles: an organisation's admins keep them, its managers read them.</summary>
public static class PoolsApi
{
    /// <summary>What a pool is assumed to draw unless told: one busy server of a 2-core class, a stated guess.</summary>
    public const double DefaultWatts = 65;

    public static IEndpointRouteBuilder MapPools(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Compute").SignedIn().Gated();
        g.MapGet("/organizations/{organizationId:long}/pools", List).WithName("listPools");
        g.MapPost("/organizations/{organizationId:long}/pools", Create).WithName("createPool").JsonBody();
        g.MapGet("/pools/{poolId:long}", Get).WithName("getPool");
        g.MapPut("/pools/{poolId:long}/profile", PutProfile).WithName("putPoolProfile").JsonBody();
        return app;
    }

    internal sealed class PoolRow
    {
        public long Id { get; set; }
        public long OrganizationId { get; set; }
        public string Name { get; set; } = "";
        public double Watts { get; set; }
        public string ProfileNote { get; set; } = "";
        public long Hours { get; set; }
        public long? FirstHour { get; set; }
        public long? LastHour { get; set; }

        public PoolView View() => new(Id, OrganizationId, Name, Watts, ProfileNote, Hours,
            FirstHour is { } f ? Http.Time(f) : null, LastHour is { } l ? Http.Time(l) : null);
    }

    private static async Task<Results<Ok<List<PoolView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the organisation's admins and managers see its compute pools.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var list = new List<PoolView>();
        foreach (var id in await c.QueryAsync<long>(new CommandDefinition(ComputeSql.PoolIdsSql, new { organizationId }, cancellationToken: ct)))
        {
            list.Add((await c.QuerySingleAsync<PoolRow>(new CommandDefinition(ComputeSql.PoolSql, new { poolId = id }, cancellationToken: ct))).View());
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Created<PoolView>, ProblemHttpResult, ValidationProblem>> Create(
        long organizationId, PoolRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, Roles.Admin, "Only the organisation's admins add compute pools.", ct) is { } refused)
        {
            return refused;
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return Http.Invalid("name", "name must be 1 to 200 characters.",
                ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (!double.IsFinite(request.Watts) || request.Watts is <= 0 or > 100_000)
        {
            return Http.Invalid("watts", "watts must be more than 0 and at most 100000.", ProblemCodes.FieldRange);
        }
        var id = await CreateAsync(db, organizationId, request.Name.Trim(), request.Watts, "", time, ct);
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleAsync<PoolRow>(new CommandDefinition(ComputeSql.PoolSql, new { poolId = id }, cancellationToken: ct));
        return TypedResults.Created($"/api/pools/{id}", row.View());
    }

    internal static async Task<long> CreateAsync(Db db, long organizationId, string name, double watts, string note, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(ComputeSql.InsertPoolSql, new
        {
            organizationId, name, watts, note, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
    }

    private static async Task<Results<Ok<PoolProfileView>, ProblemHttpResult>> Get(long poolId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await PoolGateAsync(access, db, user, poolId, RoleNames.Manage, "Only the organisation's admins and managers see its compute pools.", ct) is { } refused)
        {
            return refused;
        }
        return TypedResults.Ok(await LoadAsync(db, poolId, ct));
    }

    private static async Task<Results<Ok<PoolProfileView>, ProblemHttpResult, ValidationProblem>> PutProfile(
        long poolId, ProfileRequest request, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await PoolGateAsync(access, db, user, poolId, Roles.Admin, "Only the organisation's admins change a pool's power profile.", ct) is { } refused)
        {
            return refused;
        }
        var (hours, errors) = PowerProfileCsv.Parse(request.Csv ?? "");
        if (errors.Count > 0)
        {
            return Http.Invalid(
                errors.Select(e => new SchemaError($"/csv/{e.Line}" + (e.Column is null ? "" : "/" + e.Column), $"Line {e.Line}: {e.Message}",
                    ProblemCodes.ProfileRow, new Dictionary<string, object?> { ["line"] = e.Line, ["column"] = e.Column, ["message"] = e.Message })),
                "The power profile is not valid.", ProblemCodes.ProfileInvalid);
        }
        if ((request.Note ?? "").Length > 500)
        {
            return Http.Invalid("note", "note must be at most 500 characters.", ProblemCodes.FieldTooLong);
        }
        await ReplaceProfileAsync(db, poolId, hours, request.Note ?? "", ct);
        return TypedResults.Ok(await LoadAsync(db, poolId, ct));
    }

    /// <summary>Replaces pool <paramref name="poolId"/>'s profile with <paramref name="hours"/> in one transaction.</summary>
    internal static async Task ReplaceProfileAsync(Db db, long poolId, IReadOnlyList<PowerHour> hours, string note, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(ComputeSql.DeleteHoursSql, new { poolId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(ComputeSql.InsertHourSql, hours.Select(h => new
        {
            poolId, hourAt = h.StartUtc.ToUnixTimeMilliseconds(), price = (double)h.PricePerKwh, green = h.GreenShare,
        }), tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(ComputeSql.SetNoteSql, new { poolId, note }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    internal static async Task<PoolProfileView> LoadAsync(Db db, long poolId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleAsync<PoolRow>(new CommandDefinition(ComputeSql.PoolSql, new { poolId }, cancellationToken: ct));
        return new(row.View(), [.. (await HoursAsync(c, poolId, ct)).Select(h => new PowerHourView(h.StartUtc, (double)h.PricePerKwh, h.GreenShare))]);
    }

    internal static async Task<List<PowerHour>> HoursAsync(DbConnection c, long poolId, CancellationToken ct) =>
        [.. (await c.QueryAsync<(long At, double Price, double Green)>(new CommandDefinition(ComputeSql.HoursSql, new { poolId }, cancellationToken: ct)))
            .Select(h => new PowerHour(Http.Time(h.At), (decimal)h.Price, h.Green))];

    /// <summary>A pool of another organisation answers 404, like a missing one; a weaker role 403.</summary>
    internal static async Task<ProblemHttpResult?> PoolGateAsync(Access access, Db db, ClaimsPrincipal user, long poolId, Roles needed, string forbidden, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var org = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(ComputeSql.PoolOrganizationSql, new { poolId }, cancellationToken: ct));
        return org is null ? Http.NotFound("Pool") : await SitesApi.OrgGateAsync(access, user.UserId(), org.Value, needed, forbidden, ct, "Pool");
    }
}
