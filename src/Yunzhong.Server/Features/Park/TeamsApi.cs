using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Park;

/// <param name="LeadUserId">The team lead, a member of the team's organisation (and of the team).</param>
public sealed record TeamRequest(string Name, long LeadUserId, long[] MemberIds);

public sealed record TeamView(long Id, long OrganizationId, string Name, long LeadUserId, long[] MemberIds, long[] ContractIds);

/// <param name="Annotations">Annotations in force (not replaced) made on the team's leases.</param>
/// <param name="AcceptanceRate">Accepted over judged (accepted + rejected); null before any judgement.</param>
/// <param name="GoldAccuracy">Mean score of the gold answers; null before any.</param>
public sealed record MemberWork(
    long UserId, string Name, long Annotations, long Accepted, long Rejected, double? AcceptanceRate, long GoldAnswers, double? GoldAccuracy);

public sealed record TeamWork(long TeamId, long? ContractId, IReadOnlyList<MemberWork> Members);

/// <summary>Teams of a vendor's annotators and reviewers, with a lead, put on contracts as a whole.</summary>
public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Park").SignedIn();
        g.MapGet("/organizations/{organizationId:long}/teams", List).WithName("listTeams").Gated();
        g.MapPost("/organizations/{organizationId:long}/teams", Create).WithName("createTeam").Gated().JsonBody();
        g.MapPut("/teams/{teamId:long}", Update).WithName("updateTeam").Gated().JsonBody();
        g.MapGet("/teams/{teamId:long}/work", Work).WithName("getTeamWork").Gated();
        return app;
    }

    private sealed record TeamRow(long Id, long OrganizationId, string Name, long LeadUserId);

    private sealed record TeamOwner(long OrganizationId, long Lead);

    private static async Task<Results<Ok<List<TeamView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the vendor's admins and managers see its teams.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var list = new List<TeamView>();
        foreach (var t in await c.QueryAsync<TeamRow>(new CommandDefinition(ParkSql.TeamsSql, new { organizationId, teamId = 0L }, cancellationToken: ct)))
        {
            list.Add(await ViewAsync(c, t, ct));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Created<TeamView>, ProblemHttpResult, ValidationProblem>> Create(
        long organizationId, TeamRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the vendor's admins and managers make teams.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        if (await CheckAsync(c, organizationId, request, ct) is { } bad)
        {
            return bad;
        }
        long id;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.InsertTeamSql, new
            {
                organizationId, name = request.Name.Trim(), leadUserId = request.LeadUserId, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
            await SetMembersAsync(c, tx, id, request, ct);
            await tx.CommitAsync(ct);
        }
        var row = await c.QuerySingleAsync<TeamRow>(new CommandDefinition(ParkSql.TeamsSql, new { organizationId, teamId = id }, cancellationToken: ct));
        return TypedResults.Created($"/api/teams/{id}", await ViewAsync(c, row, ct));
    }

    /// <summary>Renames the team, changes its lead and replaces its members; people who leave it lose the
    /// leases they held under its contracts (unless on them otherwise).</summary>
    private static async Task<Results<Ok<TeamView>, ProblemHttpResult, ValidationProblem>> Update(
        long teamId, TeamRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var team = await c.QueryFirstOrDefaultAsync<TeamOwner>(new CommandDefinition(ParkSql.TeamSql, new { teamId }, cancellationToken: ct));
        if (team is null)
        {
            return Http.NotFound("Team");
        }
        var organizationId = team.OrganizationId;
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only the vendor's admins and managers change teams.", ct, "Team") is { } refused)
        {
            return refused;
        }
        if (await CheckAsync(c, organizationId, request, ct) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            var contracts = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.ContractsOfTeamSql, new { teamId }, tx, cancellationToken: ct))).ToList();
            foreach (var contractId in contracts)
            {
                await c.ExecuteAsync(new CommandDefinition(ParkSql.LockContractSql(db.Dialect), new { contractId }, tx, cancellationToken: ct));
            }
            await c.ExecuteAsync(new CommandDefinition(ParkSql.UpdateTeamSql, new { teamId, name = request.Name.Trim(), leadUserId = request.LeadUserId }, tx,
                cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(ParkSql.ClearTeamSql, new { teamId }, tx, cancellationToken: ct));
            await SetMembersAsync(c, tx, teamId, request, ct);
            foreach (var contractId in contracts)
            {
                await TaskStates.ReleaseLeasesAsync(c, tx, ParkSql.LeasesLostWhere, new { contractId }, TaskStates.Revoked, now, ct);
            }
            await tx.CommitAsync(ct);
        }
        access.ForgetMemberships();
        var row = await c.QuerySingleAsync<TeamRow>(new CommandDefinition(ParkSql.TeamsSql, new { organizationId, teamId }, cancellationToken: ct));
        return TypedResults.Ok(await ViewAsync(c, row, ct));
    }

    /// <summary>The team's work and quality per member, on its leases (of one contract with <paramref name="contractId"/>):
    /// for its lead and the vendor's admins and managers.</summary>
    private static async Task<Results<Ok<TeamWork>, ProblemHttpResult>> Work(
        long teamId, long? contractId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var me = user.UserId();
        await using var c = await db.OpenAsync(ct);
        var team = await c.QueryFirstOrDefaultAsync<TeamOwner>(new CommandDefinition(ParkSql.TeamSql, new { teamId }, cancellationToken: ct));
        if (team is null)
        {
            return Http.NotFound("Team");
        }
        var roles = await access.RolesAsync(me, team.OrganizationId, ct);
        if (roles == Roles.None)
        {
            return Http.NotFound("Team");
        }
        if (team.Lead != me && (roles & RoleNames.Manage) == 0)
        {
            return Http.Forbidden("Only the team's lead and the vendor's admins and managers see its work.");
        }
        var rows = await c.QueryAsync<(long UserId, string Name, long Annotations, long Accepted, long Rejected, long GoldAnswers, double GoldScore)>(
            new CommandDefinition(ParkSql.TeamWorkSql, new { teamId, contractId = contractId ?? 0 }, cancellationToken: ct));
        return TypedResults.Ok(new TeamWork(teamId, contractId, rows.Select(r => new MemberWork(
            r.UserId, r.Name, r.Annotations, r.Accepted, r.Rejected,
            r.Accepted + r.Rejected == 0 ? null : (double)r.Accepted / (r.Accepted + r.Rejected),
            r.GoldAnswers, r.GoldAnswers == 0 ? null : r.GoldScore / r.GoldAnswers)).ToList()));
    }

    /// <summary>A name, and a lead and members who belong to the organisation.</summary>
    private static async Task<ValidationProblem?> CheckAsync(System.Data.Common.DbConnection c, long organizationId, TeamRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return Http.Invalid("name", "A team needs a name of 1 to 200 characters.",
                ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.MemberRolesSql, new { organizationId, userId = request.LeadUserId }, cancellationToken: ct)) is null)
        {
            return Http.Invalid("leadUserId", "The team lead must be a member of the team's organisation.", ProblemCodes.ParkPersonNotOfVendor,
                ProblemCodes.Params(("userId", request.LeadUserId)));
        }
        var members = request.MemberIds ?? [];
        if (members.Length > 10_000)
        {
            return Http.Invalid("memberIds", "A team has at most 10,000 members.");
        }
        foreach (var userId in members.Distinct())
        {
            if (await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.MemberRolesSql, new { organizationId, userId }, cancellationToken: ct)) is null)
            {
                return Http.Invalid("memberIds", $"User {userId} is not a member of the team's organisation.", ProblemCodes.ParkPersonNotOfVendor,
                    ProblemCodes.Params(("userId", userId)));
            }
        }
        return null;
    }

    private static async Task SetMembersAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long teamId, TeamRequest request, CancellationToken ct)
    {
        foreach (var userId in (request.MemberIds ?? []).Append(request.LeadUserId).Distinct())
        {
            await c.ExecuteAsync(new CommandDefinition(ParkSql.AddTeamMemberSql, new { teamId, userId }, tx, cancellationToken: ct));
        }
    }

    private static async Task<TeamView> ViewAsync(System.Data.Common.DbConnection c, TeamRow t, CancellationToken ct)
    {
        var members = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.TeamMembersSql, new { teamId = t.Id }, cancellationToken: ct))).ToArray();
        var contracts = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.ContractsOfTeamSql, new { teamId = t.Id }, cancellationToken: ct))).ToArray();
        return new TeamView(t.Id, t.OrganizationId, t.Name, t.LeadUserId, members, contracts);
    }
}
