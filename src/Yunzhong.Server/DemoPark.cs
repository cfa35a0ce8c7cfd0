using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server;

/// <summary>
/// The demo park's people and contracts (`yz serve --demo`, after <see cref="DemoSeeder"/>'s projects): a
/// second client, three vendors with five sites over Datong's counties, thirty annotators in teams with
/// reviewers and leads, contracts in every state, and a few tasks done under the active one. Written
/// straight to the store with one password hash for every demo person, so it takes well under a second.
/// </summary>
public sealed class DemoPark(Db db, Access access, QueueEngine queue, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DemoPark> log)
{
    public const string Vendor1 = "大同标注示范企业 Datong Vendor";
    public const string Vendor2 = "云冈数据服务 Yungang Data";
    public const string Vendor3 = "桑干河智能标注 Sanggan Labeling";
    public const string Client2 = "智语科技 Zhiyu AI";

    /// <summary>The vendors' named people (password <see cref="DemoSeeder.Password"/>); the annotators are
    /// v1-annotator01@demo.yunzhong … (v1: 12, v2: 10, v3: 8).</summary>
    public static readonly (string Email, string Name, string Org, Roles Roles)[] People =
    [
        ("vendor-admin@demo.yunzhong", "平城标注主管 Vendor Admin", Vendor1, Roles.Admin | Roles.Manager),
        ("lead@demo.yunzhong", "一组组长 Team Lead", Vendor1, Roles.Reviewer | Roles.Annotator),
        ("vendor2-admin@demo.yunzhong", "云冈主管 Vendor Two Admin", Vendor2, Roles.Admin | Roles.Manager),
        ("vendor2-reviewer@demo.yunzhong", "云冈质检 Vendor Two Reviewer", Vendor2, Roles.Reviewer),
        ("vendor3-admin@demo.yunzhong", "桑干河主管 Vendor Three Admin", Vendor3, Roles.Admin | Roles.Manager),
        ("vendor3-reviewer@demo.yunzhong", "桑干河质检 Vendor Three Reviewer", Vendor3, Roles.Reviewer),
        ("client2-admin@demo.yunzhong", "智语项目经理 Client Two Admin", Client2, Roles.Admin | Roles.Manager),
    ];

    // name, county, seats, opens, closes, blocks past its seats. The first is open round the clock (the demo is shown at any hour).
    private static readonly (int Vendor, string Name, string County, int Seats, string Opens, string Closes, bool Block)[] _sites =
    [
        (1, "平城一号职场", "140213", 10, "00:00", "23:59", true),
        (1, "云冈职场", "140214", 6, "08:00", "20:00", false),
        (2, "阳高职场", "140221", 8, "08:30", "21:00", true),
        (2, "天镇职场", "140222", 4, "09:00", "18:00", false),
        (3, "灵丘职场", "140224", 12, "07:30", "22:00", false),
    ];

    private static readonly string[] _surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"];
    private static readonly string[] _given = ["晓燕", "建国", "丽娟", "志强", "海燕", "文博", "雪梅", "俊杰", "秀英", "浩然"];

    public async Task SeedAsync(long clientOrg, string passwordHash, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM sites", cancellationToken: ct)) > 0)
        {
            return; // seeded before
        }
        var projects = (await c.QueryAsync<(long Id, string Name)>(new CommandDefinition(
            "SELECT id, name FROM projects WHERE organization_id = @clientOrg AND deleted_at IS NULL ORDER BY id", new { clientOrg }, cancellationToken: ct))).ToList();
        if (projects.Count == 0)
        {
            log.LogWarning("No demo projects: the demo park has no contracts");
            return;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var orgs = new Dictionary<string, long>();
        foreach (var (name, kind) in new[] { (Vendor1, "vendor"), (Vendor2, "vendor"), (Vendor3, "vendor"), (Client2, "client") })
        {
            orgs[name] = await c.ExecuteScalarAsync<long?>(new CommandDefinition(OrganizationsSql.OrganizationByNameSql, new { name }, cancellationToken: ct))
                ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(OrganizationsSql.InsertOrganizationSql, new { name, kind, now }, cancellationToken: ct));
        }
        var vendors = new[] { orgs[Vendor1], orgs[Vendor2], orgs[Vendor3] };
        await using var tx = await db.BeginWriteAsync(c, ct);
        async Task<long> PersonAsync(string email, string name, long org, Roles roles, long? site)
        {
            var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM users WHERE email = @email", new { email }, tx, cancellationToken: ct))
                ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(OrganizationsSql.InsertUserSql, new { email, name, hash = passwordHash, now }, tx, cancellationToken: ct));
            await Accounts.SetMembershipAsync(c, tx, org, id, roles, ct);
            if (site is not null)
            {
                await c.ExecuteAsync(new CommandDefinition("UPDATE memberships SET site_id = @site WHERE organization_id = @org AND user_id = @id", new { site, org, id }, tx, cancellationToken: ct));
            }
            return id;
        }

