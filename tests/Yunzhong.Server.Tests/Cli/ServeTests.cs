using Dapper;
using Npgsql;

namespace Yunzhong.Server.Tests.Cli;

/// <summary>
/// `yz serve` as the README starts it: its own process, a data folder, a URL, the demo park, and
/// PostgreSQL instead of SQLite when given `--db`. Scripts rely on these flag names.
/// </summary>
public sealed class ServeTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-serve-{Guid.NewGuid():N}");
    private string? _database;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ServeWithDemoPrintsItsUrlAndLogInsAndSeedsTheDemoParkOnce(string engine)
    {
        string? db = null;
        if (engine == "postgres")
        {
            _database = $"yz_serve_{Guid.NewGuid():N}";
            await using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            await admin.ExecuteAsync($"CREATE DATABASE {_database}");
            db = new NpgsqlConnectionStringBuilder(PostgresFixture.AdminConnection) { Database = _database }.ToString();
        }

        var (firstOutput, firstProjects) = await ServeOnceAsync(db);
        var banner = string.Join("\n", firstOutput);
        Assert.Contains("Yunzhong is running at http://127.0.0.1:", banner, StringComparison.Ordinal);
        Assert.Contains("admin@demo.yunzhong", banner, StringComparison.Ordinal);
        Assert.Contains("annotator1@demo.yunzhong", banner, StringComparison.Ordinal);
        Assert.Contains("password 'yunzhong-demo'", banner, StringComparison.Ordinal);
        Assert.Contains(engine == "postgres" ? "database: PostgreSQL" : Path.Combine(_data, "yunzhong.db"), banner, StringComparison.Ordinal);
        // The store is where the flags say: the SQLite file in the data folder, or none there.
        Assert.Equal(engine == "sqlite", File.Exists(Path.Combine(_data, "yunzhong.db")));
        // One demo project per folder of demo/ data, with its tasks.
        var demoFolders = Directory.GetDirectories(Server.ServerOptions.FindRepoFolder("demo")!).Length;
        Assert.Equal(demoFolders, firstProjects.Count);
        Assert.All(firstProjects, p => Assert.True(p.Tasks > 0, $"demo project {p.Name} has no tasks"));

        // `--demo` seeds only what is absent: a restart on the same store adds nothing.
        var (_, again) = await ServeOnceAsync(db);
        Assert.Equal(firstProjects, again);
    }

    [Fact]
    public async Task ServeTrustProxyBelievesForwardedTlsFromTheNamedProxiesOnly()
    {
        // The test connects from loopback, standing in for the TLS-terminating proxy named in the flag.
        await using var server = await ServeProcess.StartAsync(["--demo", "--data", _data, "--trust-proxy", "127.0.0.1,::1"]);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(server.Url + "/") };
        using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login")
        {
            Content = JsonContent.Create(new { email = "admin@demo.yunzhong", password = "yunzhong-demo" }),
        };
        login.Headers.Add("X-Forwarded-Proto", "https");
        using var r = await http.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cookie = Assert.Single(r.Headers.GetValues("Set-Cookie"), c => c.StartsWith("yz_session=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(r.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ServeModelServersAllowsTheOperatorsHostsFromTheFlagAndTheEnvironmentAndRefusesOthers()
    {
        await using var model = await Learning.FakeModelServer.StartAsync();
        // The flag names the loopback model server; the environment adds 10.0.0.7. Both lists count.
        await using var server = await ServeProcess.StartAsync(
            new Dictionary<string, string> { ["ModelServers__AllowedHosts__0"] = "10.0.0.7" },
            ["--demo", "--data", _data, "--model-servers", "127.0.0.1"]);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(server.Url + "/") };
        using (var login = await http.PostAsJsonAsync("api/auth/login", new { email = "admin@demo.yunzhong", password = "yunzhong-demo" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var project = (await http.GetOkAsync<List<ProjectView>>("api/projects"))[0].Id;

        // On the list (the flag): saved, and the server's /health answers through the check.
        using (var r = await http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = model.Url }))
        {
            var view = await r.OkAsync<Features.Learning.LearningView>("learning");
            Assert.Equal((model.Url, true), (view.BackendUrl, view.BackendsAllowed));
        }
        var health = await http.PostOkAsync<Features.Learning.BackendHealth>($"api/projects/{project}/learning/backend/health", new { });
        Assert.Contains("UP", health.Answer, StringComparison.Ordinal);
        // On the list (the environment): a private address named exactly is accepted as a setting.
        using (var r = await http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = "http://10.0.0.7:9090" }))
        {
            Assert.Equal("http://10.0.0.7:9090", (await r.OkAsync<Features.Learning.LearningView>("learning")).BackendUrl);
        }
        // Off the list: refused with ProblemDetails naming the field, and the saved URL stays.
        foreach (var off in new[] { "http://10.0.0.8:9090", "http://127.0.0.2:" + model.Port, "https://ml.example.com" })
        {
            using var r = await http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = off });
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("model_server.not_allowed", problem.GetProperty("fields").GetProperty("backendUrl")[0].GetProperty("code").GetString());
        }
        Assert.Equal("http://10.0.0.7:9090", (await http.GetOkAsync<Features.Learning.LearningView>($"api/projects/{project}/learning")).BackendUrl);
    }

    private sealed record ProjectSummary(string Name, long Tasks);

    /// <summary>Starts `yz serve --demo`, logs in as the demo admin with the printed password and
    /// lists the projects; then stops the server.</summary>
    private async Task<(IReadOnlyList<string> Output, List<ProjectSummary> Projects)> ServeOnceAsync(string? db)
    {
        await using var server = await ServeProcess.StartAsync(["--demo", "--data", _data, .. db is null ? Array.Empty<string>() : ["--db", db]]);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(server.Url + "/") };
        using (var login = await http.PostAsJsonAsync("api/auth/login", new { email = "admin@demo.yunzhong", password = "yunzhong-demo" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var projects = new List<ProjectSummary>();
        foreach (var p in await http.GetOkAsync<List<ProjectView>>("api/projects"))
        {
            var stats = await http.GetOkAsync<ProjectStats>($"api/projects/{p.Id}/stats");
            projects.Add(new ProjectSummary(p.Name, stats.States.Total));
        }
        return (server.Output, [.. projects.OrderBy(p => p.Name, StringComparer.Ordinal)]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            admin.Execute($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }
}
