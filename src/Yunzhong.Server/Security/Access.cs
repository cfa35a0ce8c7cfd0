using System.Collections.Concurrent;

namespace Yunzhong.Server.Security;

[Flags]
public enum Roles
{
    None = 0,
    Admin = 1,
    Manager = 2,
    Annotator = 4,
    Reviewer = 8,
    Trainer = 16,

    /// <summary>Not a member: annotates the project for a vendor under an active contract (<see cref="Access.ForProjectAsync"/>).</summary>
    ContractAnnotator = 32,

    /// <summary>Not a member: reviews the contract's own annotations for a vendor under an active contract.</summary>
    ContractReviewer = 64,
}

public static class RoleNames
{
    public static readonly string[] All = ["admin", "manager", "annotator", "reviewer", "trainer"];

    public static Roles Parse(string csv)
    {
        var r = Roles.None;
        foreach (var part in csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            r |= part switch
            {
                "admin" => Roles.Admin,
                "manager" => Roles.Manager,
                "annotator" => Roles.Annotator,
                "reviewer" => Roles.Reviewer,
                "trainer" => Roles.Trainer,
                _ => Roles.None,
            };
        }
        return r;
    }

    public static string[] Names(Roles roles) =>
        All.Where(n => roles.HasFlag(Parse(n))).ToArray();

    /// <summary>The flags as the API's list of <see cref="Role"/>s, in the order of <see cref="All"/>.</summary>
    public static Role[] List(Roles roles) => Enum.GetValues<Role>().Where(r => roles.HasFlag(Of(r))).ToArray();

    public static Roles Of(Role role) => (Roles)(1 << (int)role);

    public static Roles Of(IEnumerable<Role> roles) => roles.Aggregate(Roles.None, (all, r) => all | Of(r));

    /// <summary>Managing a project's data and settings.</summary>
    public const Roles Manage = Roles.Admin | Roles.Manager;
    /// <summary>Taking and working tasks from the queue; a vendor's people under a contract too.</summary>
    public const Roles Annotate = Roles.Admin | Roles.Manager | Roles.Annotator | Roles.ContractAnnotator;

    /// <summary>Reviewing; a vendor's reviewers under a contract see only their contract's annotations.</summary>
    public const Roles Review = Roles.Admin | Roles.Manager | Roles.Reviewer | Roles.ContractReviewer;

    /// <summary>What a vendor member's roles give on a project they work under a contract: the
    /// annotating and reviewing only, never the project's management, statistics, quality figures or exports.</summary>
    public static Roles UnderContract(Roles memberRoles) =>
        ((memberRoles & Roles.Annotator) != 0 ? Roles.ContractAnnotator : Roles.None)
        | ((memberRoles & Roles.Reviewer) != 0 ? Roles.ContractReviewer : Roles.None);

    /// <summary>
    /// Seeing every annotator's work in a project (task list and details, statistics, quality
    /// figures): managers run the project, reviewers judge the work. An annotator who saw the
    /// others' answers on tasks they may still be given would defeat overlap and agreement, so
    /// annotators see their own work only.
    /// </summary>
    public const Roles SeeWork = Roles.Admin | Roles.Manager | Roles.Reviewer;

    /// <summary>
    /// Exports: every task with every annotator's name and answer, in bulk and leaving the platform.
    /// The people who answer for the project's data decide that; reviewers judge work one piece at a
    /// time and need no bulk copy of it.
    /// </summary>
    public const Roles Export = Roles.Admin | Roles.Manager;

    /// <summary>Writing an organisation's courses and exams and reading their results: its trainers (培训师), and its
    /// admins and managers, who answer for who works for it.</summary>
    public const Roles Train = Roles.Admin | Roles.Manager | Roles.Trainer;

    /// <summary>Any role in the organisation: taking its courses and exams.</summary>
    public const Roles Member = Roles.Admin | Roles.Manager | Roles.Annotator | Roles.Reviewer | Roles.Trainer;
}

