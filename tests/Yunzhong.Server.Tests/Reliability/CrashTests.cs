using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server.Tests.Reliability;

/// <summary>
/// The server process is stopped while annotators are submitting: killed (SIGKILL), after which a
/// restart on the same data folder finds every acknowledged annotation and the queue's invariants
/// intact, or asked to stop (SIGTERM), which it does at once, finishing the requests in flight. Each
/// on SQLite and on PostgreSQL (`--db`).
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-crash-{Guid.NewGuid():N}");
    private string? _database;

    /// <summary>Where the server keeps its data: the SQLite file in the data folder, or a PostgreSQL database of this test's own.</summary>
    private string ConnectionString => _database is null
        ? $"Data Source={Path.Combine(_data, "yunzhong.db")}"
        : new NpgsqlConnectionStringBuilder(PostgresFixture.AdminConnection) { Database = _database }.ToString();

    /// <summary>`--data` and, on PostgreSQL, `--db`: what every yz command of the test is given.</summary>
    private string[] Store => _database is null ? ["--data", _data] : ["--data", _data, "--db", ConnectionString];

    private async Task UseAsync(string engine)
    {
        if (engine == "postgres")
        {
            _database = $"yz_crash_{Guid.NewGuid():N}";
            await using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            await admin.ExecuteAsync($"CREATE DATABASE {_database}");
        }
    }

    /// <summary>The server's store opened from the test, to check what it holds.</summary>
    private async Task<System.Data.Common.DbConnection> OpenStoreAsync()
    {
        System.Data.Common.DbConnection c = _database is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        return c;
    }

    /// <summary>An admin through the CLI, as an operator would, and annotators directly, for speed; then
    /// `yz serve` on the folder with one project of <paramref name="tasks"/> tasks.</summary>
    private async Task<(ServeProcess Server, HttpClient Admin, List<string> Annotators, long Project)> StartParkAsync(
        string engine, int annotators, int tasks, int overlap)
    {
        Directory.CreateDirectory(_data);
        await UseAsync(engine);
        await RunCliAsync("user", "add", "--email", "admin@crash", "--password", "crash-test-pw", "--org", "crash", "--kind", "client", "--roles", "admin,manager");
        var admin = (await RunCliAsync("token", "create", "--email", "admin@crash")).Trim();
        var tokens = new List<string>();
        using (var store = new Db(new DatabaseOptions { ConnectionString = ConnectionString }))
        {
            var accounts = new Accounts(store, TimeProvider.System);
            for (var i = 0; i < annotators; i++)
            {
                var id = await accounts.CreateUserAsync($"a{i}@crash", $"a{i}", null, CancellationToken.None);
                await accounts.SetMembershipAsync(1, id, Roles.Annotator, CancellationToken.None);
                tokens.Add((await accounts.CreateTokenAsync(id, "crash", CancellationToken.None)).Token);
            }
        }
        SqliteConnection.ClearAllPools();

        var server = await ServeProcess.StartAsync(Store);
        var http = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var project = (await http.PostOkAsync<ProjectView>("api/projects", new { organizationId = 1, name = "crash", schema = TestData.ChoiceSchema, overlap })).Id;
        await TestData.ImportAsync(http, project, TestData.Texts(tasks));
        return (server, http, tokens, project);
    }

    /// <summary>Annotators taking and submitting tasks until stopped or the server goes away; every
    /// acknowledged annotation id is added to <paramref name="acknowledged"/>, every other answer's
    /// status to <paramref name="refused"/>.</summary>
    private static List<Task> Annotate(string url, long project, List<string> tokens, ConcurrentBag<long> acknowledged,
        ConcurrentBag<HttpStatusCode> refused, CancellationToken stop) =>
        tokens.Select(token => Task.Run(async () =>
        {
            using var c = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(10) };
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var next = await c.PostAsync($"api/projects/{project}/queue/next", null, stop);
                    if (next.StatusCode != HttpStatusCode.OK)
                    {
                        if (next.StatusCode != HttpStatusCode.NoContent)
                        {
                            refused.Add(next.StatusCode);
                        }
                        return;
                    }
                    var lease = await next.ReadAsync<NextResponse>();
                    using var submit = await c.PostAsJsonAsync($"api/assignments/{lease.AssignmentId}/submit",
                        new { result = new { label = new[] { "pos" } } }, stop);
                    if (submit.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add((await submit.ReadAsync<SubmitResponse>()).AnnotationId);
                    }
                    else
                    {
                        refused.Add(submit.StatusCode);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server went away under us: what was acknowledged before is what counts.
            }
        })).ToList();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AcknowledgedAnnotationsSurviveAKilledServer(string engine)
    {
        const int annotators = 40, tasks = 400, overlap = 2;
        var (server, http, tokens, project) = await StartParkAsync(engine, annotators, tasks, overlap);
        using var _ = http;
        var acknowledged = new ConcurrentBag<long>();
        using var stop = new CancellationTokenSource();
        var workers = Annotate(server.Url, project, tokens, acknowledged, [], stop.Token);

        while (acknowledged.Count < tasks / 2)
        {
            await Task.Delay(20);
        }
        await server.DisposeAsync(); // SIGKILL
        stop.Cancel();
        await Task.WhenAll(workers);
        Assert.True(acknowledged.Count >= tasks / 2);

        await using (await ServeProcess.StartAsync(Store)) // recovery runs on start
        {
            await using var db = await OpenStoreAsync();
            var stored = (await db.QueryAsync<long>("SELECT id FROM annotations")).ToHashSet();
            Assert.DoesNotContain(acknowledged, id => !stored.Contains(id));
            Assert.Equal(0, await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM (SELECT task_id, user_id FROM annotations GROUP BY task_id, user_id HAVING COUNT(*) > 1) d"));
            Assert.Equal(0, await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM tasks t WHERE (SELECT COUNT(*) FROM annotations a WHERE a.task_id = t.id) > @overlap", new { overlap }));
            // The counters the queue relies on agree with the rows.
            Assert.Equal(0, await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM tasks t WHERE annotation_count <> (SELECT COUNT(*) FROM annotations a WHERE a.task_id = t.id)"));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StopSignalEndsTheServerAfterFinishingWhatIsInFlight(string engine)
    {
        const int annotators = 10, tasks = 300, later = 2_000;
        var (server, http, tokens, project) = await StartParkAsync(engine, annotators, tasks, overlap: 1);
        using var _ = http;
        await using var __ = server;

        var acknowledged = new ConcurrentBag<long>();
        var refused = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var workers = Annotate(server.Url, project, tokens, acknowledged, refused, stop.Token);
        var started = Stopwatch.StartNew();
        while (acknowledged.Count < tasks / 3)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"only {acknowledged.Count} submissions acknowledged in 60 s");
            await Task.Delay(20);
        }

        // An import whose body is half sent when the signal comes: it must still land whole.
        var body = new HeldBody(Enumerable.Range(0, later).Select(i =>
            JsonSerializer.Serialize(new { key = $"later{i}", data = new { text = $"晚到的第{i}条" } }) + "\n"));
        var import = http.PostAsync($"api/projects/{project}/imports?format=jsonl", body);
        await body.HalfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var exit = server.TerminateAsync(TimeSpan.FromSeconds(60));
        // The server stops taking connections, but the request in flight goes on.
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) })
        {
            var waited = Stopwatch.StartNew();
            while (await Answers(probe, server.Url + "/healthz"))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the server still takes new connections 30 s after SIGTERM");
                await Task.Delay(50);
            }
        }
        body.SendRest.SetResult();
        using (var imported = await import)
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            Assert.Equal(later, (await imported.ReadAsync<ImportResponse>()).Imported);
        }
        Assert.Equal(0, await exit);
        stop.Cancel();
        await Task.WhenAll(workers);
        // A request the server accepted was answered; none was cut off with a server error.
        Assert.DoesNotContain(refused, status => (int)status >= 500);
        Assert.Contains("Yunzhong stopped.", server.Output);

        await using (await ServeProcess.StartAsync(Store))
        {
            await using var db = await OpenStoreAsync();
            var stored = (await db.QueryAsync<long>("SELECT id FROM annotations")).ToHashSet();
            Assert.DoesNotContain(acknowledged, id => !stored.Contains(id));
            Assert.Equal(tasks + later, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
        }
    }

    private static async Task<bool> Answers(HttpClient probe, string url)
    {
        try
        {
            using var r = await probe.GetAsync(url);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private Task<string> RunCliAsync(params string[] args) => ServeProcess.RunCliAsync(_data, [.. args, .. _database is null ? [] : new[] { "--db", ConnectionString }]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
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
