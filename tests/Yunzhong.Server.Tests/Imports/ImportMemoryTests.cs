using System.Net.Http.Headers;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Yunzhong.Server.Tests.Imports;

/// <summary>
/// Imports stream (invariant 7): rows go to the store as they are parsed, in the one transaction,
/// and the body is never held whole; what the importer holds at once is a few chunks of 1,024 rows
/// between its reading and writing stages. 128 MB of JSONL (≈500 bytes a row) is generated while it
/// is sent to `yz serve` running in a process of its own whose managed heap is capped at 48 MB
/// (<c>DOTNET_GCHeapHardLimit</c>): a server that buffered the body, or its rows, runs out of memory;
/// this one imports every row. The same server capped at 16 MB fails, so the cap is in force.
/// (Measured in a process of its own because the test process's heap holds every earlier test's
/// servers: sampling it with full collections cost 0.7 s a sample in the whole suite.)
/// </summary>
public sealed class ImportMemoryTests : IDisposable
{
    private const int Rows = 260_000;
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-import-memory-{Guid.NewGuid():N}");
    private string? _database;

    private string ConnectionString => _database is null
        ? $"Data Source={Path.Combine(_data, "yunzhong.db")}"
        : new NpgsqlConnectionStringBuilder(PostgresFixture.AdminConnection) { Database = _database }.ToString();

    private string[] Db => _database is null ? [] : ["--db", ConnectionString];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ABodyMuchLargerThanTheHeapTheServerMayHaveIsImportedAsItStreams(string engine)
    {
        Directory.CreateDirectory(_data);
        if (engine == "postgres")
        {
            _database = $"yz_import_memory_{Guid.NewGuid():N}";
            await using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            await admin.ExecuteAsync($"CREATE DATABASE {_database}");
        }
        await ServeProcess.RunCliAsync(_data, ["user", "add", "--email", "admin@memory", "--password", "memory-test-pw", "--org", "memory", "--kind", "client", "--roles", "admin,manager", .. Db]);
        var token = (await ServeProcess.RunCliAsync(_data, ["token", "create", "--email", "admin@memory", .. Db])).Trim();
        SqliteConnection.ClearAllPools();

        var (imported, project) = await ImportCappedAsync(token, heapLimit: 48 << 20);
        Assert.Equal(HttpStatusCode.OK, imported.Status);
        Assert.Contains($"\"imported\":{Rows}", imported.Body);
        Assert.Equal(Rows, await ScalarAsync("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));

        // The cap bites: under 16 MB the same import cannot be held, and fails whole.
        var (starved, starvedProject) = await ImportCappedAsync(token, heapLimit: 16 << 20);
        Assert.NotEqual(HttpStatusCode.OK, starved.Status);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project = starvedProject }));
    }

    private async Task<((HttpStatusCode? Status, string Body) Answer, long Project)> ImportCappedAsync(string token, long heapLimit)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{heapLimit:x}" };
        await using var server = await ServeProcess.StartAsync(environment, ["--data", _data, .. Db]);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url + "/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var project = (await http.PostOkAsync<ProjectView>("api/projects", new
        {
            organizationId = 1,
            name = $"heap {heapLimit >> 20} MB",
            schema = new { fields = new[] { new { name = "text", type = "text" } }, controls = new[] { new { name = "c", type = "choices", options = new[] { "a", "b" } } } },
        })).Id;
        try
        {
            using var r = await http.PostAsync($"api/projects/{project}/imports?format=jsonl", new GeneratedRows(Rows));
            return ((r.StatusCode, await r.Content.ReadAsStringAsync()), project);
        }
        catch (HttpRequestException e)
        {
            // A server that ran out of memory may drop the connection instead of answering.
            return ((e.StatusCode, e.Message), project);
        }
    }

    private async Task<long> ScalarAsync(string sql, object args)
    {
        await using System.Data.Common.DbConnection c = _database is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A JSONL body written while it is sent (chunked), never held whole by the client.</summary>
    private sealed class GeneratedRows(int rows) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var padding = new string('样', 150); // 450 bytes of UTF-8
            var chunk = new System.Text.StringBuilder();
            for (var i = 0; i < rows; i++)
            {
                chunk.Append("{\"key\":\"r").Append(i).Append("\",\"data\":{\"text\":\"第").Append(i).Append("行 ").Append(padding).Append("\"}}\n");
                if (chunk.Length > 32_000 || i == rows - 1)
                {
                    await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(chunk.ToString()));
                    chunk.Clear();
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
