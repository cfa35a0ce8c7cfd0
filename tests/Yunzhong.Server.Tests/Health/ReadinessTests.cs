using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Health;

namespace Yunzhong.Server.Tests.Health;

/// <summary>
/// <c>/readyz</c> answers 200 only while the node can do work, and 503 naming what is wrong when the
/// database, the blob store or the free space is not there, on real failures: a database dropped or
/// its file replaced, a blob root that is a file, a free-space floor above what the disk has.
/// Each test runs on a server of its own, since most of them break it.
/// </summary>
public abstract class ReadinessTests
{
    /// <summary>A server of this engine, with <paramref name="configure"/> applied; not yet started.</summary>
    protected abstract ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null);

    /// <summary>Takes the database away from under the running server.</summary>
    protected abstract Task RemoveDatabaseAsync(ServerFixture server);

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> ReadyAsync(ServerFixture server)
    {
        using var http = server.Client();
        using var r = await http.GetAsync("readyz");
        var text = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        }
        return (r.StatusCode, JsonSerializer.Deserialize<JsonElement>(text), text);
    }

    private static string Check(JsonElement body, string name) => body.GetProperty("checks").GetProperty(name).GetString()!;

    /// <summary>Past the probe cache, so the next call probes again.</summary>
    private static void PastTheCache(ServerFixture server) => server.Time.Advance(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task ReadyOnAHealthyServerAndTheProbeLeavesNothingBehind()
    {
        await using var server = NewServer();
        await server.InitializeAsync();
        var (status, body, text) = await ReadyAsync(server);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        foreach (var check in new[] { Readiness.Database, Readiness.BlobStore, Readiness.FreeSpace })
        {
            Assert.Equal("ok", Check(body, check));
        }
        var probes = Path.Combine(server.DataDir, "blobs", "readyz");
        Assert.Empty(Directory.Exists(probes) ? Directory.GetFileSystemEntries(probes) : []);
    }

    [Fact]
    public async Task NotReadyWhenFreeSpaceIsBelowTheConfiguredFloor()
    {
        // A floor no disk reaches stands in for a full one.
        await using var server = NewServer(Configured.With(("Readiness:MinFreeBytes", $"{1L << 60}")));
        await server.InitializeAsync();
        var (status, body, text) = await ReadyAsync(server);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal(503, body.GetProperty("status").GetInt32());
        Assert.Contains("Readiness:MinFreeBytes", Check(body, Readiness.FreeSpace), StringComparison.Ordinal);
        Assert.Contains("freeSpace", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Check(body, Readiness.Database));
        Assert.Equal("ok", Check(body, Readiness.BlobStore));
    }

    [Fact]
    public async Task NotReadyWhileTheBlobRootIsNotAFolderAndReadyOnceItIsBack()
    {
        await using var server = NewServer();
        await server.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(server)).Status);

        var root = Path.Combine(server.DataDir, "blobs");
        Directory.Delete(root, recursive: true);
        await File.WriteAllTextAsync(root, "not a folder");
        // Within the cache period probes share the last answer: a flood of them costs nothing.
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(server)).Status);

        PastTheCache(server);
        var (status, body, text) = await ReadyAsync(server);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.NotEqual("ok", Check(body, Readiness.BlobStore));
        Assert.Equal("ok", Check(body, Readiness.Database));
        Assert.DoesNotContain(server.DataDir, text, StringComparison.Ordinal);

        File.Delete(root);
        Directory.CreateDirectory(root);
        PastTheCache(server);
        var again = await ReadyAsync(server);
        Assert.True(again.Status == HttpStatusCode.OK, again.Text);
    }

    [Fact]
    public async Task NotReadyWhenTheDatabaseIsGoneAndTheAnswerNamesNoHostOrPath()
    {
        await using var server = NewServer();
        await server.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(server)).Status);
        await RemoveDatabaseAsync(server);
        PastTheCache(server);
        var (status, body, text) = await ReadyAsync(server);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal("The database does not answer.", Check(body, Readiness.Database));
        Assert.Contains("database", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.DataDir, text, StringComparison.Ordinal);
        Assert.DoesNotContain("yz_test_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }
}

public sealed class SqliteReadinessTests : ReadinessTests
{
    protected override ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null) => new ConfiguredSqliteFixture(configure);

    /// <summary>The file and its journal deleted, a folder in its place: nothing can open it again.</summary>
    protected override Task RemoveDatabaseAsync(ServerFixture server)
    {
        var file = Path.Combine(server.DataDir, "yunzhong.db");
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }
        Directory.CreateDirectory(file);
        return Task.CompletedTask;
    }
}

public sealed class PostgresReadinessTests : ReadinessTests
{
    protected override ServerFixture NewServer(Action<WebApplicationBuilder>? configure = null) => new ConfiguredPostgresFixture(configure);

    /// <summary>The server's database dropped, its connections cut (the fixture's own drop at the end then finds nothing).</summary>
    protected override async Task RemoveDatabaseAsync(ServerFixture server)
    {
        var name = new NpgsqlConnectionStringBuilder(server.Services.GetRequiredService<Db>().ConnectionString).Database;
        await using var c = new NpgsqlConnection(PostgresFixture.AdminConnection);
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE {name} WITH (FORCE)");
    }
}
