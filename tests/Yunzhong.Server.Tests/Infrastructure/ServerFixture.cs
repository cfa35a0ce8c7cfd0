using System.Net.Http.Headers;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Yunzhong.Server;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>
/// A real server on a loopback port over a real store: a fresh SQLite file, or a fresh database on
/// the PostgreSQL server named by YZ_TEST_POSTGRES (scripts/test.sh starts one). Tests talk to it
/// over HTTP; people and tokens are made directly in the store to keep set-up fast.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"yz-test-{Guid.NewGuid():N}");
    private WebApplication? _app;
    private string? _database;
    private int _people;

    public abstract string Engine { get; }

    public string Url { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public ManualTime Time { get; } = new();

    public string DataDir => _dataDir;

    /// <summary>The database this server runs on (null for the SQLite file in its data folder).</summary>
    public string? Database => _database;

    /// <summary>The one line of the stand-in browser UI every fixture serves, so a test can tell the app shell from an API answer.</summary>
    public const string AppShell = "<!doctype html><title>Yunzhong test shell</title>";

    protected abstract Task<string?> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync(string? database);

    /// <summary>Where the blobs live: null for the data folder's <c>blobs/</c>; an S3 fixture names its bucket.</summary>
    public virtual string? BlobLocation => null;

    /// <summary>Where a fixture of its own sets configuration (e.g. small limits) before the app is built.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        // A built UI of our own rather than the repository's web/dist, which exists only after a web
        // build: the routes around the app shell then answer the same whether or not web/ was built.
        var webRoot = Directory.CreateDirectory(Path.Combine(_dataDir, "web")).FullName;
        await File.WriteAllTextAsync(Path.Combine(webRoot, "index.html"), AppShell);
        _app = ServerApp.Build(
            new ServerOptions
            {
                DataDir = _dataDir, Urls = "http://127.0.0.1:0", Database = _database, DemoDir = RepoFolder("demo"), WebRoot = webRoot,
                Blobs = BlobLocation, S3Credentials = BlobLocation is null ? null : TestS3.Credentials,
            },
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(Time);
                // Several PostgreSQL writers race in the tests whatever the machine's default, so the
                // queue's cross-writer locking (SKIP LOCKED picks, locked leases) is always exercised.
                b.Services.Configure<Yunzhong.Server.Features.Queue.QueueOptions>(o => o.PostgresWriters = 4);
                Configure(b);
            });
        await ServerApp.PrepareAsync(_app, CancellationToken.None);
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await DropDatabaseAsync(_database);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>For a server a test starts on its own (<c>await using</c>).</summary>
    ValueTask IAsyncDisposable.DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return new(DisposeAsync());
    }

    public HttpClient Client(string? token = null)
    {
        var c = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 1000 })
        {
            BaseAddress = new Uri(Url + "/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        if (token is not null)
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return c;
    }

    /// <summary>A new organisation of its own, so tests in one fixture never see each other's data.</summary>
    public async Task<Org> NewOrgAsync(string kind = "client")
    {
        var accounts = Services.GetRequiredService<Accounts>();
        var id = await accounts.CreateOrganizationAsync($"org-{Guid.NewGuid():N}", kind, CancellationToken.None);
        return new Org(this, id);
    }

    public async Task<Person> NewPersonAsync(long organizationId, Roles roles, string? password = null)
    {
        var accounts = Services.GetRequiredService<Accounts>();
        var n = Interlocked.Increment(ref _people);
        var email = $"p{n}-{Guid.NewGuid():N}@test.yunzhong";
        var id = await accounts.CreateUserAsync(email, $"Person {n}", password, CancellationToken.None);
        await accounts.SetMembershipAsync(organizationId, id, roles, CancellationToken.None);
        var (_, token) = await accounts.CreateTokenAsync(id, "test", CancellationToken.None);
        Services.GetRequiredService<Access>().ForgetMemberships();
        return new Person(id, email, token, Client(token));
    }

    /// <summary>Media rows a project holds.</summary>
    public Task<long> MediaCountAsync(long project) =>
        QueryScalarAsync<long>("SELECT COUNT(*) FROM media WHERE project_id = @project", new { project });

    /// <summary>The blobs a project's media hold, in whichever store the fixture runs on.</summary>
    public Task<string[]> BlobFilesAsync(long project) =>
        BlobsUnderAsync($"media/{project.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");

    /// <summary>The names of the blobs (committed or left behind) under a prefix of the store.</summary>
    public virtual Task<string[]> BlobsUnderAsync(string prefix)
    {
        var dir = Path.Combine(DataDir, "blobs", prefix);
        // Every file below, as an object store lists every key under a prefix.
        return Task.FromResult(Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : []);
    }

    public async Task<T> QueryScalarAsync<T>(string sql, object? args = null)
    {
        var db = Services.GetRequiredService<Db>();
        await using var c = await db.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        var db = Services.GetRequiredService<Db>();
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    public static string RepoFolder(string relative) =>
        ServerOptions.FindRepoFolder(relative) ?? throw new DirectoryNotFoundException($"{relative} not found above the test binaries");
}

public class SqliteFixture : ServerFixture
{
    public override string Engine => "sqlite";

    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);

    protected override Task DropDatabaseAsync(string? database) => Task.CompletedTask;
}

