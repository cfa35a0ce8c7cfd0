using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Features.Audit;

namespace Yunzhong.Server.Tests.Audit;

/// <summary>The audit trail on a real store: what is recorded, who reads it, and that tampering is found.</summary>
public abstract class AuditTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private AuditLog Log => fx.Services.GetRequiredService<AuditLog>();

    private async Task<Person> OperatorAdminAsync() => await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Admin);

    [Fact]
    public async Task AnExportDownloadIsRecordedForTheProjectsOrganisationAndOnlyItsAdminsAndTheOperatorReadIt()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, ["煤矿安全 ⛑️"]);
        var (job, _) = await admin.Http.ExportAsync(project, new { format = "jsonl" });

        var entries = await admin.Http.GetOkAsync<List<AuditEntryView>>($"api/organizations/{org.Id}/audit");
        var download = Assert.Single(entries, e => e.Action == "export.download");
        Assert.Equal(($"export:{job.Id}", $"user:{admin.Id}", $"org:{org.Id}"), (download.Subject, download.Actor, download.Owner));
        Assert.Equal(project, download.Details.GetProperty("project").GetInt64());

        var other = await (await fx.NewOrgAsync()).PersonAsync(Roles.Admin);
        await (await other.Http.GetAsync($"api/organizations/{org.Id}/audit")).ProblemAsync(HttpStatusCode.NotFound);
        await (await annotator.Http.GetAsync($"api/organizations/{org.Id}/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.Http.GetAsync("api/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.Http.GetAsync("api/audit/verify")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(await other.Http.GetOkAsync<List<AuditEntryView>>($"api/organizations/{(await other.Http.GetOkAsync<List<OrganizationMembership>>("api/organizations"))[0].Id}/audit"),
            e => e.Subject == $"export:{job.Id}");

        var park = await (await OperatorAdminAsync()).Http.GetOkAsync<List<AuditEntryView>>("api/audit?limit=500");
        Assert.Contains(park, e => e.Seq == download.Seq && e.Hash == download.Hash);
    }

    [Fact]
    public async Task ConcurrentAppendsMakeOneUnbrokenChain()
    {
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Log.AppendAsync(i % 3 + 1, $"user:{i}", "grant", $"release:{i}", new { purpose = "模型训练", i }, default)));
        var check = await (await OperatorAdminAsync()).Http.GetOkAsync<AuditApi.AuditCheck>("api/audit/verify");
        Assert.True(check.Ok, string.Join("; ", check.Problems));
        var seqs = await fx.QueryAsync<long>("SELECT seq FROM audit_log ORDER BY seq");
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.True(seqs.Count >= 60);
    }

    [Fact]
    public async Task TheStoreRefusesChangesAndAChangeMadeAroundThatIsNamedByVerify()
    {
        for (var i = 0; i < 5; i++)
        {
            await Log.AppendAsync(9, "user:1", "revoke", $"grant:{i}", new { reason = "到期" }, default);
        }
        var seq = await fx.QueryScalarAsync<long>("SELECT MAX(seq) FROM audit_log") - 2;
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => fx.QueryScalarAsync<long>("UPDATE audit_log SET actor = 'user:2' WHERE seq = @seq", new { seq }));
        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => fx.QueryScalarAsync<long>("DELETE FROM audit_log WHERE seq = @seq", new { seq }));

        // Someone with the database's keys drops the guard and edits an entry: verify names it.
        var (dropGuard, restoreGuard) = fx.Engine == "postgres"
            ? ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
            : ("DROP TRIGGER audit_log_no_update", "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END");
        await fx.QueryScalarAsync<long>(dropGuard);
        try
        {
            await fx.QueryScalarAsync<long>("UPDATE audit_log SET actor = 'user:2' WHERE seq = @seq", new { seq });
            var check = await (await OperatorAdminAsync()).Http.GetOkAsync<AuditApi.AuditCheck>("api/audit/verify");
            Assert.False(check.Ok);
            Assert.Equal([seq], check.Problems.Select(p => p.Seq).Distinct());
        }
        finally
        {
            await fx.QueryScalarAsync<long>("UPDATE audit_log SET actor = 'user:1' WHERE seq = @seq", new { seq });
            await fx.QueryScalarAsync<long>(restoreGuard);
        }
        Assert.True((await Log.VerifyAsync(default)).Problems.Count == 0);
    }
}

public sealed class SqliteAuditTests(SqliteFixture fx) : AuditTests<SqliteFixture>(fx);

public sealed class PostgresAuditTests(PostgresFixture fx) : AuditTests<PostgresFixture>(fx);
