using System.Collections.Concurrent;
using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Workforce;

/// <summary>What routing by skill says about one annotator and one project at one time: the
/// requirements of the project (and contract) their valid certificates miss, and the bits of the data
/// routes they may not take (<see cref="SkillRouting.DeniedMask"/>).</summary>
public readonly record struct SkillGate(IReadOnlyList<SkillNeed> Missing, long Denied)
{
    /// <summary>No requirement, no route: the queue runs as without skills.</summary>
    public static readonly SkillGate Open = new([], 0);

    /// <summary>A requirement is missing: no new lease (a lease held already stays).</summary>
    public bool Refused => Missing.Count > 0;
}

/// <summary>A requirement or route as read, with its skill's names.</summary>
internal sealed record NeedRow(long SkillId, long MinLevel, string Code, string NameEn, string NameZh)
{
    public SkillNeed Need => new(SkillId, (int)MinLevel);
}

internal sealed record RouteRow(long Bit, string Field, string Value, long SkillId, long MinLevel, string Code, string NameEn, string NameZh)
{
    public SkillRoute Route => new((int)Bit, Field, Value, new SkillNeed(SkillId, (int)MinLevel));
}

/// <summary>
/// The queue's side of routing by skill. A project's requirements and routes and a contract's
/// requirements are read once and kept <see cref="Access.Ttl"/> (forgotten at once for changes made
/// through this node), the annotator's certificates come from <see cref="Certificates"/>' cache, and
/// the answer is computed at the time of the question, so an expiry counts to the millisecond. A project
/// with neither requirements nor routes, worked outside a contract with requirements, costs two
/// dictionary look-ups per lease.
/// </summary>
public sealed class Routing(Db db, TimeProvider time, Certificates certificates)
{
    private sealed record Cached<T>(T Value, long KeepUntil);

    private sealed record ProjectSkills(NeedRow[] Needs, SkillRoute[] Routes);

    private readonly ConcurrentDictionary<long, Cached<ProjectSkills>> _projects = new();
    private readonly ConcurrentDictionary<long, Cached<NeedRow[]>> _contracts = new();

    /// <summary>The gate for <paramref name="userId"/> taking a new task of <paramref name="projectId"/>, under
    /// contract <paramref name="contractId"/> when not null.</summary>
    public async ValueTask<SkillGate> GateAsync(long projectId, long userId, long? contractId, CancellationToken ct)
    {
        var project = await ProjectAsync(projectId, ct);
        var contract = contractId is { } k ? await ContractAsync(k, ct) : [];
        if (project.Needs.Length == 0 && project.Routes.Length == 0 && contract.Length == 0)
        {
            return SkillGate.Open;
        }
        var held = await certificates.HeldAsync(userId, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Every `next` comes here: a loop, no list unless something is missing.
        List<SkillNeed>? missing = null;
        foreach (var rows in new[] { project.Needs, contract })
        {
            foreach (var n in rows)
            {
                if (!CertificateRules.Covers(held, n.Need, now) && (missing is null || !missing.Contains(n.Need)))
                {
                    (missing ??= []).Add(n.Need);
                }
            }
        }
        return new SkillGate(missing ?? [], SkillRouting.DeniedMask(held, project.Routes, now));
    }

    /// <summary>The names of <paramref name="needs"/> for a refusal's words: code and level, as "dialect-datong ≥ 2".</summary>
    public async Task<string> DescribeAsync(IReadOnlyList<SkillNeed> needs, long projectId, long? contractId, CancellationToken ct)
    {
        var known = (await ProjectAsync(projectId, ct)).Needs.Concat(contractId is { } k ? await ContractAsync(k, ct) : []);
        return string.Join(", ", needs.Select(n => $"{known.FirstOrDefault(r => r.SkillId == n.SkillId)?.Code ?? n.SkillId.ToString(System.Globalization.CultureInfo.InvariantCulture)} ≥ {n.MinLevel}"));
    }

    /// <summary>Sets the skill masks of import <paramref name="importId"/>'s tasks inside its transaction, so no
    /// task is ever served before its routes count.</summary>
    public async Task MarkImportAsync(DbConnection c, DbTransaction tx, long projectId, long importId, CancellationToken ct)
    {
        var routes = await c.QueryAsync<RouteRow>(new CommandDefinition(RoutingSql.RoutesSql, new { projectId }, tx, cancellationToken: ct));
        await MarkAsync(c, tx, projectId, importId, routes.Select(r => r.Route), ct);
    }

    /// <summary>Sets bit by bit the masks of the project's tasks (or one import's) that match <paramref name="routes"/>.</summary>
    internal async Task MarkAsync(DbConnection c, DbTransaction tx, long projectId, long? importId, IEnumerable<SkillRoute> routes, CancellationToken ct)
    {
        foreach (var r in routes)
        {
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.MarkSql(db.Dialect, importId is not null),
                new { projectId, importId, bit = 1L << r.Bit, field = r.Field, value = r.Value }, tx, cancellationToken: ct));
        }
    }

    /// <summary>Forgets project <paramref name="projectId"/>'s requirements and routes.</summary>
    public void ForgetProject(long projectId) => _projects.TryRemove(projectId, out _);

    /// <summary>Forgets contract <paramref name="contractId"/>'s requirements.</summary>
    public void ForgetContract(long contractId) => _contracts.TryRemove(contractId, out _);

    private long KeepUntil => time.GetUtcNow().ToUnixTimeMilliseconds() + (long)Access.Ttl.TotalMilliseconds;

    private async ValueTask<ProjectSkills> ProjectAsync(long projectId, CancellationToken ct)
    {
        if (_projects.TryGetValue(projectId, out var hit) && hit.KeepUntil > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return hit.Value;
        }
        await using var c = await db.OpenAsync(ct);
        var needs = (await c.QueryAsync<NeedRow>(new CommandDefinition(RoutingSql.ProjectNeedsSql, new { projectId }, cancellationToken: ct))).ToArray();
        var routes = (await c.QueryAsync<RouteRow>(new CommandDefinition(RoutingSql.RoutesSql, new { projectId }, cancellationToken: ct)))
            .Select(r => r.Route).ToArray();
        var value = new ProjectSkills(needs, routes);
        _projects[projectId] = new Cached<ProjectSkills>(value, KeepUntil);
        return value;
    }

    private async ValueTask<NeedRow[]> ContractAsync(long contractId, CancellationToken ct)
    {
        if (_contracts.TryGetValue(contractId, out var hit) && hit.KeepUntil > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return hit.Value;
        }
        await using var c = await db.OpenAsync(ct);
        var needs = (await c.QueryAsync<NeedRow>(new CommandDefinition(RoutingSql.ContractNeedsSql, new { contractId }, cancellationToken: ct))).ToArray();
        _contracts[contractId] = new Cached<NeedRow[]>(needs, KeepUntil);
        return needs;
    }
}
