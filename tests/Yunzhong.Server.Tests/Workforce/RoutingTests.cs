using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Tests.Workforce;

/// <summary>Routing by skill through <c>queue/next</c>: project and contract requirements, routes by task
/// data, and certificates that expire or are revoked. Its own fixture: one test moves the clock.</summary>
public abstract class RoutingTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };

    private async Task<(WorkforceScene W, Org Client, Person Manager, Person Annotator, long Project)> SceneAsync(int tasks = 4)
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var client = await fx.NewOrgAsync("client");
        var manager = await client.PersonAsync(Roles.Manager);
        var annotator = await client.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, client.Id);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        return (w, client, manager, annotator, project);
    }

    private static async Task<JsonElement> RefusedAsync(Person p, long project)
    {
        using var r = await p.Http.PostAsync($"api/projects/{project}/queue/next", null);
        return await r.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnAnnotatorWithoutTheCertificateGetsNothingFromASkillProjectUntilGrantedOne()
    {
        var (w, client, manager, annotator, project) = await SceneAsync();
        var skill = await w.SkillAsync(maxLevel: 3);
        var set = await WorkforceScene.RequireAsync(manager, project, [new { skillId = skill.Id, minLevel = 2 }]);
        Assert.Equal(skill.Code, Assert.Single(set.Requirements).Code);

        var refused = await RefusedAsync(annotator, project);
        Assert.Equal("queue.skill_required", refused.GetProperty("code").GetString());
        Assert.Contains(skill.Code, refused.GetProperty("params").GetProperty("skills").GetString());

        // Level 1 does not cover a requirement of level 2; level 2 does.
        await w.GrantAsync(annotator, skill.Id, level: 1);
        await RefusedAsync(annotator, project);
        await w.GrantAsync(annotator, skill.Id, level: 2);
        Assert.NotNull(await annotator.NextAsync(project));

        // Lifting the requirement opens the project to everyone again.
        var colleague = await client.PersonAsync(Roles.Annotator);
        await RefusedAsync(colleague, project);
        await WorkforceScene.RequireAsync(manager, project, []);
        Assert.NotNull(await colleague.NextAsync(project));
    }

    [Fact]
    public async Task DataRoutesServeRoutedTasksOnlyToAnnotatorsCertifiedForThem()
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var client = await fx.NewOrgAsync("client");
        var manager = await client.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, client.Id);
        // Two tasks before the route is set, two after: both kinds get their mask.
        await WorkforceScene.ImportDialectsAsync(manager, project, datong: 1, other: 1);
        var datong = await w.SkillAsync();
        await WorkforceScene.RequireAsync(manager, project, [], [new { field = "dialect", value = "大同话", skillId = datong.Id, minLevel = 1 }]);
        await WorkforceScene.ImportDialectsAsync(manager, project, datong: 1, other: 1);

        var plain = await client.PersonAsync(Roles.Annotator);
        var served = new List<string>();
        while (await plain.NextAsync(project) is { } lease)
        {
            served.Add(lease.Task.Data.GetProperty("dialect").GetString()!);
            using var r = await plain.SubmitAsync(lease.AssignmentId, _pos);
            await r.OkAsync<SubmitResponse>("submit");
        }
        Assert.Equal(["普通话", "普通话"], served);

        var certified = await client.PersonAsync(Roles.Annotator);
        await w.GrantAsync(certified, datong.Id);
        var theirs = new List<string>();
        while (await certified.NextAsync(project) is { } lease)
        {
            theirs.Add(lease.Task.Data.GetProperty("dialect").GetString()!);
            using var r = await certified.SubmitAsync(lease.AssignmentId, _pos);
            await r.OkAsync<SubmitResponse>("submit");
        }
        Assert.Equal(["大同话", "大同话"], theirs);
    }

    [Fact]
    public async Task AnExpiredOrRevokedCertificateStopsNewLeasesButNeverAnOpenOne()
    {
        var (w, _, manager, annotator, project) = await SceneAsync(tasks: 6);
        var skill = await w.SkillAsync();
        await WorkforceScene.RequireAsync(manager, project, [new { skillId = skill.Id, minLevel = 1 }]);
        await w.GrantAsync(annotator, skill.Id, expiresAt: fx.Time.GetUtcNow().AddMinutes(1));
        var open = await annotator.NextAsync(project);
        Assert.NotNull(open);

        fx.Time.Advance(TimeSpan.FromMinutes(2));
        // The lease held is still served (a reload) and its submission counts; nothing new comes.
        Assert.Equal(open.AssignmentId, (await annotator.NextAsync(project))!.AssignmentId);
        using (var r = await annotator.SubmitAsync(open.AssignmentId, _pos))
        {
            await r.OkAsync<SubmitResponse>("submission on the open lease");
        }
        Assert.Equal("queue.skill_required", (await RefusedAsync(annotator, project)).GetProperty("code").GetString());

        // A fresh certificate, then its revocation: the same.
        var renewed = await w.GrantAsync(annotator, skill.Id);
        var second = await annotator.NextAsync(project);
        Assert.NotNull(second);
        var revoked = await w.OperatorTrainer.Http.PostOkAsync<CertificateView>($"api/certificates/{renewed.Id}/revoke");
        Assert.False(revoked.Valid);
        Assert.NotNull(revoked.RevokedAt);
        using (var r = await annotator.SubmitAsync(second.AssignmentId, _pos))
        {
            await r.OkAsync<SubmitResponse>("submission after revocation");
        }
        await RefusedAsync(annotator, project);
    }

    [Fact]
    public async Task AContractsRequirementsApplyToTheVendorsPeopleOnly()
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var scene = await Park.ParkScene.CreateAsync(fx, tasks: 6);
        var vendor = await scene.VendorAsync(2);
        var contract = await scene.ActiveContractAsync(vendor, quota: 6);
        var skill = await w.SkillAsync("ner");
        using (var r = await scene.ClientAdmin.Http.PutAsJsonAsync($"api/contracts/{contract.Id}/skills",
                   new { requirements = new[] { new { skillId = skill.Id, minLevel = 1 } } }, HttpJson.Options))
        {
            Assert.Single((await r.OkAsync<ContractSkillsView>("contract skills")).Requirements);
        }
        // The vendor reads them and may not change them.
        Assert.Single((await vendor.Admin.Http.GetOkAsync<ContractSkillsView>($"api/contracts/{contract.Id}/skills")).Requirements);
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/contracts/{contract.Id}/skills", new { requirements = Array.Empty<object>() }, HttpJson.Options))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        await RefusedAsync(vendor.People[0], scene.Project);
        await w.GrantAsync(vendor.People[0], skill.Id);
        Assert.NotNull(await vendor.People[0].NextAsync(scene.Project));
        await RefusedAsync(vendor.People[1], scene.Project);
        // The client's own annotators do not work under the contract: nothing is asked of them.
        var own = await scene.Client.PersonAsync(Roles.Annotator);
        Assert.NotNull(await own.NextAsync(scene.Project));
    }

    [Fact]
    public async Task RoutedLeasesWalkTheQueueIndexWhateverThePlannerGuessesOfTheRouteTest()
    {
        // With the route test and the annotator's own-assignment probe as two conditions,
        // PostgreSQL guessed 0.5 % for each (it has no statistics for either expression) and, with
        // under one matching row expected, sorted all of a project's open tasks on every lease
        // instead of walking the queue index to the first match (yz bench --skills: 3,000 → 220
        // cycles/s). The plans are checked as the planner chooses them, sorting and bitmap scans
        // allowed, with statistics fresh, in the custom and the generic plan a prepared statement gets.
        var w = await WorkforceScene.CreateAsync(fx);
        var client = await fx.NewOrgAsync("client");
        var manager = await client.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, client.Id);
        var datong = await w.SkillAsync();
        await WorkforceScene.RequireAsync(manager, project, [], [new { field = "dialect", value = "大同话", skillId = datong.Id, minLevel = 1 }]);
        await WorkforceScene.ImportDialectsAsync(manager, project, datong: 250, other: 250);
        var annotator = await client.PersonAsync(Roles.Annotator);

        var db = fx.Services.GetRequiredService<Yunzhong.Server.Data.Db>();
        await using var c = await db.OpenAsync();
        using var sql = new Yunzhong.Server.Data.HotStatements(c);
        var denied = await ScalarAsync(sql, $"SELECT max(skill_mask) FROM tasks WHERE project_id = {project}");
        Assert.NotEqual(0, denied);
        if (db.Dialect == Yunzhong.Server.Data.SqlDialect.Sqlite)
        {
            var plan = await PlanAsync(sql, "EXPLAIN QUERY PLAN " + RoutedSql.Fresh(QueueSql.PickFreshSql("priority")), 3,
                ("projectId", project), ("userId", annotator.Id), ("denied", denied));
            Assert.Contains(plan, line => line.Contains("ix_tasks_queue_priority", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
            return;
        }
        await sql[$"ANALYZE tasks"].ExecuteAsync();
        await using var tx = await c.BeginTransactionAsync();
        var statements = new Dictionary<string, string>
        {
            ["pipelined"] = RoutedSql.Fresh(QueueSql.LeaseSql("priority", whenNothingHeld: true)),
            ["step by step"] = RoutedSql.Fresh(QueueSql.LeaseSql("priority", whenNothingHeld: false)),
            ["under contract"] = RoutedSql.Fresh(QueueSql.ContractLeaseSql("priority")),
            ["under contract, pipelined"] = RoutedSql.Fresh(QueueSql.ContractPipelinedLeaseSql("priority")),
        };
        foreach (var mode in new[] { "force_custom_plan", "force_generic_plan" })
        {
            await sql[$"SET LOCAL plan_cache_mode = {mode}"].ExecuteAsync();
            foreach (var (what, text) in statements)
            {
                var (positional, names) = Yunzhong.Server.Data.NamedParameters.ToPositional(text, sqlite: false);
                var name = $"routed_{what.Replace(' ', '_').Replace(",", "", StringComparison.Ordinal)}_{mode}";
                await sql[$"PREPARE {name} ({string.Join(", ", names.Select(_ => "bigint"))}) AS {positional}"].ExecuteAsync();
                var values = names.Select(n => n switch { "projectId" => project, "userId" => annotator.Id, "denied" => denied, _ => 0L });
                var plan = await PlanAsync(sql, $"EXPLAIN EXECUTE {name} ({string.Join(", ", values)})", 0);
                var shown = string.Join("\n", plan);
                Assert.True(plan.Exists(line => line.Contains("Index Scan using ix_tasks_queue_rank", StringComparison.Ordinal)
                    && !line.Contains("Bitmap", StringComparison.Ordinal)), $"{what} ({mode}) does not walk the queue index:\n{shown}");
                Assert.DoesNotContain("Sort", shown, StringComparison.Ordinal);
                // The own-assignment probe stays per candidate: hashed, it would read all the annotator's assignments per lease.
                Assert.DoesNotContain(plan, line => line.Contains("CASE WHEN", StringComparison.Ordinal) && line.Contains("hashed", StringComparison.Ordinal));
            }
        }
        await tx.RollbackAsync();

        static async Task<long> ScalarAsync(Yunzhong.Server.Data.HotStatements sql, string text)
        {
            var cmd = sql[text];
            Assert.True(await cmd.ReadAsync());
            var value = cmd.Int64(0);
            await cmd.ResetAsync();
            return value;
        }

        static async Task<List<string>> PlanAsync(Yunzhong.Server.Data.HotStatements sql, string text, int column, params (string Name, long Value)[] args)
        {
            var cmd = sql[text];
            foreach (var (n, v) in args)
            {
                cmd.Bind(n, v);
            }
            var plan = new List<string>();
            while (await cmd.ReadAsync())
            {
                plan.Add(cmd.Text(column));
            }
            return plan;
        }
    }

    [Fact]
    public async Task RequirementsNamingUnknownSkillsOrLevelsOutOfRangeAreRefusedNamingTheField()
    {
        var (w, _, manager, _, project) = await SceneAsync(tasks: 1);
        var skill = await w.SkillAsync(maxLevel: 3);
        using var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/skills", new
        {
            requirements = new object[] { new { skillId = 987654321, minLevel = 1 }, new { skillId = skill.Id, minLevel = 4 } },
            routes = new object[] { new { field = "", value = "大同话", skillId = skill.Id, minLevel = 0 } },
        }, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/requirements/0/skillId", "/requirements/1/minLevel", "/routes/0/field", "/routes/0/minLevel"], problem.ErrorKeys());
        var fields = problem.GetProperty("fields");
        Assert.Equal("skill.unknown", fields.GetProperty("/requirements/0/skillId")[0].GetProperty("code").GetString());
        Assert.Equal("skill.level_out_of_range", fields.GetProperty("/requirements/1/minLevel")[0].GetProperty("code").GetString());
        Assert.Equal(3, fields.GetProperty("/requirements/1/minLevel")[0].GetProperty("params").GetProperty("max").GetInt32());
        Assert.Equal("field.required", fields.GetProperty("/routes/0/field")[0].GetProperty("code").GetString());
        // Nothing was stored.
        var stored = await manager.Http.GetOkAsync<ProjectSkillsView>($"api/projects/{project}/skills");
        Assert.Empty(stored.Requirements);
        Assert.Empty(stored.Routes);
    }
}

public sealed class SqliteRoutingTests(SqliteFixture fx) : RoutingTests<SqliteFixture>(fx);

public sealed class PostgresRoutingTests(PostgresFixture fx) : RoutingTests<PostgresFixture>(fx);