/// <summary>A project's settings as the queue, validation and exports need them, schema parsed once.</summary>
public sealed record ProjectConfig(
    long Id,
    long OrganizationId,
    string Name,
    string Instructions,
    string SchemaJson,
    LabelSchema Schema,
    int Overlap,
    int LeaseSeconds,
    string Order,
    string ReviewPolicy,
    int ReviewPercent,
    long CreatedAt,
    QualitySettings Quality,
    long? ArchivedAt = null)
{
    /// <summary>An archived project keeps its work but hands out no new tasks.</summary>
    public bool Archived => ArchivedAt is not null;
}

/// <summary>A project's quality rules: gold mixing and thresholds, and dynamic overlap.</summary>
/// <param name="GoldRate">Percent of served tasks that are gold tasks (0–50).</param>
/// <param name="GoldThreshold">Gold accuracy (0–1) below which an annotator gets no more tasks; 0 never stops anyone.</param>
/// <param name="GoldMinimum">Gold answers an annotator gives before the threshold applies.</param>
/// <param name="OverlapMax">With <paramref name="ConfidenceTarget"/>: ask for up to this many annotations per task
/// until the inferred answer is that confident; null keeps the overlap fixed.</param>
public sealed record QualitySettings(int GoldRate, double GoldThreshold, int GoldMinimum, int? OverlapMax, double? ConfidenceTarget)
{
    public static readonly QualitySettings Default = new(0, 0, 5, null, null);

    public bool DynamicOverlap => OverlapMax is not null && ConfidenceTarget is not null;
}

/// <summary>The contract a vendor's person works a project under, and where: stamped on each lease so
/// statements and rollups read who did what under which terms instead of guessing.</summary>
/// <param name="Deadline">The contract's deadline (Unix ms): no new lease under it after.</param>
public sealed record ContractWork(long ContractId, long? SiteId, long? TeamId, long Deadline = long.MaxValue);

