using Yunzhong.Core.Formats;
using System.Text.RegularExpressions;

namespace Yunzhong.Server.Tests.Validation;

/// <summary>
/// Every problem carries a stable code and its params, which the UI translates; field errors carry a
/// code per field and say where in words (field, item, key), not only as a path. Every test reading a
/// problem through <c>ProblemAsync</c>, and the role matrix for each route and caller, also check that
/// the code is one of <see cref="ProblemCodes.All"/>; here, that the right code comes for each case.
/// </summary>
public abstract partial class ProblemCodeTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    private static JsonElement Field(JsonElement problem, string key)
    {
        Assert.True(problem.GetProperty("fields").TryGetProperty(key, out var coded), $"no coded field '{key}' in {problem}");
        return coded[0];
    }

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(object? schema = null)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        return (org, manager, await TestData.ProjectAsync(manager, org.Id, schema));
    }

    [Fact]
    public async Task ASpanPastTheTextAnswersItsCodeWithTheControlItemAndLength()
    {
        var (org, manager, project) = await ProjectAsync(TestData.SpanSchema);
        await TestData.ImportAsync(manager.Http, project, ["四个字符"]);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var lease = (await annotator.NextAsync(project))!;
        using var r = await annotator.SubmitAsync(lease.AssignmentId, new { entities = new[] { new { id = "a", start = 1, end = 9, label = "PER" } } });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(SchemaErrorCodes.Invalid, Code(problem));
        var end = Field(problem, "/entities/0/end");
        Assert.Equal(SchemaErrorCodes.SpanOutOfRange, end.GetProperty("code").GetString());
        var values = end.GetProperty("params");
        Assert.Equal("entities", values.GetProperty("field").GetString());
        Assert.Equal(1, values.GetProperty("item").GetInt32());
        Assert.Equal("end", values.GetProperty("key").GetString());
        Assert.Equal(9, values.GetProperty("end").GetInt32());
        Assert.Equal(4, values.GetProperty("length").GetInt32());
        // The English words stay for API users.
        Assert.Contains("past the end of the text", problem.Errors("/entities/0/end")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOptionAndAnUnknownControlAnswerTheirCodes()
    {
        var (org, manager, project) = await ProjectAsync();
        await TestData.ImportAsync(manager.Http, project, ["好"]);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var lease = (await annotator.NextAsync(project))!;
        using var r = await annotator.SubmitAsync(lease.AssignmentId, new { label = new[] { "maybe" }, mood = 3 });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(SchemaErrorCodes.UnknownOption, Field(problem, "/label/0").GetProperty("code").GetString());
        Assert.Equal("maybe", Field(problem, "/label/0").GetProperty("params").GetProperty("value").GetString());
        Assert.Equal(SchemaErrorCodes.UnknownControl, Field(problem, "/mood").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ASecondSubmissionOfOneLeaseAnswersAlreadySubmitted()
    {
        var (org, manager, project) = await ProjectAsync();
        await TestData.ImportAsync(manager.Http, project, ["好"]);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var lease = (await annotator.NextAsync(project))!;
        using (var first = await annotator.SubmitAsync(lease.AssignmentId, new { label = new[] { "pos" } }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using var again = await annotator.SubmitAsync(lease.AssignmentId, new { label = new[] { "neg" } });
        Assert.Equal(ProblemCodes.QueueAlreadySubmitted, Code(await again.ProblemAsync(HttpStatusCode.Conflict)));
    }

    [Fact]
    public async Task RefusalsOfTenancyRoutesAndSignInAnswerTheirCodes()
    {
        var (_, _, project) = await ProjectAsync();
        var outsider = await (await fx.NewOrgAsync()).PersonAsync(Roles.Manager);
        using (var r = await outsider.Http.GetAsync($"api/projects/{project}"))
        {
            Assert.Equal("project.not_found", Code(await r.ProblemAsync(HttpStatusCode.NotFound)));
        }
        using (var r = await outsider.Http.GetAsync("api/no-such-route"))
        {
            Assert.Equal(ProblemCodes.RouteNotFound, Code(await r.ProblemAsync(HttpStatusCode.NotFound)));
        }
        using (var r = await fx.Client().GetAsync("api/me"))
        {
            Assert.Equal(ProblemCodes.AuthRequired, Code(await r.ProblemAsync(HttpStatusCode.Unauthorized)));
        }
        using (var r = await fx.Client().PostAsJsonAsync("api/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@a.test", password = "wrong-password" }))
        {
            Assert.Equal(ProblemCodes.AuthWrongCredentials, Code(await r.ProblemAsync(HttpStatusCode.Unauthorized)));
        }
    }

    [Fact]
    public async Task ProjectFieldsOutOfRangeAnswerTheRangeInParams()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "", schema = TestData.ChoiceSchema, overlap = 0 });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(ProblemCodes.ProjectInvalid, Code(problem));
        var overlap = Field(problem, "overlap");
        Assert.Equal(ProblemCodes.FieldRange, overlap.GetProperty("code").GetString());
        Assert.Equal(1, overlap.GetProperty("params").GetProperty("min").GetInt32());
        Assert.Equal(100, overlap.GetProperty("params").GetProperty("max").GetInt32());
        Assert.Equal(ProblemCodes.FieldLength, Field(problem, "name").GetProperty("code").GetString());
    }

    [Fact]
    public async Task BadBodiesAndBadImportRowsAnswerTheirCodes()
    {
        var (_, manager, project) = await ProjectAsync();
        using (var r = await manager.Http.PostAsync("api/projects", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json")))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(ProblemCodes.RequestNotJson, Code(problem));
            Assert.Equal(1, problem.GetProperty("params").GetProperty("line").GetInt32());
        }
        using (var r = await TestData.ImportRawAsync(manager.Http, project, "{\"data\":{\"text\":\"ok\"}}\n{\"data\": 5}\n"))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(ProblemCodes.ImportRowsInvalid, Code(problem));
            var row = problem.GetProperty("fields").EnumerateObject().First().Value[0];
            Assert.Equal(ImportErrorCodes.DataNotObject, row.GetProperty("code").GetString());
            Assert.Equal(2, row.GetProperty("params").GetProperty("row").GetInt32());
            Assert.Equal("data", row.GetProperty("params").GetProperty("field").GetString());
        }
        // A row's data and gold answer that do not fit the schema: the schema check's own code, and
        // where in words (row, part, control, item) rather than the path the key holds.
        using (var r = await TestData.ImportRawAsync(manager.Http, project,
            "{\"data\":{\"other\":\"x\"}}\n{\"data\":{\"text\":\"ok\"},\"gold\":{\"label\":[\"pos\",\"zz\"]}}\n"))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
            var missing = Field(problem, "row 1: data.text");
            Assert.Equal(SchemaErrorCodes.DataFieldMissing, missing.GetProperty("code").GetString());
            Assert.Equal(1, missing.GetProperty("params").GetProperty("row").GetInt32());
            Assert.Equal("text", missing.GetProperty("params").GetProperty("field").GetString());
            Assert.Equal("text", missing.GetProperty("params").GetProperty("name").GetString());
            var gold = Field(problem, "row 2: gold.label.1");
            Assert.Equal(SchemaErrorCodes.UnknownOption, gold.GetProperty("code").GetString());
            var where = gold.GetProperty("params");
            Assert.Equal((2, "gold", "label", 2, "zz"), (where.GetProperty("row").GetInt32(), where.GetProperty("part").GetString(),
                where.GetProperty("field").GetString(), where.GetProperty("item").GetInt32(), where.GetProperty("value").GetString()));
        }
        foreach (var (query, code) in new[] { ("format=xml", ProblemCodes.FieldOneOf), ("format=jsonl&map=%7B%22a%22%3A%22text%22%2C%22b%22%3A%22text%22%7D", ProblemCodes.ImportMapInvalid) })
        {
            using var r = await manager.Http.PostAsync($"api/projects/{project}/imports?{query}", new StringContent("{}\n"));
            Assert.Equal(code, Field(await r.ProblemAsync(HttpStatusCode.BadRequest), query.Contains("map", StringComparison.Ordinal) ? "map" : "format")
                .GetProperty("code").GetString());
        }
        using (var r = await TestData.ImportRawAsync(manager.Http, project, ""))
        {
            Assert.Equal(ProblemCodes.ImportEmpty, Code(await r.ProblemAsync(HttpStatusCode.UnprocessableEntity)));
        }
    }

    [Fact]
    public async Task TheDocumentAndTheWebClientsCopyListEveryCode()
    {
        var doc = await fx.Client().GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var served = doc.GetProperty("components").GetProperty("schemas").GetProperty("ProblemCode").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(ProblemCodes.All, served);
        // The web client translates the codes of its committed copy (npm run gen:api refreshes it).
        using var web = JsonDocument.Parse(File.ReadAllText(Path.Combine(ServerFixture.RepoFolder("web"), "openapi.json")));
        var committed = web.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ProblemCode").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(ProblemCodes.All, committed);
    }

    [Fact]
    public void EverySubjectA404NamesInTheSourceHasItsCode()
    {
        var src = ServerFixture.RepoFolder(Path.Combine("src", "Yunzhong.Server"));
        var named = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => NotFoundLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.NotEmpty(named);
        Assert.All(named, what => Assert.Contains(what, ProblemCodes.NotFoundSubjects));
    }

    [GeneratedRegex("(?:NotFound\\(|notFound: )\"([^\"]+)\"")]
    private static partial Regex NotFoundLiteral();
}

public sealed class SqliteProblemCodeTests(SqliteFixture fx) : ProblemCodeTests<SqliteFixture>(fx);

public sealed class PostgresProblemCodeTests(PostgresFixture fx) : ProblemCodeTests<PostgresFixture>(fx);