        var sites = new List<(int Vendor, long Id)>();
        foreach (var s in _sites)
        {
            sites.Add((s.Vendor, await c.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO sites (organization_id, name, county_code, seats, opens, closes, block_over_seats, created_at)
                VALUES (@org, @name, @county, @seats, @opens, @closes, @block, @now) RETURNING id
                """, new { org = vendors[s.Vendor - 1], name = s.Name, county = s.County, seats = s.Seats, opens = s.Opens, closes = s.Closes, block = s.Block ? 1 : 0, now },
                tx, cancellationToken: ct))));
        }
        var named = new Dictionary<string, long>();
        foreach (var (email, name, org, roles) in People)
        {
            var vendorIndex = Array.IndexOf(vendors, orgs[org]);
            long? site = vendorIndex >= 0 && !roles.HasFlag(Roles.Admin) ? sites.First(s => s.Vendor == vendorIndex + 1).Id : null;
            named[email] = await PersonAsync(email, name, orgs[org], roles, site);
        }
        // Thirty annotators, spread over their vendor's sites.
        var annotators = new List<long>[3] { [], [], [] };
        var n = 0;
        foreach (var (vendor, count) in new[] { (1, 12), (2, 10), (3, 8) })
        {
            var mine = sites.Where(s => s.Vendor == vendor).ToList();
            for (var i = 1; i <= count; i++, n++)
            {
                var name = $"{_surnames[n % _surnames.Length]}{_given[n * 7 % _given.Length]} Annotator {vendor}-{i:00}";
                annotators[vendor - 1].Add(await PersonAsync($"v{vendor}-annotator{i:00}@demo.yunzhong", name, vendors[vendor - 1], Roles.Annotator, mine[i % mine.Count].Id));
            }
        }
        async Task<long> TeamAsync(long org, string name, long lead, IEnumerable<long> members)
        {
            var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO teams (organization_id, name, lead_user_id, created_at) VALUES (@org, @name, @lead, @now) RETURNING id", new { org, name, lead, now }, tx, cancellationToken: ct));
            foreach (var user in members.Append(lead).Distinct())
            {
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO team_members (team_id, user_id) VALUES (@id, @user)", new { id, user }, tx, cancellationToken: ct));
            }
            return id;
        }
        var team1 = await TeamAsync(vendors[0], "平城一组", named["lead@demo.yunzhong"], annotators[0].Take(6));
        _ = await TeamAsync(vendors[0], "云冈二组", annotators[0][6], annotators[0].Skip(6));
        var team3 = await TeamAsync(vendors[1], "阳高质检组", named["vendor2-reviewer@demo.yunzhong"], annotators[1]);
        var team4 = await TeamAsync(vendors[2], "灵丘一组", named["vendor3-reviewer@demo.yunzhong"], annotators[2]);

        // Client two's project: the first demo project's schema, no tasks yet.
        var project2 = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO projects (organization_id, name, instructions, schema_json, overlap, lease_seconds, task_order, review_policy, review_percent, created_by, created_at)
            SELECT @org, '智语对话意图标注 · Zhiyu intents', instructions, schema_json, 1, 3600, 'priority', 'none', 0, @admin, @now FROM projects WHERE id = @from
            RETURNING id
            """, new { org = orgs[Client2], admin = named["client2-admin@demo.yunzhong"], now, from = projects[0].Id }, tx, cancellationToken: ct));
        var day = 86_400_000L;
        var p = (int i) => projects[i % projects.Count].Id;
        var active = await ContractAsync(c, tx, p(projects.FindIndex(x => x.Name.Contains("Chinese entities", StringComparison.Ordinal)) is var k and >= 0 ? k : 0),
            clientOrg, vendors[0], "active", 300, 800, now + 45 * day, "progress", now, [team1]);
        await ContractAsync(c, tx, p(1), clientOrg, vendors[0], "proposed", 500, 1200, now + 60 * day, "work", now, []);
        await ContractAsync(c, tx, p(0), clientOrg, vendors[1], "accepted", 200, 950, now + 30 * day, "work", now, [team3]);
        await ContractAsync(c, tx, p(2), clientOrg, vendors[2], "declined", 100, 600, now + 20 * day, "work", now, []);
        await ContractAsync(c, tx, p(3), clientOrg, vendors[1], "closed", 80, 1500, now + 5 * day, "work", now, []);
        await ContractAsync(c, tx, project2, orgs[Client2], vendors[2], "active", 1000, 350, now + 90 * day, "work", now, [team4]);
        await ContractAsync(c, tx, project2, orgs[Client2], vendors[0], "proposed", 400, 400, now + 40 * day, "progress", now, []);
        await tx.CommitAsync(ct);
        access.ForgetMemberships();

        // The queue's writers run once the server has started (seeding comes first).
        var workers = annotators[0].Take(3).ToList();
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await WorkAsync(active, workers, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Demo park: the sample work under the active contract was not done");
            }
        }));
        log.LogInformation("Demo park seeded: 3 vendors, 5 sites, 30 annotators, 7 contracts");
    }

    private static Task<long> ContractAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long project, long client, long vendor, string state,
        long quota, long priceE4, long deadline, string visibility, long now, long[] teams) =>
        ContractAsync(c, tx, new { project, client, vendor, state, quota, priceE4, deadline, visibility, now }, teams);

    private static async Task<long> ContractAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, object terms, long[] teams)
    {
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO contracts (project_id, client_org_id, vendor_org_id, state, unit, quota, used, unit_price_e4, deadline, visibility, created_at, updated_at)
            VALUES (@project, @client, @vendor, @state, 'annotations', @quota, 0, @priceE4, @deadline, @visibility, @now, @now) RETURNING id
            """, terms, tx));
        foreach (var team in teams)
        {
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO contract_teams (contract_id, team_id) VALUES (@id, @team)", new { id, team }, tx));
        }
        return id;
    }

    /// <summary>A few tasks done under the active contract: each annotator submits the model's prediction for up to three tasks.</summary>
    private async Task WorkAsync(long contractId, List<long> people, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var projectId = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT project_id FROM contracts WHERE id = @contractId", new { contractId }, cancellationToken: ct));
        var project = await access.ProjectAsync(projectId, ct);
        if (project is null)
        {
            return;
        }
        foreach (var userId in people)
        {
            var found = await access.ForProjectAsync(userId, projectId, ct);
            if (found?.Work is not { } work)
            {
                continue;
            }
            for (var i = 0; i < 3; i++)
            {
                var lease = await queue.NextAsync(project, userId, [], work, Features.Workforce.SkillGate.Open, ct);
                if (lease is not { Refusal: LeaseRefusal.None })
                {
                    break;
                }
                var result = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT result_json FROM predictions WHERE task_id = @taskId ORDER BY id LIMIT 1", new { taskId = lease.TaskId }, cancellationToken: ct));
                if (result is null)
                {
                    await queue.GiveBackAsync(lease.AssignmentId, userId, skip: false, work.ContractId, ct);
                    break;
                }
                await queue.SubmitAsync(project, lease.AssignmentId, userId, result, 40 + i * 7, null, null, work.ContractId, ct);
            }
        }
    }
}
