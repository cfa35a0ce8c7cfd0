using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Yunzhong.Server.Tests.Projects;

/// <summary>Label schemas past the bounds of <see cref="SmallLimits"/> are answered with the limit, not judged.</summary>
public abstract class SchemaLimitsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    internal static string Nested(int depth) =>
        new StringBuilder().Insert(0, "<View>", depth).Insert(depth * 6, "</View>", depth).ToString();

    /// <summary>A valid config of <paramref name="labels"/> choices: View, Text, Choices and the labels.</summary>
    private static string Choices(int labels) =>
        $"""<View><Text name="text" value="$text"/><Choices name="label" toName="text">{string.Concat(Enumerable.Range(0, labels).Select(i => $"""<Choice value="c{i}"/>"""))}</Choices></View>""";

    private async Task<(Org Org, Person Manager)> ManagerAsync()
    {
        var org = await fx.NewOrgAsync();
        return (org, await org.PersonAsync(Roles.Manager));
    }

    private static async Task<JsonElement> LimitProblemAsync(HttpResponseMessage r, HttpStatusCode status, string setting, long value, string field)
    {
        var problem = await r.ProblemAsync(status);
        Assert.Equal($"Limits:{setting}", problem.GetProperty("limit").GetString());
        Assert.Equal(value, problem.GetProperty("value").GetInt64());
        Assert.Equal($"The request goes past the limit Limits:{setting} ({value}).", problem.GetProperty("title").GetString());
        Assert.Equal([field], problem.ErrorKeys());
        return problem;
    }

    [Fact]
    public async Task CheckAnswersAConfigNestedPastTheLimitWith422NamingIt()
    {
        var (_, manager) = await ManagerAsync();

        using var r = await manager.Http.PostAsJsonAsync("api/schemas/check", new { labelStudioXml = Nested(SmallLimits.SchemaMaxDepth + 1) });

        var problem = await LimitProblemAsync(r, HttpStatusCode.UnprocessableEntity, "SchemaMaxDepth", SmallLimits.SchemaMaxDepth, "labelStudioXml");
        Assert.Equal("The Label Studio XML config is nested deeper than 8 levels.", problem.Errors("labelStudioXml")[0]);
        // At the limit the config is judged as any other.
        await manager.Http.PostOkAsync("api/schemas/check", new { labelStudioXml = Nested(SmallLimits.SchemaMaxDepth) });
    }

    [Fact]
    public async Task ProjectWithMoreConfigElementsThanTheLimitIsNotCreated()
    {
        var (org, manager) = await ManagerAsync();

        using (var r = await manager.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "big", labelStudioXml = Choices(298) }))
        {
            await LimitProblemAsync(r, HttpStatusCode.UnprocessableEntity, "SchemaMaxElements", SmallLimits.SchemaMaxElements, "labelStudioXml");
        }
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE organization_id = @id", new { id = org.Id }));

        // 297 labels and the three other elements are exactly the limit.
        var created = await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "fits", labelStudioXml = Choices(297) });
        Assert.Equal(297, created.Schema.GetProperty("controls")[0].GetProperty("options").GetArrayLength());
    }

    [Fact]
    public async Task ConfigLongerThanTheLimitIsAnswered413()
    {
        var (_, manager) = await ManagerAsync();
        var xml = "<View>" + new string(' ', SmallLimits.SchemaMaxCharacters) + "</View>";

        using var r = await manager.Http.PostAsJsonAsync("api/schemas/check", new { labelStudioXml = xml });

        await LimitProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "SchemaMaxCharacters", SmallLimits.SchemaMaxCharacters, "labelStudioXml");
    }

    [Fact]
    public async Task NativeSchemaWithMoreValuesThanTheLimitLeavesTheProjectAsItWas()
    {
        var (org, manager) = await ManagerAsync();
        var project = await TestData.ProjectAsync(manager, org.Id);
        var schema = new
        {
            fields = new[] { new { name = "text", type = "text" } },
            controls = new[] { new { name = "label", type = "choices", field = "text", options = Enumerable.Range(0, SmallLimits.SchemaMaxElements).Select(i => $"o{i}").ToArray() } },
        };

        using var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { schema }, HttpJson.Options);

        await LimitProblemAsync(r, HttpStatusCode.UnprocessableEntity, "SchemaMaxElements", SmallLimits.SchemaMaxElements, "schema");
        var stored = await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}");
        Assert.Equal(3, stored.Schema.GetProperty("controls")[0].GetProperty("options").GetArrayLength());
    }
}

public sealed class SqliteSchemaLimitsTests(SmallLimitsSqliteFixture fx) : SchemaLimitsTests<SmallLimitsSqliteFixture>(fx);

public sealed class PostgresSchemaLimitsTests(SmallLimitsPostgresFixture fx) : SchemaLimitsTests<SmallLimitsPostgresFixture>(fx);

/// <summary>
/// `yz serve` in its own process with its default limits: a config nested 200,000 deep, which once
/// overflowed the stack and killed the process, is answered with the limit and the server lives on.
/// </summary>
public sealed class ServeSchemaLimitsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-limits-{Guid.NewGuid():N}");

    [Fact]
    public async Task ConfigNested200000DeepIsAnsweredWithTheLimitAndTheServerLivesOn()
    {
        Directory.CreateDirectory(_data);
        await RunCliAsync("user", "add", "--email", "user@limits", "--password", "limits-test-pw", "--org", "limits", "--kind", "client", "--roles", "annotator");
        var token = (await RunCliAsync("token", "create", "--email", "user@limits")).Trim();
        await using var server = await ServeProcess.StartAsync("--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url + "/"), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using (var r = await http.PostAsJsonAsync("api/schemas/check", new { labelStudioXml = SchemaLimitsTests<SqliteFixture>.Nested(200_000) }))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("Limits:SchemaMaxDepth", problem.GetProperty("limit").GetString());
            Assert.Equal(64, problem.GetProperty("value").GetInt64());
        }

        using var health = await http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var fine = await http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new { schema = TestData.ChoiceSchema });
        Assert.Empty(fine.Errors);
    }

    private Task<string> RunCliAsync(params string[] args) => ServeProcess.RunCliAsync(_data, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>LimitsOptions are checked when the server starts, not when a request first needs them.</summary>
public sealed class LimitsOptionsTests
{
    [Fact]
    public async Task AServerConfiguredWithAnUnsafeLimitDoesNotStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"yz-limits-{Guid.NewGuid():N}");
        try
        {
            await using var app = ServerApp.Build(new ServerOptions { DataDir = dir, Urls = "http://127.0.0.1:0" },
                b => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(b.Configuration,
                    new Dictionary<string, string?> { ["Limits:SchemaMaxDepth"] = "100000", ["Limits:ZipMaxEntries"] = "0" }));

            var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

            Assert.Equal(["Limits:SchemaMaxDepth must be between 2 and 1000.", "Limits:ZipMaxEntries must be 1 or more."], e.Failures);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
