using Yunzhong.Core.Park;
using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Park;

/// <summary>What a contract's quota counts. Only annotations today; audio minutes and boxes (per-kind units) are planned.</summary>
public enum ContractUnit { Annotations }

/// <summary>What the vendor sees: <c>work</c>, the tasks its people are served; <c>progress</c>, also the
/// project's task counts in the contract view for the vendor's admins and managers.</summary>
public enum ContractVisibility { Work, Progress }

/// <param name="UnitPrice">CNY per unit as a decimal text of at most four places ("0.035"), kept exactly.</param>
public sealed record ContractOffer(
    long ProjectId, long VendorOrganizationId, long Quota, string UnitPrice, DateTimeOffset Deadline,
    ContractVisibility? Visibility = null, ContractUnit? Unit = null);

public sealed record ContractPatch(long? Quota = null, string? UnitPrice = null, DateTimeOffset? Deadline = null);

public sealed record ContractTransition(ContractEvent Event);

/// <summary>Who works a contract: people of the vendor put on it directly, and its teams.</summary>
public sealed record ContractStaff(long[] UserIds, long[] TeamIds);

/// <param name="Used">Units in use: leased now, handed back for rework, or submitted.</param>
/// <param name="Submitted">Units delivered (submitted leases).</param>
/// <param name="ProjectCounts">The project's tasks per state, when the contract's visibility is <see cref="ContractVisibility.Progress"/>.</param>
public sealed record ContractView(
    long Id, long ProjectId, string ProjectName, long ClientOrganizationId, string ClientName, long VendorOrganizationId, string VendorName,
    ContractState State, ContractUnit Unit, long Quota, long Used, long Submitted, string UnitPrice, DateTimeOffset Deadline,
    ContractVisibility Visibility, DateTimeOffset CreatedAt, long[] UserIds, long[] TeamIds, Projects.StateCounts? ProjectCounts);

