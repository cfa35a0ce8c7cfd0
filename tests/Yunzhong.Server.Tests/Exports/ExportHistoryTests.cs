namespace Yunzhong.Server.Tests.Exports;

/// <summary>The export history on the Export tab, and the names downloads are saved under.</summary>
public abstract class ExportHistoryTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Person Manager, long Project)> ProjectAsync(string name)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { name });
        await TestData.ImportAsync(manager.Http, project, ["一", "二"]);
        await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        return (manager, project);
    }

    [Fact]
    public async Task TheHistoryShowsEachJobsSizeRequesterAndFileName()
    {
        var (manager, project) = await ProjectAsync("Street view: cars");
        var (first, text) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var (second, _) = await manager.Http.ExportAsync(project, new { format = "coco" });

        var history = await manager.Http.GetOkAsync<List<ExportView>>($"api/projects/{project}/exports");
        Assert.Equal([second.Id, first.Id], history.Select(x => x.Id));
        var jsonl = history[1];
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), jsonl.SizeBytes);
        var name = await fx.QueryScalarAsync<string>("SELECT name FROM users WHERE id = @id", new { id = manager.Id });
        Assert.Equal(name, jsonl.RequestedBy);
        var day = jsonl.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd");
        Assert.Equal($"Street-view-cars-{day}-jsonl.jsonl", jsonl.FileName);
        Assert.Equal($"Street-view-cars-{day}-coco.json", history[0].FileName);
    }

    [Fact]
    public async Task ADownloadIsNamedAfterTheProjectAndTheDayWithTheChineseNameInFilenameStar()
    {
        var (manager, project) = await ProjectAsync("街景 标注/第一批");
        var (job, _) = await manager.Http.ExportAsync(project, new { format = "csv" });
        using var r = await manager.Http.GetAsync($"api/exports/{job.Id}/download");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var disposition = r.Content.Headers.ContentDisposition!;
        var day = job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd");
        Assert.Equal("attachment", disposition.DispositionType);
        // RFC 6266: the UTF-8 name in filename*, an ASCII stand-in in filename for old clients.
        Assert.Equal($"街景-标注-第一批-{day}-csv.csv", disposition.FileNameStar);
        var raw = string.Join(";", r.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains("filename*=UTF-8''%E8%A1%97%E6%99%AF-", raw);
        Assert.Matches("filename=\"?[\\x20-\\x7e]+\"?;", raw);
        Assert.Equal(job.FileName, disposition.FileNameStar);
    }
}

public sealed class SqliteExportHistoryTests(SqliteFixture fx) : ExportHistoryTests<SqliteFixture>(fx);

public sealed class PostgresExportHistoryTests(PostgresFixture fx) : ExportHistoryTests<PostgresFixture>(fx);

public sealed class PostgresS3ExportHistoryTests(PostgresS3Fixture fx) : ExportHistoryTests<PostgresS3Fixture>(fx);
