using System.Text;

namespace Yunzhong.Server.Tests.Exports;

/// <summary>
/// The time series kind through the server: a project from Label Studio's TimeSeries config, its
/// exported JSON (a range in numbers and an instant in ISO time) imported, annotated and exported
/// again unchanged; submissions checked with pointers; CSV cells; agreement from the kind.
/// </summary>
public abstract class TimeSeriesServerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Config = """
        <View>
          <TimeSeriesLabels name="label" toName="ts">
            <Label value="Run"/><Label value="Spike"/>
          </TimeSeriesLabels>
          <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">
            <Channel column="velocity" legend="Velocity"/>
            <Channel column="acceleration"/>
          </TimeSeries>
        </View>
        """;

    private const string Task = """
        [ { "id": 3, "data": { "ts": { "time": [0, 1, 2, 3, 4], "velocity": [1, 2, 3, 2, 1], "acceleration": [0, 1, 1, -1, -1] } },
            "annotations": [ { "result": [
              { "id": "r1", "from_name": "label", "to_name": "ts", "type": "timeserieslabels",
                "value": { "start": 0.5, "end": 2.25, "instant": false, "timeserieslabels": ["Run"] } },
              { "id": "r2", "from_name": "label", "to_name": "ts", "type": "timeserieslabels",
                "value": { "start": 3, "end": 3, "instant": true, "timeserieslabels": ["Spike"] } } ] } ] } ]
        """;

    [Fact]
    public async Task LabelStudioTimeSeriesLabelsRoundTripThroughImportAnnotateAndExport()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var created = await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "sensors", labelStudioXml = Config });
        var project = created.Id;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, Task, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, native) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var regions = JsonDocument.Parse(native).RootElement.GetProperty("annotations")[0].GetProperty("result").GetProperty("label");
        Assert.Equal("""{"id":"r1","label":"Run","start":0.5,"end":2.25}""", regions[0].GetRawText());
        Assert.Equal("""{"id":"r2","label":"Spike","start":3,"end":3,"instant":true}""", regions[1].GetRawText());

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        var items = JsonDocument.Parse(text).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        var expected = JsonDocument.Parse(Task).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(expected.Count, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("id").GetString(), items[i].GetProperty("id").GetString());
            Assert.Equal("ts", items[i].GetProperty("to_name").GetString());
            Assert.Equal("timeserieslabels", items[i].GetProperty("type").GetString());
            Assert.Equal(TestData.Canonical(expected[i].GetProperty("value")), TestData.Canonical(items[i].GetProperty("value")));
        }

        var (_, csv) = await manager.Http.ExportAsync(project, new { format = "csv" });
        Assert.Contains("0.5/2.25:Run|3/3:Spike", csv, StringComparison.Ordinal);
    }

    /// <summary>A time series field may name a CSV of the project's media (docs/label-schema.md): the upload
    /// takes the CSV (judged a table by its content, whatever its name), a task naming it imports, the
    /// workbench reads it back as text/csv, and a note with a comma is still no media.</summary>
    [Fact]
    public async Task ATimeSeriesCsvIsUploadedAsMediaAndATaskNamesIt()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new object[] { new { name = "ts", type = "timeseries", timeColumn = "time" } },
            controls = new object[] { new { name = "events", type = "timeseries", field = "ts", labels = new[] { "Run" } } },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema);
        var csv = Encoding.UTF8.GetBytes("time,速度,acceleration\n0,1.5,0.1\n1,1.7,0.2\n2,1.6,-0.1\n");
        var views = await manager.Http.UploadOkAsync(project, ("sensors/run-1.csv", csv));
        var view = Assert.Single(views);
        Assert.Equal(("text/csv", (long)csv.Length), (view.ContentType, view.SizeBytes));

        using (var import = await TestData.ImportRawAsync(manager.Http, project, """{"key":"run-1","data":{"ts":"media:sensors/run-1.csv"}}"""))
        {
            Assert.Equal(1, (await import.OkAsync<ImportResponse>("import")).Imported);
        }
        using (var served = await manager.Http.GetAsync($"api/projects/{project}/media/sensors/run-1.csv"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("text/csv", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal(csv, await served.Content.ReadAsByteArrayAsync());
        }

        // Prose is not a table: refused by content, as before.
        using var prose = await manager.Http.UploadAsync(project, ("notes.csv", Encoding.UTF8.GetBytes("Dear team,\nthe data, as promised, is attached.\n")));
        var problem = await prose.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("judged by its content", problem.Errors("notes.csv")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmissionsAreCheckedAndAgreementComesFromTheKind()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new object[] { new { name = "ts", type = "timeseries", timeColumn = "t" } },
            controls = new object[] { new { name = "events", type = "timeseries", field = "ts", labels = new[] { "Run", "Walk" } } },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema, overlap: 2);
        using (var refused = await TestData.ImportRawAsync(manager.Http, project, """{"key":"bad","data":{"ts":{"t":[0,1],"v":[1]}}}"""))
        {
            var problem = await refused.ReadJsonAsync();
            Assert.Contains("data.timeseries_invalid", problem.ToString(), StringComparison.Ordinal);
        }

        using (var import = await TestData.ImportRawAsync(manager.Http, project,
            """{"key":"s1","data":{"ts":{"t":["2024-05-01T10:00:00Z","2024-05-01T10:00:01Z","2024-05-01T10:00:02Z"],"channels":{"v":[1,2,3]}}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var a = await org.PersonAsync(Roles.Annotator);
        var lease = (await a.NextAsync(project))!;
        using (var bad = await a.SubmitAsync(lease.AssignmentId, new { events = new[] { new { id = "r1", start = "2024-05-01T10:00:02Z", end = "2024-05-01T10:00:01Z", label = "Run" } } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.ReadJsonAsync();
            Assert.Contains(problem.Errors("/events/0/end"), e => e.Contains("must not end before it starts", StringComparison.Ordinal));
        }

        using (var ok = await a.SubmitAsync(lease.AssignmentId, new { events = new[] { new { id = "r1", start = "2024-05-01T10:00:00Z", end = "2024-05-01T10:00:02Z", label = "Run" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var b = await org.PersonAsync(Roles.Annotator);
        await b.AnnotateAsync(project, new { events = new object[]
        {
            new { id = "x", start = "2024-05-01T10:00:01Z", end = "2024-05-01T10:00:02Z", label = "Run" },
            new { id = "y", start = "2024-05-01T10:00:00Z", end = "2024-05-01T10:00:01Z", label = "Walk" },
        } });

        var agreement = await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement");
        var events = agreement.Controls.Single(c => c.Name == "events");
        Assert.Equal(ControlType.TimeSeries, events.Type);
        Assert.Equal(1, events.Pairs);
        Assert.Equal(2.0 / 3, events.Metrics["f1Overlap"]!.Value, 9);
    }
}

public sealed class SqliteTimeSeriesServerTests(SqliteFixture fx) : TimeSeriesServerTests<SqliteFixture>(fx);

public sealed class PostgresTimeSeriesServerTests(PostgresFixture fx) : TimeSeriesServerTests<PostgresFixture>(fx);
