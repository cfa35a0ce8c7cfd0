using Yunzhong.Core.Workforce;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Workforce;

public sealed record SkillNeedRequest(long SkillId, int MinLevel);

/// <param name="Field">A top-level field of the task data (e.g. <c>dialect</c>).</param>
/// <param name="Value">The value that routes a task (compared as text: <c>大同话</c>, <c>true</c>, <c>2</c>).</param>
public sealed record SkillRouteRequest(string Field, string Value, long SkillId, int MinLevel);

/// <param name="Requirements">What every task of the project requires.</param>
/// <param name="Routes">What a task requires by its data; at most 63.</param>
public sealed record ProjectSkillsRequest(SkillNeedRequest[] Requirements, SkillRouteRequest[] Routes);

public sealed record ContractSkillsRequest(SkillNeedRequest[] Requirements);

public sealed record SkillNeedView(long SkillId, string Code, string NameEn, string NameZh, int MinLevel);

public sealed record SkillRouteView(string Field, string Value, long SkillId, string Code, string NameEn, string NameZh, int MinLevel);

public sealed record ProjectSkillsView(List<SkillNeedView> Requirements, List<SkillRouteView> Routes);

public sealed record ContractSkillsView(List<SkillNeedView> Requirements);

/// <summary>
/// Routing by skill: the skills a project requires of every annotator, the data routes that require
/// skills of single tasks (a <c>dialect</c> of <c>大同话</c> → 方言语音·大同话), and what a contract requires of
/// the vendor's people. The queue serves a new task only when the annotator's valid certificates cover them
/// (<see cref="Routing"/>).
/// </summary>
public static class RoutingApi
{
    private const Roles AnyRole = RoleNames.Annotate | RoleNames.Review | Roles.Trainer;

    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Workforce").SignedIn();
        g.MapGet("/projects/{projectId:long}/skills", GetProject).WithName("getProjectSkills").Gated();
        g.MapPut("/projects/{projectId:long}/skills", PutProject).WithName("setProjectSkills").Gated().JsonBody();
        g.MapGet("/contracts/{contractId:long}/skills", GetContract).WithName("getContractSkills").Gated();
        g.MapPut("/contracts/{contractId:long}/skills", PutContract).WithName("setContractSkills").Gated().JsonBody();
        return app;
    }

    private static async Task<Results<Ok<ProjectSkillsView>, ProblemHttpResult>> GetProject(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, AnyRole, "Only the project's people see the skills it requires.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ProjectViewAsync(c, projectId, ct));
    }

    /// <summary>Replaces the project's requirements and routes, and sets every task's skill mask anew in the
    /// same transaction. Leases held stay; new ones follow the new rules.</summary>
    private static async Task<Results<Ok<ProjectSkillsView>, ProblemHttpResult, ValidationProblem>> PutProject(
        long projectId, ProjectSkillsRequest request, ClaimsPrincipal user, Access access, Db db, Routing routing, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only the project's admins and managers set the skills it requires.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var levels = await LevelsAsync(c, ct);
        var errors = CheckNeeds("requirements", request.Requirements ?? [], levels);
        var routes = request.Routes ?? [];
        if (routes.Length > SkillRouting.MaxRoutes)
        {
            errors.Add(new("/routes", $"A project has at most {SkillRouting.MaxRoutes} routes.", ProblemCodes.SkillRoutesTooMany, ProblemCodes.Params(("max", SkillRouting.MaxRoutes))));
        }
        errors.AddRange(CheckNeeds("routes", routes.Select(r => new SkillNeedRequest(r.SkillId, r.MinLevel)).ToArray(), levels, duplicates: false));
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < routes.Length; i++)
        {
            foreach (var (key, value, max) in new[] { ("field", routes[i].Field, 100), ("value", routes[i].Value, 200) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    errors.Add(new($"/routes/{i}/{key}", $"routes[{i}].{key} is required.", ProblemCodes.FieldRequired));
                }
                else if (value.Length > max)
                {
                    errors.Add(new($"/routes/{i}/{key}", $"routes[{i}].{key} is longer than {max} characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", max))));
                }
            }
            if (!seen.Add((routes[i].Field ?? "", routes[i].Value ?? "")))
            {
                errors.Add(new($"/routes/{i}/value", $"Another route already routes {routes[i].Field} = {routes[i].Value}.", ProblemCodes.SkillDuplicate));
            }
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.DeleteProjectNeedsSql, new { projectId }, tx, cancellationToken: ct));
            foreach (var n in request.Requirements ?? [])
            {
                await c.ExecuteAsync(new CommandDefinition(RoutingSql.InsertNeedSql,
                    new { projectId = (long?)projectId, contractId = (long?)null, skillId = n.SkillId, minLevel = n.MinLevel, now }, tx, cancellationToken: ct));
            }
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.DeleteRoutesSql, new { projectId }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.ClearMasksSql, new { projectId }, tx, cancellationToken: ct));
            var stored = routes.Select((r, i) => new SkillRoute(i, r.Field, r.Value, new SkillNeed(r.SkillId, r.MinLevel))).ToList();
            foreach (var r in stored)
            {
                await c.ExecuteAsync(new CommandDefinition(RoutingSql.InsertRouteSql,
                    new { projectId, bit = r.Bit, field = r.Field, value = r.Value, skillId = r.Need.SkillId, minLevel = r.Need.MinLevel, now }, tx, cancellationToken: ct));
            }
            await routing.MarkAsync(c, tx, projectId, null, stored, ct);
            await tx.CommitAsync(ct);
        }
        routing.ForgetProject(projectId);
        return TypedResults.Ok(await ProjectViewAsync(c, projectId, ct));
    }

    private static async Task<Results<Ok<ContractSkillsView>, ProblemHttpResult>> GetContract(
        long contractId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (row, _, problem) = await ContractsApi.PartyAsync(access, db, user.UserId(), contractId, RoleNames.Manage, AnyRole | Roles.Admin,
            "Only the client's admins and managers and the vendor's people see what a contract requires.", ct);
        if (row is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(new ContractSkillsView(await NeedsAsync(c, RoutingSql.ContractNeedsSql, new { contractId }, ct)));
    }

    private static async Task<Results<Ok<ContractSkillsView>, ProblemHttpResult, ValidationProblem>> PutContract(
        long contractId, ContractSkillsRequest request, ClaimsPrincipal user, Access access, Db db, Routing routing, TimeProvider time, CancellationToken ct)
    {
        var (row, _, problem) = await ContractsApi.PartyAsync(access, db, user.UserId(), contractId, RoleNames.Manage, Roles.None,
            "Only the client's admins and managers set what a contract requires.", ct);
        if (row is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var errors = CheckNeeds("requirements", request.Requirements ?? [], await LevelsAsync(c, ct));
        if (errors.Count > 0)
        {
            return Http.Invalid(errors);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.DeleteContractNeedsSql, new { contractId }, tx, cancellationToken: ct));
            foreach (var n in request.Requirements ?? [])
            {
                await c.ExecuteAsync(new CommandDefinition(RoutingSql.InsertNeedSql,
                    new { projectId = (long?)null, contractId = (long?)contractId, skillId = n.SkillId, minLevel = n.MinLevel, now }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
        routing.ForgetContract(contractId);
        return TypedResults.Ok(new ContractSkillsView(await NeedsAsync(c, RoutingSql.ContractNeedsSql, new { contractId }, ct)));
    }

    /// <summary>Each skill's highest level, by id.</summary>
    internal static async Task<Dictionary<long, int>> LevelsAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<(long Id, long MaxLevel)>(new CommandDefinition(RoutingSql.SkillLevelsSql, cancellationToken: ct)))
            .ToDictionary(s => s.Id, s => (int)s.MaxLevel);

    /// <summary>Requirements naming skills of the catalogue at one of their levels, each skill once (unless
    /// <paramref name="duplicates"/> is false: routes may name one skill several times).</summary>
    internal static List<SchemaError> CheckNeeds(string list, SkillNeedRequest[] needs, Dictionary<long, int> levels, bool duplicates = true)
    {
        var errors = new List<SchemaError>();
        var seen = new HashSet<long>();
        for (var i = 0; i < needs.Length; i++)
        {
            var n = needs[i];
            if (!levels.TryGetValue(n.SkillId, out var max))
            {
                errors.Add(new($"/{list}/{i}/skillId", $"{list}[{i}].skillId names no skill of the catalogue ({n.SkillId}).", ProblemCodes.SkillUnknown,
                    ProblemCodes.Params(("skillId", n.SkillId))));
                continue;
            }
            if (!SkillRules.IsLevelOf(n.MinLevel, max))
            {
                errors.Add(new($"/{list}/{i}/minLevel", $"{list}[{i}].minLevel must be a level of the skill, 1 to {max}.", ProblemCodes.SkillLevelOutOfRange,
                    ProblemCodes.Params(("min", 1), ("max", max))));
            }
            if (duplicates && !seen.Add(n.SkillId))
            {
                errors.Add(new($"/{list}/{i}/skillId", $"{list}[{i}] names a skill already required above.", ProblemCodes.SkillDuplicate));
            }
        }
        return errors;
    }

    private static async Task<ProjectSkillsView> ProjectViewAsync(DbConnection c, long projectId, CancellationToken ct)
    {
        var routes = await c.QueryAsync<RouteRow>(new CommandDefinition(RoutingSql.RoutesSql, new { projectId }, cancellationToken: ct));
        return new ProjectSkillsView(await NeedsAsync(c, RoutingSql.ProjectNeedsSql, new { projectId }, ct),
            routes.Select(r => new SkillRouteView(r.Field, r.Value, r.SkillId, r.Code, r.NameEn, r.NameZh, (int)r.MinLevel)).ToList());
    }

    private static async Task<List<SkillNeedView>> NeedsAsync(DbConnection c, string sql, object args, CancellationToken ct) =>
        (await c.QueryAsync<NeedRow>(new CommandDefinition(sql, args, cancellationToken: ct)))
            .Select(n => new SkillNeedView(n.SkillId, n.Code, n.NameEn, n.NameZh, (int)n.MinLevel)).ToList();
}