/// <summary>
/// Tenancy: what a user may see. Every project-scoped endpoint asks here first and answers 404 when
/// the caller's organisations do not include the project's, exactly as for a missing project. The one
/// exception is the park's contracts: a vendor's annotator or reviewer put on an active contract for
/// the project (directly or through a team) works it with <see cref="Roles.ContractAnnotator"/> /
/// <see cref="Roles.ContractReviewer"/> and nothing more, without joining the client's organisation.
/// Answers are cached briefly because the annotator hot path asks on every request; a change made
/// through this server is seen at once (<see cref="Forget"/>), one made by another node within
/// <see cref="Ttl"/>. A person's entry in use is looked up again in the background past a random point
/// between half and three quarters of its life (as <see cref="LiveCache{T}"/> does for tokens): a
/// thousand annotators who started together otherwise all missed in the same second, every
/// <see cref="Ttl"/>, and queued for the store's connections while the queue writer ran out of work.
/// </summary>
public sealed class Access(Db db, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<long, (ProjectConfig? Config, DateTimeOffset At)> _projects = new();
    private readonly ConcurrentDictionary<(long User, long Org), (Roles Roles, DateTimeOffset At, DateTimeOffset RefreshAt)> _roles = new();
    private readonly ConcurrentDictionary<(long User, long Project), byte> _refreshing = new();

    // Bumped by ForgetMemberships: a look-up that began before it may have read the store before the
    // change committed, so its answer is used once but not kept.
    private long _forgets;

    // Bumped by Forget(project), for the same reason.
    private long _projectForgets;
    private readonly ConcurrentDictionary<(long User, long Project), (Roles Roles, ContractWork? Work, DateTimeOffset At)> _contracts = new();

    public async Task<Roles> RolesAsync(long userId, long organizationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_roles.TryGetValue((userId, organizationId), out var e) && now - e.At < Ttl)
        {
            return e.Roles;
        }
        var forgets = Interlocked.Read(ref _forgets);
        await using var c = await db.OpenAsync(ct);
        var csv = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            AccessSql.RolesSql, new { userId, organizationId }, cancellationToken: ct));
        var roles = csv is null ? Roles.None : RoleNames.Parse(csv);
        if (Interlocked.Read(ref _forgets) == forgets)
        {
            _roles[(userId, organizationId)] = (roles, now, RefreshAt(now));
        }
        return roles;
    }

    public async Task<ProjectConfig?> ProjectAsync(long projectId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_projects.TryGetValue(projectId, out var e) && now - e.At < Ttl)
        {
            return e.Config;
        }
        var forgets = Interlocked.Read(ref _projectForgets);
        await using var c = await db.OpenAsync(ct);
        var row = await ReadRowAsync(c, projectId, ct);
        ProjectConfig? config = null;
        if (row is not null)
        {
            var parsed = LabelSchema.Parse(row.SchemaJson, SchemaLimits.Stored);
            // Stored schemas were checked on the way in; a failure here is a bug, not user input.
            var schema = parsed.Schema ?? throw new InvalidOperationException($"Project {row.Id} holds an invalid schema.");
            config = new ProjectConfig(row.Id, row.OrganizationId, row.Name, row.Instructions, row.SchemaJson, schema,
                (int)row.Overlap, (int)row.LeaseSeconds, row.TaskOrder, row.ReviewPolicy, (int)row.ReviewPercent, row.CreatedAt, row.Quality, row.ArchivedAt);
        }
        if (Interlocked.Read(ref _projectForgets) == forgets)
        {
            _projects[projectId] = (config, now);
        }
        return config;
    }

    /// <summary>The project and the caller's roles on it, or null when the caller may not see it: a
    /// member's roles in the project's organisation, else what an active contract gives (with the
    /// contract, site and team the work is done under).</summary>
    public async Task<(ProjectConfig Project, Roles Roles, ContractWork? Work)?> ForProjectAsync(long userId, long projectId, CancellationToken ct)
    {
        var project = await ProjectAsync(projectId, ct);
        if (project is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (!_roles.TryGetValue((userId, project.OrganizationId), out var e) || now - e.At >= Ttl)
        {
            await LookUpAsync(userId, project, now, ct);
        }
        else if (now >= e.RefreshAt && _refreshing.TryAdd((userId, project.Id), 0))
        {
            _ = RefreshAsync(userId, project);
        }
        var roles = await RolesAsync(userId, project.OrganizationId, ct);
        if (roles != Roles.None)
        {
            return (project, roles, null);
        }
        var (contractRoles, work) = await ContractWorkAsync(userId, projectId, ct);
        return contractRoles == Roles.None ? null : (project, contractRoles, work);
    }

    /// <summary>Reads the caller's membership of the project's organisation and, for someone who is not a
    /// member, the contract they work it under, in one statement, into both caches.</summary>
    private async Task LookUpAsync(long userId, ProjectConfig project, DateTimeOffset now, CancellationToken ct)
    {
        var forgets = Interlocked.Read(ref _forgets);
        ContractWorkRow? row;
        await using (var c = await db.OpenAsync(ct))
        {
            row = await c.QueryFirstOrDefaultAsync<ContractWorkRow?>(new CommandDefinition(
                AccessSql.RolesOrContractWorkSql, new { userId, organizationId = project.OrganizationId, projectId = project.Id }, cancellationToken: ct));
        }
        if (Interlocked.Read(ref _forgets) != forgets)
        {
            return; // the callers below read the store again
        }
        var refreshAt = RefreshAt(now);
        if (row is { Member: 1 })
        {
            _roles[(userId, project.OrganizationId)] = (RoleNames.Parse(row.Roles), now, refreshAt);
            return;
        }
        _roles[(userId, project.OrganizationId)] = (Roles.None, now, refreshAt);
        var (roles, work) = Work(row);
        _contracts[(userId, project.Id)] = (roles, work, now);
    }

    /// <summary><see cref="LookUpAsync"/> behind the request that noticed the entry growing old, which goes on with the cached answer.</summary>
    private async Task RefreshAsync(long userId, ProjectConfig project)
    {
        try
        {
            await Task.Yield();
            await LookUpAsync(userId, project, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception)
        {
            // The store is unreachable: the entry answers until its Ttl, then callers wait for the store and see its error.
        }
        finally
        {
            _refreshing.TryRemove((userId, project.Id), out _);
        }
    }

    private static DateTimeOffset RefreshAt(DateTimeOffset at) => at + Ttl * (0.5 + Random.Shared.NextDouble() * 0.25);

    private async Task<(Roles Roles, ContractWork? Work)> ContractWorkAsync(long userId, long projectId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_contracts.TryGetValue((userId, projectId), out var e) && now - e.At < Ttl)
        {
            return (e.Roles, e.Work);
        }
        await using var c = await db.OpenAsync(ct);
        var forgets = Interlocked.Read(ref _forgets);
        var row = await c.QueryFirstOrDefaultAsync<ContractWorkRow?>(new CommandDefinition(
            AccessSql.ContractWorkSql, new { userId, projectId }, cancellationToken: ct));
        var (roles, work) = Work(row);
        if (Interlocked.Read(ref _forgets) == forgets)
        {
            _contracts[(userId, projectId)] = (roles, work, now);
        }
        return (roles, work);
    }

    private static (Roles Roles, ContractWork? Work) Work(ContractWorkRow? row)
    {
        var roles = row is null ? Roles.None : RoleNames.UnderContract(RoleNames.Parse(row.Roles));
        return (roles, roles == Roles.None ? null : new ContractWork(row!.ContractId, row.SiteId, row.TeamId, row.Deadline));
    }

    /// <summary>Settable, not positional: Dapper matches a record's constructor by the column types of the
    /// first row, and a null site or team reads as no type at all.</summary>
    private sealed class ContractWorkRow
    {
        /// <summary><see cref="AccessSql.RolesOrContractWorkSql"/>: 1 when <see cref="Roles"/> are a member's.</summary>
        public long Member { get; set; }

        public long ContractId { get; set; }

        public string Roles { get; set; } = "";

        public long? SiteId { get; set; }

        public long? TeamId { get; set; }

        public long Deadline { get; set; }
    }

    /// <summary>Project <paramref name="projectId"/> changed (settings, archive, deletion): read it again. A read
    /// that began before this may have seen the row before the change committed: its answer is used once but
    /// not kept (a deleted project stayed visible for up to <see cref="Ttl"/> when a read raced its deletion).</summary>
    public void Forget(long projectId)
    {
        Interlocked.Increment(ref _projectForgets);
        _projects.TryRemove(projectId, out _);
    }

    /// <summary>Memberships, contracts, teams or sites changed: every cached answer about people goes.</summary>
    public void ForgetMemberships()
    {
        Interlocked.Increment(ref _forgets);
        _roles.Clear();
        _contracts.Clear();
    }

    /// <summary>One project's stored settings, as the queue cache and the project views read them.</summary>
    internal static Task<ProjectRow?> ReadRowAsync(System.Data.Common.DbConnection c, long projectId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<ProjectRow?>(new CommandDefinition(
            AccessSql.ProjectRowSql, new { projectId }, cancellationToken: ct));

    internal sealed record ProjectRow(
        long Id, long OrganizationId, string Name, string Instructions, string SchemaJson, long Overlap,
        long LeaseSeconds, string TaskOrder, string ReviewPolicy, long ReviewPercent, long CreatedAt, long GoldRate,
        double GoldThreshold, long GoldMinimum, long? OverlapMax, double? ConfidenceTarget, long? ArchivedAt)
    {
        public QualitySettings Quality => new((int)GoldRate, GoldThreshold, (int)GoldMinimum, (int?)OverlapMax, ConfidenceTarget);
    }
}
