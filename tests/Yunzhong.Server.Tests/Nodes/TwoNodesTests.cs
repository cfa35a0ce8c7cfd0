using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Tests.Nodes;

/// <summary>
/// Two servers over real HTTP on one PostgreSQL database and one S3 bucket, as a deployment of two
/// nodes behind a load balancer runs: what one node writes the other serves, a session signed in on
/// one is valid on the other, and per-node caches follow changes made through the other node.
/// A release built by A's worker downloads through B and verifies, media included.
/// </summary>
public sealed class TwoNodesTests : IAsyncLifetime, IAsyncDisposable
{
    private const string Password = "two-nodes-password";
    private static readonly byte[] _png = Api.DemoFile("photos/media/horse.png");
    private static readonly byte[] _jpeg = Api.DemoFile("photos/media/camera.jpg");

    private readonly PostgresS3Fixture _a = new();
    private SecondNodeFixture _b = null!;

    public async Task InitializeAsync()
    {
        await _a.InitializeAsync();
        _b = new SecondNodeFixture(_a);
        await _b.InitializeAsync();
    }

    private bool _disposed;

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private async Task<(Person Manager, HttpClient OnB, long Project)> ProjectAsync()
    {
        var org = await _a.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        return (manager, _b.Client(manager.Token), await TestData.ProjectAsync(manager, org.Id));
    }

    [Fact]
    public async Task MediaUploadedThroughOneNodeIsServedByTheOther()
    {
        var (manager, onB, project) = await ProjectAsync();
        await manager.Http.UploadOkAsync(project, ("horse.png", _png));
        Assert.Equal(_png, await onB.GetByteArrayAsync($"api/projects/{project}/media/horse.png"));
        // And the other way round.
        await onB.UploadOkAsync(project, ("camera.jpg", _jpeg));
        Assert.Equal(_jpeg, await manager.Http.GetByteArrayAsync($"api/projects/{project}/media/camera.jpg"));
    }

    [Fact]
    public async Task AnExportMadeOnOneNodeDownloadsFromTheOther()
    {
        var (manager, onB, project) = await ProjectAsync();
        await TestData.ImportAsync(manager.Http, project, ["""{"data":{"text":"one"}}""", """{"data":{"text":"two"}}"""]);
        var (job, text) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var fromB = await onB.GetStringAsync($"api/exports/{job.Id}/download");
        Assert.Equal(text, fromB);
        Assert.Equal(2, fromB.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task ASessionSignedInOnOneNodeIsValidOnTheOther()
    {
        var org = await _a.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator, Password);
        using var browserA = _a.Client();
        using var login = await browserA.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password });
        await login.OkAsync<MeResponse>("login on A");
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("yz_session=", StringComparison.Ordinal)).Split(';')[0];

        using var browserB = _b.Client();
        using var me = new HttpRequestMessage(HttpMethod.Get, "api/me");
        me.Headers.Add("Cookie", cookie);
        using var answer = await browserB.SendAsync(me);
        Assert.Equal(p.Id, (await answer.OkAsync<MeResponse>("me on B")).Id);

        // Both nodes protect with one key ring, kept in the shared database, not in a node's folder.
        Assert.True(await _a.QueryScalarAsync<long>("SELECT COUNT(*) FROM data_protection_keys") >= 1);
        Assert.False(Directory.Exists(Path.Combine(_a.DataDir, "keys")));
        Assert.False(Directory.Exists(Path.Combine(_b.DataDir, "keys")));
    }

    [Fact]
    public async Task TheMediaIndexOfOneNodeFollowsAFileReplacedThroughTheOther()
    {
        var (manager, onB, project) = await ProjectAsync();
        await manager.Http.UploadOkAsync(project, ("picture", _png));
        var reference = $"{MediaIndex.UrlPrefix(project)}picture";
        var indexB = _b.Services.GetRequiredService<MediaIndex>();
        Assert.Equal((400, 328), Size(await indexB.FindAsync(project, reference, CancellationToken.None)));

        // Replaced through A: B's index answers for the new file once its cached answer has lapsed.
        await manager.Http.UploadOkAsync(project, ("picture", _jpeg));
        _b.Time.Advance(Access.Ttl);
        Assert.Equal((512, 512), Size(await indexB.FindAsync(project, reference, CancellationToken.None)));
        Assert.Equal(_jpeg, await onB.GetByteArrayAsync($"api/projects/{project}/media/picture"));
    }

    [Fact]
    public async Task AReleaseBuiltOnOneNodeDownloadsAndVerifiesFromTheOther()
    {
        // Only A's worker builds: B's is stopped, so the release is A's work whichever node was asked.
        await _b.Services.GetRequiredService<ReleaseWorker>().StopAsync(CancellationToken.None);
        var org = await _a.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id, new
        {
            fields = new[] { new { name = "image", type = "image" } },
            controls = new object[] { new { name = "label", type = "choices", field = "image", options = new[] { "horse", "camera" } } },
        });
        await manager.Http.UploadOkAsync(project, ("horse.png", _png), ("camera.jpg", _jpeg));
        var tasks = string.Join("\n", new[] { "horse.png", "camera.jpg" }.Select(n => JsonSerializer.Serialize(new { data = new { image = $"{MediaIndex.UrlPrefix(project)}{n}" } })));
        using (var r = await TestData.ImportRawAsync(manager.Http, project, tasks))
        {
            await r.OkAsync<Features.Imports.ImportResponse>("import");
        }
        await manager.AnnotateAsync(project, new { label = new[] { "horse" } });
        await manager.AnnotateAsync(project, new { label = new[] { "camera" } });
        var release = await manager.Http.ReleaseOkAsync(project, new { formats = new[] { "jsonl", "coco" }, licence = "CC-BY-4.0" });
        Assert.Equal(2, release.MediaFiles);

        using var onB = _b.Client(manager.Token);
        var dir = await Releases.ReleaseTests<PostgresS3Fixture>.DownloadAsync(onB, release.Id);
        try
        {
            Assert.Equal(_png, await File.ReadAllBytesAsync(Path.Combine(dir, "media", "horse.png")));
            var keys = SignatureFile.ReadKeys(await _b.Client().GetStringAsync("api/keys"));
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, keys);
            Assert.True(check.Ok, string.Join("; ", check.Problems));
            Assert.Equal(release.MerkleRoot, check.Statement!.MerkleRoot);
            Assert.Equal(release.FileCount, check.FilesChecked);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int?, int?) Size(Core.MediaInfo? info) => (info?.Width, info?.Height);
}
