using Microsoft.Extensions.DependencyInjection;

namespace Yunzhong.Server.Tests.Permissions;

/// <summary>What each role of a project's organisation may see and do beyond tenancy: exports, the
/// others' work, leases after a member leaves, and the last admin.</summary>
public abstract class RoleTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };
    private static readonly object _neg = new { label = new[] { "neg" } };

    private async Task<(Org Org, Person Admin, long Project)> ProjectAsync(int tasks, int overlap = 1)
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin);
        var project = await TestData.ProjectAsync(admin, org.Id, overlap: overlap);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(tasks));
        return (org, admin, project);
    }

    private static async Task<long[]> TaskIdsAsync(Person p, long project, string query = "")
    {
        var page = await p.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?{query}");
        return page.Items.Select(i => i.Id).ToArray();
    }

    [Fact]
    public async Task OnlyManagersAndAdminsExportAndDownloadAProjectsWork()
    {
        var (org, admin, project) = await ProjectAsync(2);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var manager = await org.PersonAsync(Roles.Manager);
        await annotator.AnnotateAsync(project, _pos);
        var (job, text) = await admin.Http.ExportAsync(project, new { format = "jsonl" });
        Assert.Contains("pos", text, StringComparison.Ordinal);
        var id = job.Id;

        foreach (var p in new[] { annotator, reviewer })
        {
            using (var r = await p.Http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "jsonl" }))
            {
                await r.ProblemAsync(HttpStatusCode.Forbidden);
            }
            foreach (var path in new[] { $"api/projects/{project}/exports", $"api/exports/{id}", $"api/exports/{id}/download" })
            {
                using var r = await p.Http.GetAsync(path);
                await r.ProblemAsync(HttpStatusCode.Forbidden); // they see the project, so 403 rather than 404
            }
        }
        Assert.Equal(text, await manager.Http.GetStringAsync($"api/exports/{id}/download"));
        Assert.Single(await manager.Http.GetOkAsync<List<ExportView>>($"api/projects/{project}/exports"));
        var outsider = await (await fx.NewOrgAsync()).PersonAsync(Roles.Admin | Roles.Manager);
        using (var r = await outsider.Http.GetAsync($"api/exports/{id}/download"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task ARemovedMemberCannotWorkOnALeaseTakenBeforeAndTheTaskGoesBackToTheQueue()
    {
        var (org, admin, project) = await ProjectAsync(1);
        var leaver = await org.PersonAsync(Roles.Annotator);
        var stayer = await org.PersonAsync(Roles.Annotator);
        var lease = (await leaver.NextAsync(project))!;
        Assert.Null(await stayer.NextAsync(project)); // the only task is leased

        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{leaver.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        using (var r = await leaver.SubmitAsync(lease.AssignmentId, _pos))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await leaver.Http.PutAsJsonAsync($"api/assignments/{lease.AssignmentId}/draft", new { result = _pos }))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        foreach (var action in new[] { "skip", "release" })
        {
            using var r = await leaver.Http.PostAsync($"api/assignments/{lease.AssignmentId}/{action}", null);
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
        // Back in the queue at once, not at lease expiry.
        var taken = (await stayer.NextAsync(project))!;
        Assert.Equal(lease.Task.Id, taken.Task.Id);
        await stayer.AnnotateAsync(project, _neg);
        var task = await admin.Http.GetOkAsync<TaskDetail>($"api/tasks/{lease.Task.Id}");
        Assert.Equal(TaskState.Annotated, task.State);
        Assert.Equal(stayer.Id, Assert.Single(task.Annotations).UserId);
    }

    [Fact]
    public async Task ALeaseEndedByARemovalTakesNoSubmissionEvenWhereTheRolesAreStillCached()
    {
        // Another node removes the member: this one still holds their roles for up to Access.Ttl,
        // so the queue itself must refuse the lease the removal ended.
        var (org, _, project) = await ProjectAsync(1);
        var leaver = await org.PersonAsync(Roles.Annotator);
        var lease = (await leaver.NextAsync(project))!;
        var accounts = fx.Services.GetRequiredService<Yunzhong.Server.Features.Organizations.Accounts>();
        await accounts.ChangeMembershipAsync(org.Id, leaver.Id, Roles.None, CancellationToken.None); // no ForgetMemberships here

        using (var r = await leaver.SubmitAsync(lease.AssignmentId, _pos))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT remaining FROM tasks WHERE id = @id", new { id = lease.Task.Id }));
    }

    [Fact]
    public async Task RolesInUseAreReadAgainBeforeTheirCacheEntryRunsOut()
    {
        // Past half to three quarters of Access.Ttl an entry in use is read again behind the request
        // that noticed (so a thousand annotators who started together do not all wait on the store in
        // the same second): that request is answered from the cache, a removal shows up right after it.
        var (org, _, project) = await ProjectAsync(1);
        var leaver = await org.PersonAsync(Roles.Annotator);
        await leaver.Http.GetOkAsync<ProjectView>($"api/projects/{project}");
        var accounts = fx.Services.GetRequiredService<Yunzhong.Server.Features.Organizations.Accounts>();
        await accounts.ChangeMembershipAsync(org.Id, leaver.Id, Roles.None, CancellationToken.None); // as another node: nothing forgotten here
        fx.Time.Advance(Access.Ttl * 0.76);
        await leaver.Http.GetOkAsync<ProjectView>($"api/projects/{project}");
        var last = HttpStatusCode.OK;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (last != HttpStatusCode.NotFound && clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50);
            using var r = await leaver.Http.GetAsync($"api/projects/{project}");
            last = r.StatusCode;
        }
        // Still 2.4 s of (fake) time short of the entry's end: only a look-up ahead of time can have ended it.
        Assert.Equal(HttpStatusCode.NotFound, last);
    }

    [Fact]
    public async Task AMemberWhoComesBackCanBeGivenAgainATaskTheirRemovalTookAway()
    {
        var (org, admin, project) = await ProjectAsync(1);
        var member = await org.PersonAsync(Roles.Annotator);
        var lease = (await member.NextAsync(project))!;
        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{member.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        await admin.Http.PostOkAsync($"api/organizations/{org.Id}/members", new { email = member.Email, roles = new[] { "annotator" } });
        var again = (await member.NextAsync(project))!;
        Assert.Equal(lease.Task.Id, again.Task.Id);
        await member.AnnotateAsync(project, _pos);
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT annotation_count FROM tasks WHERE id = @id", new { id = lease.Task.Id }));
    }

    [Fact]
    public async Task AMemberWhoLosesTheAnnotatorRoleLosesTheirLeasesButKeepsWhatTheyMayStillDo()
    {
        var (org, admin, project) = await ProjectAsync(1);
        var member = await org.PersonAsync(Roles.Annotator);
        var other = await org.PersonAsync(Roles.Annotator);
        var lease = (await member.NextAsync(project))!;

        // Made a reviewer instead, through "add member" as the console does.
        await admin.Http.PostOkAsync($"api/organizations/{org.Id}/members", new { email = member.Email, roles = new[] { "reviewer" } });

        using (var r = await member.SubmitAsync(lease.AssignmentId, _pos))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden); // still a member, no longer an annotator
        }
        using (var r = await member.Http.PostAsync($"api/assignments/{lease.AssignmentId}/skip", null))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(lease.Task.Id, (await other.NextAsync(project))!.Task.Id);
        Assert.Equal(project, (await member.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).Id);
    }

    [Fact]
    public async Task AManagerPromotedFromAnnotatorKeepsTheLeasesTheyHold()
    {
        var (org, admin, project) = await ProjectAsync(1);
        var member = await org.PersonAsync(Roles.Annotator);
        var lease = (await member.NextAsync(project))!;
        await admin.Http.PostOkAsync($"api/organizations/{org.Id}/members", new { email = member.Email, roles = new[] { "manager" } });
        using var r = await member.SubmitAsync(lease.AssignmentId, _pos);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task AnAnnotatorListsOnlyTheirOwnTasksAndCannotFilterByTheOthersAnswers()
    {
        var (org, admin, project) = await ProjectAsync(3, overlap: 2);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var trainer = await org.PersonAsync(Roles.Trainer);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (first, _) = await b.AnnotateAsync(project, _neg);
        var (second, _) = await b.AnnotateAsync(project, _neg);
        var (mine, _) = await a.AnnotateAsync(project, _pos); // b's first task: a may still be given b's others
        Assert.Equal(first, mine);

        Assert.Equal([mine], await TaskIdsAsync(a, project));
        Assert.Empty(await TaskIdsAsync(a, project, "label=neg")); // b's answer on a task a shares is not found through a
        Assert.Equal([mine], await TaskIdsAsync(a, project, "label=pos"));
        Assert.Equal([mine], await TaskIdsAsync(a, project, $"annotator={a.Id}"));
        using (var r = await a.Http.GetAsync($"api/projects/{project}/tasks?annotator={b.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await a.Http.GetAsync($"api/tasks/{second}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound); // not one of theirs
        }
        foreach (var path in new[] { $"api/projects/{project}/tasks", $"api/tasks/{mine}" })
        {
            using var r = await trainer.Http.GetAsync(path);
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        // Managers and reviewers see everyone's work.
        Assert.Equal(3, (await TaskIdsAsync(admin, project)).Length);
        Assert.Equal([first, second], await TaskIdsAsync(reviewer, project, "label=neg"));
        Assert.Equal(2, (await reviewer.Http.GetOkAsync<TaskDetail>($"api/tasks/{mine}")).Annotations.Count);
    }

    [Fact]
    public async Task TheLastAdminIsNeverDemotedOrRemovedByAnyRoute()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin);
        var second = await org.PersonAsync(Roles.Admin | Roles.Annotator);

        // With two admins one may step down; then the other is the last.
        await second.Http.PostOkAsync($"api/organizations/{org.Id}/members", new { email = admin.Email, roles = new[] { "manager" } });
        foreach (var roles in new[] { new[] { "annotator" }, new[] { "manager", "reviewer" } })
        {
            using var r = await second.Http.PostAsJsonAsync($"api/organizations/{org.Id}/members", new { email = second.Email, roles });
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("last admin", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        using (var r = await second.Http.DeleteAsync($"api/organizations/{org.Id}/members/{second.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Equal("admin,annotator", await fx.QueryScalarAsync<string>(
            "SELECT roles FROM memberships WHERE organization_id = @org AND user_id = @id", new { org = org.Id, id = second.Id }));
        // Keeping the admin role while changing the others is fine.
        var kept = await second.Http.PostOkAsync<MemberView>($"api/organizations/{org.Id}/members", new { email = second.Email, roles = new[] { "admin", "reviewer" } });
        Assert.Equal([Role.Admin, Role.Reviewer], kept.Roles);
    }

    [Fact]
    public async Task TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin()
    {
        for (var round = 0; round < 5; round++)
        {
            var org = await fx.NewOrgAsync();
            var a = await org.PersonAsync(Roles.Admin);
            var b = await org.PersonAsync(Roles.Admin);
            var answers = await Task.WhenAll(
                a.Http.PostAsJsonAsync($"api/organizations/{org.Id}/members", new { email = b.Email, roles = new[] { "manager" } }, HttpJson.Options),
                b.Http.PostAsJsonAsync($"api/organizations/{org.Id}/members", new { email = a.Email, roles = new[] { "manager" } }, HttpJson.Options));
            var statuses = answers.Select(r => r.StatusCode).Order().ToArray();
            foreach (var r in answers)
            {
                r.Dispose();
            }
            // Whichever came second was refused (or was no longer an admin and so not allowed to change roles).
            Assert.Equal(HttpStatusCode.OK, statuses[0]);
            Assert.NotEqual(HttpStatusCode.OK, statuses[1]);
            var admins = (await fx.QueryAsync<string>("SELECT roles FROM memberships WHERE organization_id = @org", new { org = org.Id }))
                .Count(r => r.Contains("admin", StringComparison.Ordinal));
            Assert.Equal(1, admins);
        }
    }
}

public sealed class SqliteRoleTests(SqliteFixture fx) : RoleTests<SqliteFixture>(fx);

public sealed class PostgresRoleTests(PostgresFixture fx) : RoleTests<PostgresFixture>(fx);