/// <summary>
/// Contracts (委托): a client offers a project, or a quota of it, to a vendor; the vendor's admin
/// accepts or declines; the client activates it; either ends it (<see cref="ContractLifecycle"/>). Only
/// the admins and managers of the two parties see a contract, price included; the vendor's people work
/// the project through <see cref="Access"/> while it is active.
/// </summary>
public static class ContractsApi
{
    public static IEndpointRouteBuilder MapContracts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/contracts").WithTags("Park").SignedIn();
        g.MapGet("", List).WithName("listContracts");
        g.MapPost("", Offer).WithName("offerContract").Gated().JsonBody();
        g.MapGet("/{contractId:long}", Get).WithName("getContract").Gated();
        g.MapPatch("/{contractId:long}", Change).WithName("changeContract").Gated().JsonBody().Conflicts();
        // 409: the event does not apply to the contract's state (or another change came first).
        g.MapPost("/{contractId:long}/transition", Transition).WithName("transitionContract").Gated().JsonBody().Conflicts();
        g.MapPut("/{contractId:long}/staff", Staff).WithName("staffContract").Gated().JsonBody().Conflicts();
        return app;
    }

    /// <summary>A contract as stored. Settable, not positional: Dapper types a record's constructor from the
    /// first row's columns, and SQLite gives a sub-select's count no declared type.</summary>
    internal sealed class ContractRow
    {
        public long Id { get; set; }
        public long ProjectId { get; set; }
        public string ProjectName { get; set; } = "";
        public long ClientOrganizationId { get; set; }
        public string ClientName { get; set; } = "";
        public long VendorOrganizationId { get; set; }
        public string VendorName { get; set; } = "";
        public string State { get; set; } = "";
        public string Unit { get; set; } = "";
        public long Quota { get; set; }
        public long Used { get; set; }
        public long Submitted { get; set; }
        public long UnitPriceE4 { get; set; }
        public long Deadline { get; set; }
        public string Visibility { get; set; } = "";
        public long CreatedAt { get; set; }

        public ContractState Is => ContractLifecycle.Parse(State);
    }

    /// <param name="organization">Only contracts where this organisation is client or vendor.</param>
    private static async Task<Ok<List<ContractView>>> List(long? organization, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ContractRow>(new CommandDefinition(ParkSql.ContractsOfSql, new { me = user.UserId(), organization }, cancellationToken: ct));
        var list = new List<ContractView>();
        foreach (var row in rows)
        {
            list.Add(await ViewAsync(c, row, withCounts: false, ct));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Created<ContractView>, ProblemHttpResult, ValidationProblem>> Offer(
        ContractOffer request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), request.ProjectId, RoleNames.Manage, "Only the client's admins and managers offer contracts.", ct);
        if (project is null)
        {
            return problem!;
        }
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var kind = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            ParkSql.OrganizationKindSql, new { organizationId = request.VendorOrganizationId }, cancellationToken: ct));
        if (kind != "vendor" || request.VendorOrganizationId == project.OrganizationId)
        {
            return Http.Invalid("vendorOrganizationId", "vendorOrganizationId must name a vendor organisation other than the client.", ProblemCodes.ParkNotAVendor);
        }
        if (Terms(request.Quota, request.UnitPrice, request.Deadline, now) is { } bad)
        {
            return bad;
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.InsertContractSql, new
        {
            projectId = project.Id, clientOrgId = project.OrganizationId, vendorOrgId = request.VendorOrganizationId,
            unit = Wire.Name(request.Unit ?? ContractUnit.Annotations), quota = request.Quota, price = UnitPrice.Parse(request.UnitPrice)!.Value.E4,
            deadline = request.Deadline.ToUnixTimeMilliseconds(), visibility = Wire.Name(request.Visibility ?? ContractVisibility.Work),
            now = now.ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        var row = await c.QuerySingleAsync<ContractRow>(new CommandDefinition(ParkSql.ContractSql, new { contractId = id }, cancellationToken: ct));
        return TypedResults.Created($"/api/contracts/{id}", await ViewAsync(c, row, withCounts: true, ct));
    }

    /// <summary>The field a term is wrong in, or null: a quota of at least one unit, an exact non-negative price, a deadline ahead.</summary>
    private static ValidationProblem? Terms(long quota, string? price, DateTimeOffset deadline, DateTimeOffset now) =>
        quota <= 0 ? Http.Invalid("quota", "quota must be at least 1.", ProblemCodes.ParkQuotaTooSmall)
        : PriceProblem("unitPrice", price, "0.035") is { } bad ? bad
        : deadline <= now ? Http.Invalid("deadline", "deadline must be in the future.", ProblemCodes.ParkDeadlinePast)
        : null;

    /// <summary>Null when <paramref name="price"/> is a non-negative amount of CNY of at most four decimal places; else
    /// the refusal of <paramref name="field"/>: negative, or not such an amount.</summary>
    internal static ValidationProblem? PriceProblem(string field, string? price, string example) =>
        UnitPrice.Parse(price) is not null ? null
        : decimal.TryParse(price, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var d) && d < 0
            ? Http.Invalid(field, $"{field} cannot be negative.", ProblemCodes.ParkPriceNegative)
        : Http.Invalid(field, $"{field} must be an amount of CNY with at most four decimal places, such as \"{example}\".", ProblemCodes.ParkPriceFormat,
            ProblemCodes.Params(("example", example)));

    private static async Task<Results<Ok<ContractView>, ProblemHttpResult>> Get(
        long contractId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (row, _, problem) = await PartyAsync(access, db, user.UserId(), contractId, RoleNames.Manage, RoleNames.Manage,
            "Only the admins and managers of the client and the vendor see a contract.", ct);
        if (row is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ViewAsync(c, row, withCounts: true, ct));
    }

    private static async Task<Results<Ok<ContractView>, ProblemHttpResult, ValidationProblem>> Change(
        long contractId, ContractPatch request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (row, _, problem) = await PartyAsync(access, db, user.UserId(), contractId, RoleNames.Manage, Roles.None,
            "Only the client's admins and managers change a contract's terms.", ct);
        if (row is null)
        {
            return problem!;
        }
        if (!ContractLifecycle.Open(row.Is))
        {
            return Http.Conflict($"A {ContractLifecycle.Text(row.Is)} contract keeps its terms.");
        }
        var now = time.GetUtcNow();
        var quota = request.Quota ?? row.Quota;
        var price = request.UnitPrice ?? UnitPrice.FromE4(row.UnitPriceE4).Text;
        var deadline = request.Deadline ?? Http.Time(row.Deadline);
        if (Terms(quota, price, request.Deadline is null ? DateTimeOffset.MaxValue : deadline, now) is { } bad)
        {
            return bad;
        }
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(ParkSql.LockContractSql(db.Dialect), new { contractId }, tx, cancellationToken: ct));
        var changed = await c.ExecuteAsync(new CommandDefinition(ParkSql.ChangeTermsSql, new
        {
            contractId, quota, price = UnitPrice.Parse(price)!.Value.E4, deadline = deadline.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(),
        }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            var used = await c.QuerySingleAsync<ContractRow>(new CommandDefinition(ParkSql.ContractSql, new { contractId }, tx, cancellationToken: ct));
            await tx.RollbackAsync(ct);
            return ContractLifecycle.Open(used.Is)
                ? Http.Invalid("quota", $"quota cannot go below the {used.Used} units already in use (leased or delivered).", ProblemCodes.ParkQuotaBelowUsed,
                    ProblemCodes.Params(("used", used.Used)))
                : Http.Conflict($"A {ContractLifecycle.Text(used.Is)} contract keeps its terms.");
        }
        await tx.CommitAsync(ct);
        access.ForgetMemberships(); // the deadline travels with the contract work the queue checks
        var after = await c.QuerySingleAsync<ContractRow>(new CommandDefinition(ParkSql.ContractSql, new { contractId }, cancellationToken: ct));
        return TypedResults.Ok(await ViewAsync(c, after, withCounts: true, ct));
    }

    private static async Task<Results<Ok<ContractView>, ProblemHttpResult, ValidationProblem>> Transition(
        long contractId, ContractTransition request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (row, party, problem) = await PartyAsync(access, db, user.UserId(), contractId, RoleNames.Manage, Roles.Admin,
            "Only the client's admins and managers, and the vendor's admins, act on a contract.", ct);
        if (row is null)
        {
            return problem!;
        }
        // Someone on both sides acts as the side the event belongs to.
        var by = request.Event is ContractEvent.Accept or ContractEvent.Decline
            ? (party.HasFlag(Sides.Vendor) ? ContractParty.Vendor : ContractParty.Client)
            : (party.HasFlag(Sides.Client) ? ContractParty.Client : ContractParty.Vendor);
        var to = ContractLifecycle.Apply(row.Is, request.Event, by);
        if (to is null)
        {
            return Http.Conflict($"The {(by == ContractParty.Client ? "client" : "vendor")} cannot {Wire.Name(request.Event)} a {ContractLifecycle.Text(row.Is)} contract.");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(ParkSql.LockContractSql(db.Dialect), new { contractId }, tx, cancellationToken: ct));
        if (await c.ExecuteAsync(new CommandDefinition(ParkSql.TransitionSql,
                new { contractId, from = row.State, to = ContractLifecycle.Text(to.Value), now }, tx, cancellationToken: ct)) == 0)
        {
            await tx.RollbackAsync(ct);
            return Http.Conflict("The contract changed meanwhile; read it again.");
        }
        if (!ContractLifecycle.Works(to.Value))
        {
            await TaskStates.ReleaseLeasesAsync(c, tx, ParkSql.LeasesLostWhere, new { contractId }, TaskStates.Revoked, now, ct);
        }
        await tx.CommitAsync(ct);
        access.ForgetMemberships();
        var after = await c.QuerySingleAsync<ContractRow>(new CommandDefinition(ParkSql.ContractSql, new { contractId }, cancellationToken: ct));
        return TypedResults.Ok(await ViewAsync(c, after, withCounts: true, ct));
    }

    /// <summary>The vendor's admins and managers put people (annotators and reviewers of the vendor) and
    /// the vendor's teams on the contract, replacing who was on it; those taken off lose their leases.</summary>
    private static async Task<Results<Ok<ContractView>, ProblemHttpResult, ValidationProblem>> Staff(
        long contractId, ContractStaff request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (row, _, problem) = await PartyAsync(access, db, user.UserId(), contractId, Roles.None, RoleNames.Manage,
            "Only the vendor's admins and managers staff a contract.", ct);
        if (row is null)
        {
            return problem!;
        }
        if (!ContractLifecycle.Open(row.Is))
        {
            return Http.Conflict($"A {ContractLifecycle.Text(row.Is)} contract takes no staff.");
        }
        var userIds = (request.UserIds ?? []).Distinct().ToArray();
        var teamIds = (request.TeamIds ?? []).Distinct().ToArray();
        if (userIds.Length + teamIds.Length > 10_000)
        {
            return Http.Invalid("userIds", "At most 10,000 people and teams per contract.");
        }
        await using var c = await db.OpenAsync(ct);
        foreach (var userId in userIds)
        {
            var roles = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                ParkSql.MemberRolesSql, new { organizationId = row.VendorOrganizationId, userId }, cancellationToken: ct));
            if (roles is null || RoleNames.UnderContract(RoleNames.Parse(roles)) == Roles.None)
            {
                return Http.Invalid("userIds", $"User {userId} is not an annotator or reviewer of the contract's vendor.", ProblemCodes.ParkPersonNotOfVendor,
                    ProblemCodes.Params(("userId", userId)));
            }
        }
        foreach (var teamId in teamIds)
        {
            if (await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                    ParkSql.TeamOfOrgSql, new { organizationId = row.VendorOrganizationId, teamId }, cancellationToken: ct)) is null)
            {
                return Http.Invalid("teamIds", $"Team {teamId} is not a team of the contract's vendor.", ProblemCodes.ParkTeamNotOfVendor,
                    ProblemCodes.Params(("teamId", teamId)));
            }
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(ParkSql.LockContractSql(db.Dialect), new { contractId }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(ParkSql.ClearContractPeopleSql, new { contractId }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(ParkSql.ClearContractTeamsSql, new { contractId }, tx, cancellationToken: ct));
            foreach (var userId in userIds)
            {
                await c.ExecuteAsync(new CommandDefinition(ParkSql.AddContractPersonSql, new { contractId, userId }, tx, cancellationToken: ct));
            }
            foreach (var teamId in teamIds)
            {
                await c.ExecuteAsync(new CommandDefinition(ParkSql.AddContractTeamSql, new { contractId, teamId }, tx, cancellationToken: ct));
            }
            await TaskStates.ReleaseLeasesAsync(c, tx, ParkSql.LeasesLostWhere, new { contractId }, TaskStates.Revoked, now, ct);
            await tx.CommitAsync(ct);
        }
        access.ForgetMemberships();
        return TypedResults.Ok(await ViewAsync(c, row, withCounts: true, ct));
    }

    [Flags]
    internal enum Sides { None = 0, Client = 1, Vendor = 2 }

    /// <summary>
    /// The contract and the sides the caller acts for: one whose organisation they hold one of the
    /// roles in (<paramref name="client"/> on the client's side, <paramref name="vendor"/> on the
    /// vendor's). 404 for people of neither organisation (as for a missing contract), 403 for members
    /// of either without the role.
    /// </summary>
    internal static async Task<(ContractRow? Row, Sides Sides, ProblemHttpResult? Problem)> PartyAsync(
        Access access, Db db, long userId, long contractId, Roles client, Roles vendor, string forbidden, CancellationToken ct)
    {
        ContractRow? row;
        await using (var c = await db.OpenAsync(ct))
        {
            row = await c.QueryFirstOrDefaultAsync<ContractRow>(new CommandDefinition(ParkSql.ContractSql, new { contractId }, cancellationToken: ct));
        }
        if (row is null)
        {
            return (null, Sides.None, Http.NotFound("Contract"));
        }
        var atClient = await access.RolesAsync(userId, row.ClientOrganizationId, ct);
        var atVendor = await access.RolesAsync(userId, row.VendorOrganizationId, ct);
        if (atClient == Roles.None && atVendor == Roles.None)
        {
            return (null, Sides.None, Http.NotFound("Contract"));
        }
        var sides = ((atClient & client) != 0 ? Sides.Client : Sides.None) | ((atVendor & vendor) != 0 ? Sides.Vendor : Sides.None);
        return sides == Sides.None ? (null, sides, Http.Forbidden(forbidden)) : (row, sides, null);
    }

    private static async Task<ContractView> ViewAsync(System.Data.Common.DbConnection c, ContractRow r, bool withCounts, CancellationToken ct)
    {
        var people = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.ContractPeopleSql, new { contractId = r.Id }, cancellationToken: ct))).ToArray();
        var teams = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.ContractTeamsSql, new { contractId = r.Id }, cancellationToken: ct))).ToArray();
        var visibility = Wire.Parse<ContractVisibility>(r.Visibility);
        // The figures are about the whole project: the vendor sees them only where the client chose to show progress.
        var counts = withCounts && visibility == ContractVisibility.Progress ? await Projects.ProjectsApi.CountsAsync(c, r.ProjectId, ct) : null;
        return new ContractView(r.Id, r.ProjectId, r.ProjectName, r.ClientOrganizationId, r.ClientName, r.VendorOrganizationId, r.VendorName,
            r.Is, Wire.Parse<ContractUnit>(r.Unit), r.Quota, r.Used, r.Submitted, UnitPrice.FromE4(r.UnitPriceE4).Text, Http.Time(r.Deadline), visibility,
            Http.Time(r.CreatedAt), people, teams, counts);
    }
}