public class PostgresFixture : ServerFixture
{
    private string? _name;

    public override string Engine => "postgres";

    public static string AdminConnection =>
        Environment.GetEnvironmentVariable("YZ_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "YZ_TEST_POSTGRES is not set: run the suite with scripts/test.sh, which starts a throwaway PostgreSQL, or point it at a server.");

    protected override async Task<string?> CreateDatabaseAsync()
    {
        _name = $"yz_test_{Guid.NewGuid():N}";
        await using var c = new NpgsqlConnection(AdminConnection);
        await c.OpenAsync();
        await c.ExecuteAsync($"CREATE DATABASE {_name}");
        return new NpgsqlConnectionStringBuilder(AdminConnection) { Database = _name, MaxPoolSize = 100 }.ToString();
    }

    protected override async Task DropDatabaseAsync(string? database)
    {
        if (_name is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(AdminConnection);
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }
}

/// <summary>System time plus an offset the test can move forward (lease expiry without waiting).</summary>
public sealed class ManualTime : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

public sealed record Person(long Id, string Email, string Token, HttpClient Http);

public sealed record Org(ServerFixture Fixture, long Id)
{
    public Task<Person> PersonAsync(Roles roles, string? password = null) => Fixture.NewPersonAsync(Id, roles, password);
}

public static class HttpJson
{
    /// <summary>The server's wire form, so tests read answers into its records and send enums as it reads them.</summary>
    public static readonly JsonSerializerOptions Options = Features.Wire.Options;

    /// <summary>
    /// _reading is stricter than the wire needs: a field the record does not have, a null where it says
    /// none, or a missing one fails the test, so every typed read checks the server's answer against
    /// the record the OpenAPI document describes it by.
    /// </summary>
    private static readonly JsonSerializerOptions _reading = new(Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The body as the server's own record <typeparamref name="T"/>.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} came without a body");
        return JsonSerializer.Deserialize<T>(text, _reading)!;
    }

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, _reading)!;

    public static async Task<T> PostOkAsync<T>(this HttpClient http, string path, object? body = null)
    {
        using var r = await http.PostAsJsonAsync(path, body, Options);
        return await r.OkAsync<T>($"POST {path}");
    }

    public static async Task<T> GetOkAsync<T>(this HttpClient http, string path)
    {
        using var r = await http.GetAsync(path);
        return await r.OkAsync<T>($"GET {path}");
    }

    public static async Task<T> PutOkAsync<T>(this HttpClient http, string path, object body)
    {
        using var r = await http.PutAsJsonAsync(path, body, Options);
        return await r.OkAsync<T>($"PUT {path}");
    }

    public static async Task<T> PatchOkAsync<T>(this HttpClient http, string path, object body)
    {
        using var r = await http.PatchAsJsonAsync(path, body, Options);
        return await r.OkAsync<T>($"PATCH {path}");
    }

    /// <summary>A 2xx answer read as <typeparamref name="T"/>; anything else fails with the body.</summary>
    public static async Task<T> OkAsync<T>(this HttpResponseMessage r, string what)
    {
        if (!r.IsSuccessStatusCode)
        {
            Assert.Fail($"{what} answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        }
        return await r.ReadAsync<T>();
    }

    /// <summary>The body as parsed JSON, for tests about its raw shape (and ProblemDetails' extensions).</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    public static async Task<JsonElement> PostOkAsync(this HttpClient http, string path, object body)
    {
        using var r = await http.PostAsJsonAsync(path, body, Options);
        var json = await r.ReadJsonAsync();
        Assert.True(r.IsSuccessStatusCode, $"POST {path} answered {(int)r.StatusCode}: {json}");
        return json;
    }

    public static async Task<JsonElement> GetOkAsync(this HttpClient http, string path)
    {
        using var r = await http.GetAsync(path);
        var json = await r.ReadJsonAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {path} answered {(int)r.StatusCode}: {json}");
        return json;
    }
}
