using Microsoft.AspNetCore.Builder;

namespace Yunzhong.Server.Tests.Reliability;

/// <summary>
/// A disk that fills up, for real (a small tmpfs under the blob folder, or under SQLite's whole data
/// folder): requests that need space answer 507 ProblemDetails that says so and names no path, leave
/// nothing half-written, and go through again once space is freed. An export that cannot write its
/// file tells its owner why without the server's paths.
/// </summary>
public abstract class DiskFullTests
{
    protected static readonly byte[] Png = Api.DemoFile("photos/media/horse.png");

    protected abstract ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null);

    protected static async Task<JsonElement> OutOfSpaceAsync(HttpResponseMessage r, ServerFixture server)
    {
        var problem = await r.ProblemAsync(HttpStatusCode.InsufficientStorage);
        Assert.Equal("The server is out of storage space.", problem.GetProperty("title").GetString());
        var text = problem.ToString();
        Assert.DoesNotContain(server.DataDir, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return problem;
    }

    protected static async Task<ExportView> FinishedExportAsync(HttpClient http, long project)
    {
        using var started = await http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "jsonl" }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.ReadAsync<ExportView>();
        for (var i = 0; i < 400; i++)
        {
            job = await http.GetOkAsync<ExportView>($"api/exports/{job.Id}");
            if (job.Status is ExportStatus.Done or ExportStatus.Incomplete or ExportStatus.Failed)
            {
                return job;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"export {job.Id} did not finish: {job}");
    }

    private static string[] Files(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : [];

    [RootFact]
    public async Task UploadAndExportOnAFullBlobDiskFailCleanlyAndWorkOnceSpaceIsFreed()
    {
        var server = NewServer();
        var disk = await Tmpfs.MountAsync(Path.Combine(server.DataDir, "blobs"), 1 << 20);
        try
        {
            await server.InitializeAsync();
            var org = await server.NewOrgAsync();
            var manager = await org.PersonAsync(Roles.Manager);
            var project = await TestData.ProjectAsync(manager, org.Id);
            await TestData.ImportAsync(manager.Http, project, TestData.Texts(3));
            var media = Path.Combine(server.DataDir, "blobs", "media");
            disk.Fill();

            using (var r = await manager.Http.UploadAsync(project, [("horse.png", Png)]))
            {
                await OutOfSpaceAsync(r, server);
            }
            Assert.Equal(0, await server.QueryScalarAsync<long>("SELECT COUNT(*) FROM media WHERE project_id = @project", new { project }));
            Assert.Empty(Files(media));

            var failed = await FinishedExportAsync(manager.Http, project);
            Assert.Equal(ExportStatus.Failed, failed.Status);
            var error = failed.Error!;
            Assert.Contains("out of storage space", error, StringComparison.Ordinal);
            Assert.DoesNotContain(server.DataDir, error, StringComparison.Ordinal);
            Assert.Empty(Files(Path.Combine(server.DataDir, "blobs", "exports")));

            disk.Free();
            await manager.Http.UploadOkAsync(project, [("horse.png", Png)]);
            Assert.Equal(1, await server.QueryScalarAsync<long>("SELECT COUNT(*) FROM media WHERE project_id = @project", new { project }));
            var (done, text) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
            Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Null(done.Error);
        }
        finally
        {
            // The server stops before the disk goes, so nothing holds a file there; the fixture could not
            // remove a folder that was a mount point, which is a plain empty one once unmounted.
            await server.DisposeAsync();
            await disk.DisposeAsync();
            if (Directory.Exists(server.DataDir))
            {
                Directory.Delete(server.DataDir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task AnExportWhoseFileCannotBeWrittenStoresAnErrorWithoutTheServersPaths()
    {
        await using var server = NewServer();
        await server.InitializeAsync();
        var org = await server.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(2));
        // A file where the exports folder should be: the store's own error names the full path.
        var exports = Path.Combine(server.DataDir, "blobs", "exports");
        if (Directory.Exists(exports))
        {
            Directory.Delete(exports, recursive: true);
        }
        await File.WriteAllTextAsync(exports, "in the way");

        var job = await FinishedExportAsync(manager.Http, project);
        Assert.Equal(ExportStatus.Failed, job.Status);
        var error = job.Error!;
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain(server.DataDir, error, StringComparison.Ordinal);
        Assert.DoesNotContain("/", error, StringComparison.Ordinal);
    }
}

public sealed class PostgresDiskFullTests : DiskFullTests
{
    protected override ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null) => new ConfiguredPostgresFixture(configure);
}

public sealed class SqliteDiskFullTests : DiskFullTests
{
    protected override ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null) => new ConfiguredSqliteFixture(configure);

    /// <summary>SQLite's file, journal and blobs all on one small disk that fills: the database's own
    /// SQLITE_FULL is the 507 too, an import lands whole or not at all, and the annotator's cycle
    /// carries on once space is freed.</summary>
    [RootFact]
    public async Task ImportAndSubmitOnAFullDataDiskRefuseCleanlyAndWorkOnceSpaceIsFreed()
    {
        var server = NewServer();
        var disk = await Tmpfs.MountAsync(server.DataDir, 16 << 20);
        try
        {
            await server.InitializeAsync();
            var org = await server.NewOrgAsync();
            var manager = await org.PersonAsync(Roles.Manager);
            var annotator = await org.PersonAsync(Roles.Annotator);
            var project = await TestData.ProjectAsync(manager, org.Id);
            await TestData.ImportAsync(manager.Http, project, TestData.Texts(3));
            var lease = await annotator.NextAsync(project) ?? throw new InvalidOperationException("no task");
            disk.Fill();

            // Several MB of tasks: more than any page SQLite has already allocated.
            var big = string.Join("\n", Enumerable.Range(0, 20_000).Select(i =>
                JsonSerializer.Serialize(new { key = $"big{i}", data = new { text = $"{i} " + new string('x', 200) } })));
            using (var r = await TestData.ImportRawAsync(manager.Http, project, big))
            {
                await OutOfSpaceAsync(r, server);
            }
            Assert.Equal(3, await server.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));

            // A draft and a submission are small and may still fit in pages the journal holds; if not, they
            // are refused with 507 and nothing recorded, never a 500 or a half-written annotation.
            using (var r = await annotator.Http.PutAsJsonAsync($"api/assignments/{lease.AssignmentId}/draft", new { result = new { label = new[] { "neg" } } }, HttpJson.Options))
            {
                if (!r.IsSuccessStatusCode)
                {
                    await OutOfSpaceAsync(r, server);
                }
            }
            using (var r = await annotator.SubmitAsync(lease.AssignmentId, new { label = new[] { "pos" } }))
            {
                if (r.StatusCode != HttpStatusCode.OK)
                {
                    await OutOfSpaceAsync(r, server);
                    Assert.Equal(0, await server.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE task_id = @task", new { task = lease.Task.Id }));
                }
            }

            disk.Free();
            using (var r = await TestData.ImportRawAsync(manager.Http, project, big))
            {
                Assert.True(r.IsSuccessStatusCode, $"import after freeing space answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
            }
            Assert.Equal(20_003, await server.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
            await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        }
        finally
        {
            // The server stops before the disk goes, so nothing holds a file there; the fixture could not
            // remove a folder that was a mount point, which is a plain empty one once unmounted.
            await server.DisposeAsync();
            await disk.DisposeAsync();
            if (Directory.Exists(server.DataDir))
            {
                Directory.Delete(server.DataDir, recursive: true);
            }
        }
    }
}
