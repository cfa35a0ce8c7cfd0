using System.Text;

namespace Yunzhong.Server.Tests.Validation;

/// <summary>
/// Errors the endpoints never see themselves (a body that does not parse, a path or method nothing
/// maps, a body over the size limit) still answer RFC 7807 ProblemDetails, never an empty body or the
/// browser UI's app shell.
/// </summary>
public abstract class ProblemDetailsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Org Org, Person Manager)> ManagerAsync()
    {
        var org = await fx.NewOrgAsync();
        return (org, await org.PersonAsync(Roles.Manager));
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<long> ProjectCountAsync(long org) =>
        fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE organization_id = @org", new { org });

    [Fact]
    public async Task TruncatedJsonBodyAnswers400SayingTheBodyIsNotJsonAndWhereItBroke()
    {
        var (org, manager) = await ManagerAsync();
        // Two lines, cut off inside the object: the problem names line 2, where the reader ran out.
        using var r = await PostRawAsync(manager.Http, "api/projects", $"{{\"organizationId\": {org.Id},\n \"name\": \"新闻\"");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("The request body is not valid JSON.", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("line 2", detail, StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("errors", out _), $"a syntax error names no field: {problem}");
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task JsonSyntaxErrorInsideAValueIsReportedAtItsPosition()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await PostRawAsync(manager.Http, "api/projects", $"{{\"organizationId\": {org.Id}, \"overlap\": 3x}}");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The request body is not valid JSON.", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        var column = $"{{\"organizationId\": {org.Id}, \"overlap\": 3".Length + 1;
        Assert.Contains($"line 1, byte {column}", detail, StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("errors", out _), $"a syntax error names no field: {problem}");
    }

    /// <summary>Raw JSON on purpose: values the enums' wire names do not include, as a hand-written client might
    /// send them. Comma-joined names once read as a number no member has and answered 500, and
    /// <c>"priority, random"</c> (0 | 1) bound to <c>random</c> without a word.</summary>
    [Theory]
    [InlineData("\"fifo\"")]
    [InlineData("2")]
    [InlineData("\"random, least_annotated\"")]
    [InlineData("\"priority, random\"")]
    [InlineData("\"Random\"")]
    [InlineData("\"1\"")]
    [InlineData("null")]
    public async Task RawEnumValueOutsideTheWireNamesAnswers400NamingTheField(string order)
    {
        var (org, manager) = await ManagerAsync();
        using var r = await PostRawAsync(manager.Http, "api/projects",
            $$"""{"organizationId": {{org.Id}}, "name": "n", "schema": {"fields": [{"name": "text", "type": "text"}], "controls": [{"name": "l", "type": "choices", "field": "text", "options": ["a"]}]}, "order": {{order}}}""");
        if (order == "null")
        {
            // Null is "not given": the default order.
            Assert.Equal(TaskOrder.Priority, (await r.OkAsync<ProjectView>("create")).Order);
            return;
        }
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["order"], problem.ErrorKeys());
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task WrongTypeForAFieldAnswers400NamingTheField()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await PostRawAsync(manager.Http, "api/projects",
            $$"""{"organizationId": {{org.Id}}, "name": "n", "overlap": "three"}""");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("The request body does not fit this endpoint.", problem.GetProperty("title").GetString());
        Assert.Equal(["overlap"], problem.ErrorKeys());
        // Numbers are JSON numbers only (Wire.Options): "3" is refused like "three".
        Assert.True(Assert.Single(problem.Errors("overlap")).Contains("number", StringComparison.Ordinal), $"{problem}");
        Assert.True(problem.GetProperty("detail").GetString()!.StartsWith("overlap: ", StringComparison.Ordinal), $"{problem}");
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task WrongTypeInANestedObjectIsNamedByItsDottedPath()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await PostRawAsync(manager.Http, "api/projects",
            $$$"""{"organizationId": {{{org.Id}}}, "name": "n", "review": {"policy": "sample", "percent": [15]}}""");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        // The key the project's own validation uses for the same field (ProjectsTests: "review.percent").
        Assert.Equal(["review.percent"], problem.ErrorKeys());
    }

    [Fact]
    public async Task BodyOfTheWrongJsonKindAnswers400WithoutAField()
    {
        var (_, manager) = await ManagerAsync();
        using var r = await PostRawAsync(manager.Http, "api/projects", "[1, 2]");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The request body does not fit this endpoint.", problem.GetProperty("title").GetString());
        Assert.False(problem.TryGetProperty("errors", out _), $"the whole body is at fault, not a field: {problem}");
    }

    [Theory]
    [InlineData("GET", "api/no-such-thing")]
    [InlineData("POST", "api/no-such-thing")]
    [InlineData("DELETE", "api/projects/1/no-such-thing")]
    [InlineData("GET", "api")]
    [InlineData("GET", "api/projects/not-a-number")]
    public async Task UnknownApiPathAnswers404Problem(string method, string path)
    {
        var (_, manager) = await ManagerAsync();
        foreach (var http in new[] { fx.Client(), manager.Http })
        {
            using var r = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var problem = await r.ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(404, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), $"no title: {problem}");
        }
    }

    [Fact]
    public async Task ClientRoutesOutsideApiStillLoadTheAppShell()
    {
        using var http = fx.Client();
        foreach (var path in new[] { "", "projects/12/annotate", "apiary" })
        {
            using var r = await http.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"GET /{path} answered {(int)r.StatusCode}");
            Assert.Equal("text/html", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal(ServerFixture.AppShell, await r.Content.ReadAsStringAsync());
        }
        // A missing file is not a client route.
        using var missing = await http.GetAsync("assets/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("GET", "api/projects/1/queue/next", "POST")]
    [InlineData("PUT", "api/projects", "GET, POST")]
    [InlineData("POST", "api/projects/1", "DELETE, GET, PATCH")]
    [InlineData("DELETE", "api/assignments/1/submit", "POST")]
    public async Task KnownRouteWithTheWrongMethodAnswers405ProblemWithAllow(string method, string path, string allow)
    {
        var (_, manager) = await ManagerAsync();
        foreach (var http in new[] { fx.Client(), manager.Http })
        {
            using var r = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var problem = await r.ProblemAsync(HttpStatusCode.MethodNotAllowed);
            Assert.Equal(405, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), $"no title: {problem}");
            Assert.Equal(allow, string.Join(", ", r.Content.Headers.Allow.Order(StringComparer.Ordinal)));
        }
    }

    [Fact]
    public async Task BodyOverTheServersLimitAnswers413Problem()
    {
        var (org, manager) = await ManagerAsync();
        // Kestrel's default limit (30,000,000 bytes) holds for every endpoint but imports and media uploads.
        var json = $"{{\"organizationId\": {org.Id}, \"name\": \"n\", \"instructions\": \"{new string('x', 30_000_001)}\"}}";
        // Expect: 100-continue, so the client waits for the answer instead of writing into a connection
        // the server has refused the body on.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/projects")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        // The client sends the body anyway once its wait for 100 Continue runs out (1 s by default),
        // and a loaded machine answers later than that: the server then closes a connection the
        // client is still writing to. A client that waits as long as the answer takes.
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, Expect100ContinueTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = manager.Http.BaseAddress,
        };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", manager.Token);
        using var r = await http.SendAsync(request);
        var problem = await r.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), $"no title: {problem}");
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }
}

public sealed class SqliteProblemDetailsTests(SqliteFixture fx) : ProblemDetailsTests<SqliteFixture>(fx);

public sealed class PostgresProblemDetailsTests(PostgresFixture fx) : ProblemDetailsTests<PostgresFixture>(fx);
