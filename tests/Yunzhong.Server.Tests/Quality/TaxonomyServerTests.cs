namespace Yunzhong.Server.Tests.Quality;

/// <summary>
/// The taxonomy kind through the server: submissions validated against the tree, agreement and the
/// export's consensus dispatched to the kind, CSV cells with the paths.
/// </summary>
public abstract class TaxonomyServerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _schema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[]
        {
            new
            {
                name = "topic", type = "taxonomy", field = "text", leafsOnly = true,
                options = new object[] { new { value = "Animal", children = new object[] { "Cat", "Dog" } }, "Plant" },
            },
        },
    };

    [Fact]
    public async Task SubmissionsAreCheckedAgainstTheTreeAndAgreementAndConsensusComeFromTheKind()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, schema: _schema, overlap: 3);
        using (var import = await TestData.ImportRawAsync(manager.Http, project, """{"key":"t1","data":{"text":"a cat"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        string[][][] answers = [[["Animal", "Cat"]], [["Animal", "Cat"]], [["Plant"]]];
        var first = true;
        foreach (var answer in answers)
        {
            var p = await org.PersonAsync(Roles.Annotator);
            if (first)
            {
                // An inner option of a leaves-only taxonomy is refused, with the pointer of the path.
                var lease = (await p.NextAsync(project))!;
                using var bad = await p.SubmitAsync(lease.AssignmentId, new { topic = new[] { new[] { "Animal" } } });
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                var problem = await bad.ReadJsonAsync();
                Assert.Contains(problem.Errors("/topic/0"), e => e.Contains("leaves only", StringComparison.Ordinal));
                using var ok = await p.SubmitAsync(lease.AssignmentId, new { topic = answer });
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                first = false;
                continue;
            }

            await p.AnnotateAsync(project, new { topic = answer });
        }

        // One unit of three answers, two alike: P = (2·1 + 0) / (3·2) = 1/3.
        var agreement = await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement");
        var topic = agreement.Controls.Single(c => c.Name == "topic");
        Assert.Equal(ControlType.Taxonomy, topic.Type);
        Assert.Equal(3, topic.Pairs);
        Assert.Equal(1.0 / 3, topic.Metrics["percentAgreement"]!.Value, 9);

        var job = await manager.Http.PostOkAsync<ExportView>($"api/projects/{project}/exports", new { format = "jsonl", consensus = true });
        // The export file is the client's data, read raw.
        var line = JsonSerializer.Deserialize<JsonElement>(await manager.DownloadExportAsync(job.Id));
        var consensus = line.GetProperty("consensus").GetProperty("topic");
        Assert.Equal("""[["Animal","Cat"]]""", consensus.GetProperty("value").GetRawText());
        Assert.Equal(2.0 / 3, consensus.GetProperty("confidence").GetDouble(), 9);

        var csvJob = await manager.Http.PostOkAsync<ExportView>($"api/projects/{project}/exports", new { format = "csv" });
        var csv = await manager.DownloadExportAsync(csvJob.Id);
        Assert.Equal(2, csv.Split("\r\n").Count(l => l.EndsWith(",Animal / Cat", StringComparison.Ordinal)));
        Assert.Single(csv.Split("\r\n"), l => l.EndsWith(",Plant", StringComparison.Ordinal));
    }
}

public sealed class SqliteTaxonomyServerTests(SqliteFixture fx) : TaxonomyServerTests<SqliteFixture>(fx);

public sealed class PostgresTaxonomyServerTests(PostgresFixture fx) : TaxonomyServerTests<PostgresFixture>(fx);
