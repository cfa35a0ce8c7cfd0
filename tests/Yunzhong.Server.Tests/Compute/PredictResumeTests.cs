using System.Net.Http.Headers;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Yunzhong.Core.Compute;
using Yunzhong.Server.Features.Compute;

namespace Yunzhong.Server.Tests.Compute;

/// <summary>
/// A pre-annotation job survives its server: `yz serve` is killed (SIGKILL) in the middle of a job,
/// started again on the same store, and the job finishes from its last whole batch: every task ends
/// with exactly one prediction, none written twice, none half-written. SQLite and PostgreSQL.
/// </summary>
public sealed class PredictResumeTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"yz-resume-{Guid.NewGuid():N}");
    private string? _database;

    private string ConnectionString => _database is null
        ? $"Data Source={Path.Combine(_data, "yunzhong.db")}"
        : new NpgsqlConnectionStringBuilder(PostgresFixture.AdminConnection) { Database = _database }.ToString();

    private string[] Store => _database is null ? ["--data", _data] : ["--data", _data, "--db", ConnectionString];

    // Two tasks a batch, and a job whose server went quiet for 2 s is taken up again.
    private static readonly Dictionary<string, string> _settings = new() { ["Compute__BatchSize"] = "2", ["Compute__AbandonAfterSeconds"] = "2" };

    private async Task<long> ScalarAsync(string sql, object args)
    {
        await using System.Data.Common.DbConnection c = _database is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AJobKilledMidwayFinishesAfterARestartWithoutRedoingTasks(string engine)
    {
        Directory.CreateDirectory(_data);
        if (engine == "postgres")
        {
            _database = $"yz_resume_{Guid.NewGuid():N}";
            await using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            await admin.ExecuteAsync($"CREATE DATABASE {_database}");
        }
        string[] db = _database is null ? [] : ["--db", ConnectionString];
        await ServeProcess.RunCliAsync(_data, ["user", "add", "--email", "admin@resume", "--password", "resume-test-pw", "--org", "resume", "--kind", "client", "--roles", "admin,manager", .. db]);
        var token = (await ServeProcess.RunCliAsync(_data, ["token", "create", "--email", "admin@resume", .. db])).Trim();
        SqliteConnection.ClearAllPools();

        // 40 clips of 30 s of real speech (a LibriVox reading, repeated): long enough to stop the job midway.
        var reading = WavAudio.Decode(Api.DemoFile("speech/media/librivox-0870.wav"));
        var clip = new float[16000 * 30];
        for (var i = 0; i < clip.Length; i++)
        {
            clip[i] = reading[i % reading.Length];
        }
        var wav = WavAudio.Pcm16(clip, 16000);
        const int Tasks = 40;

        long job;
        await using (var server = await ServeProcess.StartAsync(_settings, Store))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var project = (await http.PostOkAsync<ProjectView>("api/projects", new { organizationId = 1, name = "resume", schema = PredictJobTests<SqliteFixture>.AudioSchema })).Id;
            var media = await http.UploadOkAsync(project, [.. Enumerable.Range(0, Tasks).Select(i => ($"c{i:00}.wav", wav))]);
            using (var r = await TestData.ImportRawAsync(http, project, string.Join("\n", media.Select(m => JsonSerializer.Serialize(new { data = new { audio = m.Url } })))))
            {
                await r.OkAsync<ImportResponse>("import");
            }
            var model = await PredictJobTests<SqliteFixture>.ModelIdAsync(http, ModelTask.SpeechSegments);
            job = (await http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new { modelId = model })).Id;
            var seen = await PredictJobTests<SqliteFixture>.WaitAsync(http, job, j => j.Done >= 4 || j.Status != PredictJobStatus.Queued && j.Status != PredictJobStatus.Running);
            Assert.Equal(PredictJobStatus.Running, seen.Status); // still going when the server dies
        } // killed here

        var written = await ScalarAsync("SELECT predictions FROM prediction_jobs WHERE id = @job", new { job });
        var stored = await ScalarAsync("SELECT COUNT(*) FROM predictions", new { });
        Assert.Equal(written, stored); // whole batches only
        Assert.Equal(0, stored % 2);
        Assert.InRange(stored, 4, Tasks - 1);

        await using (var again = await ServeProcess.StartAsync(_settings, Store))
        {
            using var http = new HttpClient { BaseAddress = new Uri(again.Url + "/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var done = await PredictJobTests<SqliteFixture>.WaitAsync(http, job);
            Assert.Equal((PredictJobStatus.Done, (long)Tasks, (long)Tasks), (done.Status, done.Done, done.Predictions));
        }
        Assert.Equal(Tasks, await ScalarAsync("SELECT COUNT(*) FROM predictions", new { }));
        Assert.Equal(Tasks, await ScalarAsync("SELECT COUNT(DISTINCT task_id) FROM predictions", new { }));
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
        if (_database is not null)
        {
            using var admin = new NpgsqlConnection(PostgresFixture.AdminConnection);
            admin.Execute($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }
}
