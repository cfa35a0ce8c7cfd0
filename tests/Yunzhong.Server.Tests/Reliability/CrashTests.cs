using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Security;
using Yunzhong.Server.Tests.Infrastructure;

namespace Yunzhong.Server.Tests.Reliability;

/// <summary>
/// The server process is killed (SIGKILL) while annotators are submitting; after a restart on the
/// same data folder every acknowledged annotation is there and the queue's invariants still hold.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-crash-{Guid.NewGuid():N}");

    [Fact]
    public async Task AcknowledgedAnnotationsSurviveAKilledServer()
    {
        const int annotators = 40, tasks = 400, overlap = 2;
        Directory.CreateDirectory(_data);
        // The admin through the CLI, as an operator would; the annotators directly, for speed.
        await RunCliAsync("user", "add", "--email", "admin@crash", "--password", "crash-test-pw", "--org", "crash", "--kind", "client", "--roles", "admin,manager");
        var admin = (await RunCliAsync("token", "create", "--email", "admin@crash")).Trim();
        var tokens = new List<string>();
        using (var store = new Db(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_data, "yunzhong.db")}" }))
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

        var server = await ServeProcess.StartAsync("--data", _data);
        var url = server.Url;
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var project = (await http.PostOkAsync("api/projects", new { organizationId = 1, name = "crash", schema = TestData.ChoiceSchema, overlap }))
            .GetProperty("id").GetInt64();
        await TestData.ImportAsync(http, project, TestData.Texts(tasks));

        var acknowledged = new ConcurrentBag<long>();
        using var stop = new CancellationTokenSource();
        var workers = tokens.Select(token => Task.Run(async () =>
        {
            using var c = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(10) };
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var next = await c.PostAsync($"api/projects/{project}/queue/next", null, stop.Token);
                    if (next.StatusCode != HttpStatusCode.OK)
                    {
                        return;
                    }
                    var lease = await next.ReadJsonAsync();
                    using var submit = await c.PostAsJsonAsync($"api/assignments/{lease.GetProperty("assignmentId").GetInt64()}/submit",
                        new { result = new { label = new[] { "pos" } } }, stop.Token);
                    if (submit.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add((await submit.ReadJsonAsync()).GetProperty("annotationId").GetInt64());
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server died under us: what was acknowledged before is what counts.
            }
        })).ToList();

        while (acknowledged.Count < tasks / 2)
        {
            await Task.Delay(20);
        }
        await server.DisposeAsync(); // SIGKILL
        stop.Cancel();
        await Task.WhenAll(workers);
        Assert.True(acknowledged.Count >= tasks / 2);

        await using (await ServeProcess.StartAsync("--data", _data)) // recovery runs on start
        {
            await using var db = new SqliteConnection($"Data Source={Path.Combine(_data, "yunzhong.db")}");
            await db.OpenAsync();
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

    private async Task<string> RunCliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [ServeProcess.Yz, .. args, "--data", _data]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"yz {string.Join(' ', args)} failed: {error}");
        return output;
    }

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
