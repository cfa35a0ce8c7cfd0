using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Tests.Releases;

/// <summary>Releases carry their tasks' media and are built by queued jobs; on both engines and both blob stores.</summary>
public abstract class ReleaseMediaTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly byte[] _png = Api.DemoFile("photos/media/horse.png");
    private static readonly byte[] _jpeg = Api.DemoFile("photos/media/camera.jpg");
    private static readonly object _schema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[] { new { name = "label", type = "choices", field = "image", options = new[] { "horse", "camera" } } },
    };
    private static readonly object _request = new { formats = new[] { "jsonl" }, licence = "CC-BY-4.0" };

    /// <summary>
    /// A project of four image tasks, all answered: two name uploaded media (horse.png, camera.jpg), one a URL
    /// only, one an upload the project does not have.
    /// </summary>
    private async Task<(Person Admin, long Project)> ImageProjectAsync()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id, _schema);
        await admin.Http.UploadOkAsync(project, ("horse.png", _png), ("camera.jpg", _jpeg));
        var prefix = $"/api/projects/{project}/media/";
        var lines = new[] { prefix + "horse.png", prefix + "camera.jpg", "https://images.example.org/cat.jpg", prefix + "gone.png" }
            .Select((image, i) => JsonSerializer.Serialize(new { key = $"k{i}", data = new { image } }));
        using (var r = await TestData.ImportRawAsync(admin.Http, project, string.Join("\n", lines)))
        {
            await r.OkAsync<Features.Imports.ImportResponse>("import");
        }
        for (var i = 0; i < 4; i++)
        {
            await admin.AnnotateAsync(project, new { label = new[] { "horse" } });
        }
        return (admin, project);
    }

    private Task<List<(string Path, string Sha256)>> MediaRowsAsync(long release) =>
        fx.QueryAsync<(string Path, string Sha256)>("SELECT path, sha256 FROM release_files WHERE release_id = @release AND path LIKE 'media/%' ORDER BY path", new { release });

    [Fact]
    public async Task AReleaseCarriesItsUploadedMediaListsUrlOnlyOnesAndVerifiesWithThem()
    {
        var (admin, project) = await ImageProjectAsync();
        var release = await admin.Http.ReleaseOkAsync(project, _request);
        Assert.Equal((2L, (long)(_png.Length + _jpeg.Length), 1L, 1L), (release.MediaFiles, release.MediaBytes, release.ExternalMedia, release.MissingMedia));
        Assert.DoesNotContain(release.Files, f => f.Path.StartsWith("media/", StringComparison.Ordinal));

        var dir = await ReleaseTests<TFixture>.DownloadAsync(admin.Http, release.Id);
        try
        {
            Assert.Equal(_png, await File.ReadAllBytesAsync(Path.Combine(dir, "media", "horse.png")));
            Assert.Equal(_jpeg, await File.ReadAllBytesAsync(Path.Combine(dir, "media", "camera.jpg")));
            using (var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, ReleaseFormat.ManifestName))))
            {
                var media = manifest.RootElement.GetProperty("media");
                Assert.Equal(["https://images.example.org/cat.jpg"], media.GetProperty("external").EnumerateArray().Select(e => e.GetString()));
                Assert.Equal(["gone.png"], media.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
            }
            var keys = SignatureFile.ReadKeys(await fx.Client().GetStringAsync("api/keys"));
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, keys);
            Assert.True(check.Ok, string.Join("; ", check.Problems));
            Assert.Equal(4, check.FilesChecked); // jsonl, items.tsv and the two media

            // One byte of a medium changed: the check names that file.
            var horse = Path.Combine(dir, "media", "horse.png");
            var bytes = await File.ReadAllBytesAsync(horse);
            bytes[^1] ^= 1;
            await File.WriteAllBytesAsync(horse, bytes);
            var tampered = await ReleaseVerifier.CheckDirectoryAsync(dir, keys);
            var problem = Assert.Single(tampered.Problems);
            Assert.Equal((ReleaseProblemKind.Changed, "media/horse.png"), (problem.Kind, problem.Path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The smallest bytes the sniffer takes for a PDF.</summary>
    private static readonly byte[] _pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task ADocumentsPageImagesAreCarriedListedAndVerifiedAndExportedWithTheirSizes()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id, new
        {
            fields = new object[]
            {
                new { name = "pages", type = "document" }, new { name = "scan", type = "document", pageKey = "page" }, new { name = "title", type = "text" },
            },
            controls = new object[]
            {
                new { name = "bbox", type = "rectangles", field = "pages", labels = new[] { "Text" } },
                new { name = "label", type = "choices", field = "title", options = new[] { "invoice", "letter" } },
            },
        });
        var uploaded = await admin.Http.UploadOkAsync(project, ("p1.png", _png), ("p2.jpg", _jpeg), ("p3.png", _png), ("report.pdf", _pdf));
        // Page arrays of strings and of objects (pageKey), through the media: shorthand; a page by URL; a PDF by its string.
        using (var r = await TestData.ImportRawAsync(admin.Http, project, string.Join("\n",
            """{"key":"d0","data":{"pages":["media:p1.png","media:p2.jpg"],"scan":[{"page":"media:p3.png","n":1}],"title":"a"}}""",
            """{"key":"d1","data":{"pages":["media:p1.png","https://example.org/ext.png"],"scan":[{"page":"media:p3.png"}],"title":"b"}}""",
            """{"key":"d2","data":{"pages":"media:report.pdf","scan":[{"page":"media:p3.png"}],"title":"c"}}""")))
        {
            Assert.Equal(3, (await r.OkAsync<Features.Imports.ImportResponse>("import")).Imported);
        }
        for (var i = 0; i < 3; i++)
        {
            await admin.AnnotateAsync(project, new { label = new[] { "invoice" } });
        }

        var release = await admin.Http.ReleaseOkAsync(project, new { formats = new[] { "jsonl", "coco" }, licence = "CC-BY-4.0" });
        Assert.Equal((4L, (long)(_png.Length * 2 + _jpeg.Length + _pdf.Length), 1L, 0L),
            (release.MediaFiles, release.MediaBytes, release.ExternalMedia, release.MissingMedia));
        Assert.Equal(["media/p1.png", "media/p2.jpg", "media/p3.png", "media/report.pdf"], (await MediaRowsAsync(release.Id)).Select(m => m.Path));
        var dir = await ReleaseTests<TFixture>.DownloadAsync(admin.Http, release.Id);
        try
        {
            Assert.Equal(_jpeg, await File.ReadAllBytesAsync(Path.Combine(dir, "media", "p2.jpg")));
            Assert.Equal(_png, await File.ReadAllBytesAsync(Path.Combine(dir, "media", "p3.png")));
            using (var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, ReleaseFormat.ManifestName))))
            {
                var media = manifest.RootElement.GetProperty("media");
                Assert.Equal(["https://example.org/ext.png"], media.GetProperty("external").Strings());
                Assert.Empty(media.GetProperty("missing").EnumerateArray());
                Assert.Contains(manifest.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "media/p3.png");
            }
            // The released data names the pages by the project's media URLs, the shorthand resolved inside the arrays.
            var first = JsonDocument.Parse(File.ReadLines(Path.Combine(dir, "annotations.jsonl")).First()).RootElement.GetProperty("data");
            var prefix = $"/api/projects/{project}/media/";
            Assert.Equal([prefix + "p1.png", prefix + "p2.jpg"], first.GetProperty("pages").Strings());
            Assert.Equal((prefix + "p3.png", 1), (first.GetProperty("scan")[0].GetProperty("page").GetString(), first.GetProperty("scan")[0].GetProperty("n").GetInt32()));
            // COCO in the release: one image per listed page, sized from the uploads.
            using (var coco = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, "annotations.coco.json"))))
            {
                var images = coco.RootElement.GetProperty("images").EnumerateArray()
                    .Select(i => (i.GetProperty("file_name").GetString(), i.TryGetProperty("width", out var w) ? w.GetInt32() : 0)).ToList();
                var (png, jpeg) = (uploaded.Single(m => m.Name == "p1.png").Width, uploaded.Single(m => m.Name == "p2.jpg").Width);
                Assert.Equal([("p1.png", png!.Value), ("p2.jpg", jpeg!.Value), ("p1.png", png.Value), ("https://example.org/ext.png", 0)], images);
            }

            var keys = SignatureFile.ReadKeys(await fx.Client().GetStringAsync("api/keys"));
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, keys);
            Assert.True(check.Ok, string.Join("; ", check.Problems));
            Assert.Equal(7, check.FilesChecked); // jsonl, coco, items.tsv and the four media

            // A page image lost from the download: the check names it.
            File.Delete(Path.Combine(dir, "media", "p3.png"));
            var lost = Assert.Single((await ReleaseVerifier.CheckDirectoryAsync(dir, keys)).Problems);
            Assert.Equal((ReleaseProblemKind.Missing, "media/p3.png"), (lost.Kind, lost.Path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // An export job's COCO sizes the pages the same way.
        var (_, exported) = await admin.Http.ExportAsync(project, new { format = "coco" });
        using var doc = JsonDocument.Parse(exported);
        Assert.Equal(uploaded.Single(m => m.Name == "p2.jpg").Height, doc.RootElement.GetProperty("images")[1].GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task ReleasesShareUnchangedMediaAndTheDiffNamesAReplacedOne()
    {
        var (admin, project) = await ImageProjectAsync();
        var first = await admin.Http.ReleaseOkAsync(project, _request);
        var blobs = (await fx.BlobsUnderAsync("sha256/")).Length;
        var again = await admin.Http.ReleaseOkAsync(project, _request);
        Assert.Equal(await MediaRowsAsync(first.Id), await MediaRowsAsync(again.Id));
        // Only the new manifest (it names its release's number) is stored: the files and media are shared.
        Assert.Equal(blobs + 1, (await fx.BlobsUnderAsync("sha256/")).Length);
        var unchanged = await admin.Http.GetOkAsync<ReleaseDiff>($"api/releases/{again.Id}/diff?from={first.Id}");
        Assert.Equal((0L, 0L, 0L, 2L), (unchanged.Media.Added, unchanged.Media.Removed, unchanged.Media.Changed, unchanged.Media.Unchanged));

        // horse.png replaced by other bytes under its name: the tasks are the same, the medium is not.
        await admin.Http.UploadOkAsync(project, ("horse.png", _jpeg));
        var third = await admin.Http.ReleaseOkAsync(project, _request);
        var diff = await admin.Http.GetOkAsync<ReleaseDiff>($"api/releases/{third.Id}/diff?from={first.Id}");
        Assert.Equal((0L, 0L, 4L), (diff.Added, diff.Changed, diff.Unchanged));
        Assert.Equal((0L, 0L, 1L, 1L), (diff.Media.Added, diff.Media.Removed, diff.Media.Changed, diff.Media.Unchanged));
        Assert.Equal(["horse.png"], diff.Media.ChangedNames);
        var rows = await MediaRowsAsync(third.Id);
        Assert.Equal(rows[0].Sha256, rows[1].Sha256); // camera.jpg and the new horse.png: one blob

        // A build's note answers whether a recorded release names the blob (then the build neither asks
        // the store nor writes it again); a blob no release names is written.
        var job = await fx.QueryScalarAsync<long>("""
            INSERT INTO release_jobs (project_id, source, formats, licence, status, phase, done, total, created_by, created_at, heartbeat_at, attempts)
            VALUES (@project, 'accepted', 'jsonl', 'CC0', 'running', 'media', 0, 1, @user, 1, @beat, 1) RETURNING id
            """, new { project, user = admin.Id, beat = long.MaxValue / 2 });
        var notes = fx.Services.GetRequiredService<ReleaseBlobNotes>();
        Assert.True(await notes.NoteAsync(job, rows[0].Sha256, CancellationToken.None));
        Assert.False(await notes.NoteAsync(job, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())), CancellationToken.None));
        await fx.QueryScalarAsync<long>("UPDATE release_jobs SET status = 'failed' WHERE id = @job RETURNING id", new { job });
        await fx.QueryScalarAsync<long>("DELETE FROM release_job_blobs WHERE job_id = @job RETURNING job_id", new { job });
    }

    [Fact]
    public async Task AFailedBuildLeavesNoReleaseAndNoBlobOfItsOwn()
    {
        var (admin, project) = await ImageProjectAsync();
        var first = await admin.Http.ReleaseOkAsync(project, _request);
        var before = (await fx.BlobsUnderAsync("sha256/")).Order().ToArray();

        // camera.jpg's file is lost from the store; a fifth task is answered, so the annotations differ from the first release's.
        var store = fx.Services.GetRequiredService<IBlobStore>();
        var blob = await fx.QueryScalarAsync<string>("SELECT blob_name FROM media WHERE project_id = @project AND name = 'camera.jpg'", new { project });
        await store.DeleteAsync(blob, CancellationToken.None);
        using (var r = await TestData.ImportRawAsync(admin.Http, project, JsonSerializer.Serialize(new { key = "k5", data = new { image = "https://images.example.org/dog.jpg" } })))
        {
            await r.OkAsync<Features.Imports.ImportResponse>("import");
        }
        await admin.AnnotateAsync(project, new { label = new[] { "camera" } });

        var failed = await admin.Http.ReleaseJobAsync(project, _request);
        Assert.Equal(ReleaseJobStatus.Failed, failed.Status);
        Assert.Null(failed.ReleaseId);
        Assert.Contains("camera.jpg", failed.Error, StringComparison.Ordinal);
        Assert.Equal([first.Id], (await admin.Http.GetOkAsync<List<ReleaseView>>($"api/projects/{project}/releases")).Select(r => r.Id));
        Assert.Equal(before, (await fx.BlobsUnderAsync("sha256/")).Order().ToArray());
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM release_job_blobs WHERE job_id = @id", new { id = failed.Id }));

        // With the file back, the same request builds, and stores what the failed build had stored and taken back.
        await admin.Http.UploadOkAsync(project, ("camera.jpg", _jpeg));
        var second = await admin.Http.ReleaseOkAsync(project, _request);
        Assert.Equal(2, second.Number);
        Assert.NotEqual(first.Files.Single(f => f.Path == "annotations.jsonl").Sha256, second.Files.Single(f => f.Path == "annotations.jsonl").Sha256);
        Assert.True((await fx.BlobsUnderAsync("sha256/")).Length > before.Length);
        var jobs = await admin.Http.GetOkAsync<List<ReleaseJobView>>($"api/projects/{project}/release-jobs");
        Assert.Equal([ReleaseJobStatus.Done, ReleaseJobStatus.Failed, ReleaseJobStatus.Done], jobs.Select(j => j.Status));
        Assert.Equal((ReleasePhase.Done, jobs[0].Total), (jobs[0].Phase, jobs[0].Done));
    }

    [Fact]
    public async Task AJobWhoseNodeStoppedIsTakenOverItsOwnBlobsRemovedAndBuilt()
    {
        var (admin, project) = await ImageProjectAsync();
        var first = await admin.Http.ReleaseOkAsync(project, _request);
        var shared = first.Files.Single(f => f.Path == "annotations.jsonl").Sha256;

        // A job a stopped node was running: it had stored one blob of its own and one a release names too.
        var store = fx.Services.GetRequiredService<IBlobStore>();
        var orphan = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        await using (var w = await store.CreateAsync(ReleaseBuilder.BlobName(orphan), CancellationToken.None))
        {
            await w.Stream.WriteAsync(Guid.NewGuid().ToByteArray());
            await w.CommitAsync(CancellationToken.None);
        }
        var job = await fx.QueryScalarAsync<long>("""
            INSERT INTO release_jobs (project_id, source, formats, licence, status, phase, done, total, created_by, created_at, heartbeat_at, attempts)
            VALUES (@project, 'accepted', 'jsonl,csv', 'CC0', 'running', 'media', 1, 2, @user, 1, @beat, 1) RETURNING id
            """, new { project, beat = long.MaxValue / 2, user = await fx.QueryScalarAsync<long>("SELECT created_by FROM releases WHERE id = @id", new { id = first.Id }) });
        await fx.QueryScalarAsync<long>("INSERT INTO release_job_blobs (job_id, sha256) VALUES (@job, @orphan), (@job, @shared) RETURNING job_id",
            new { job, orphan, shared });
        // Its node stopped beating long ago (set last, so no worker takes the job over before its blobs are written down).
        await fx.QueryScalarAsync<long>("UPDATE release_jobs SET heartbeat_at = 1 WHERE id = @job RETURNING id", new { job });

        fx.Services.GetRequiredService<ReleaseWorker>().Wake();
        ReleaseJobView view;
        var waited = 0;
        do
        {
            await Task.Delay(50);
            view = await admin.Http.GetOkAsync<ReleaseJobView>($"api/release-jobs/{job}");
        }
        while (view.Status != ReleaseJobStatus.Done && ++waited < 600);
        Assert.Equal(ReleaseJobStatus.Done, view.Status);
        var release = await admin.Http.GetOkAsync<ReleaseView>($"api/releases/{view.ReleaseId}");
        Assert.Equal((2, "CC0"), (release.Number, release.Licence));
        Assert.Null(await store.OpenReadAsync(ReleaseBuilder.BlobName(orphan), CancellationToken.None));
        await using var kept = await store.OpenReadAsync(ReleaseBuilder.BlobName(shared), CancellationToken.None);
        Assert.NotNull(kept);
        Assert.Equal(2, await fx.QueryScalarAsync<long>("SELECT attempts FROM release_jobs WHERE id = @job", new { job }));
    }

    [Fact]
    public async Task MoreFilesThanOneInsertStatementTakesAreAllRecordedAndVerify()
    {
        // release_files rows go in ReleasesSql.FileRowsPerStatement at a time: one batch full, one not.
        // Each medium is shown by two tasks, in shuffled order: the release lists it once, in path order.
        var count = ReleasesSql.FileRowsPerStatement + 3;
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id, _schema);
        await admin.Http.UploadOkAsync(project, Enumerable.Range(0, count).Select(i => ($"m{i:D4}.png", _png)).ToArray());
        var prefix = $"/api/projects/{project}/media/";
        var shown = Enumerable.Range(0, 2 * count).Select(i => i % count).OrderBy(_ => System.Random.Shared.Next()).ToArray();
        using (var r = await TestData.ImportRawAsync(admin.Http, project,
            string.Join("\n", shown.Select((m, i) => JsonSerializer.Serialize(new { key = $"k{i}", data = new { image = $"{prefix}m{m:D4}.png", n = i } })))))
        {
            await r.OkAsync<Features.Imports.ImportResponse>("import");
        }
        // Released tasks are annotated ones with an answer in force; what the answers say does not matter here.
        await fx.QueryAsync<long>("UPDATE tasks SET state = 'annotated' WHERE project_id = @project RETURNING id", new { project });
        await fx.QueryAsync<long>("""
            INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
            SELECT id, project_id, @user, @user, 1, 'accepted', '{"label":["horse"]}', 1 FROM tasks WHERE project_id = @project RETURNING id
            """, new { project, user = admin.Id });

        var release = await admin.Http.ReleaseOkAsync(project, _request);
        Assert.Equal(count, release.MediaFiles);
        var rows = await MediaRowsAsync(release.Id);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"media/m{i:D4}.png"), rows.Select(r => r.Path));
        Assert.All(rows, r => Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_png)), r.Sha256));
        var dir = await ReleaseTests<TFixture>.DownloadAsync(admin.Http, release.Id);
        try
        {
            var keys = SignatureFile.ReadKeys(await fx.Client().GetStringAsync("api/keys"));
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, keys);
            Assert.True(check.Ok, string.Join("; ", check.Problems));
            Assert.Equal(count + 2, check.FilesChecked); // jsonl, items.tsv and the media
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class SqliteReleaseMediaTests(SqliteFixture fx) : ReleaseMediaTests<SqliteFixture>(fx);

public sealed class PostgresReleaseMediaTests(PostgresFixture fx) : ReleaseMediaTests<PostgresFixture>(fx);

public sealed class SqliteS3ReleaseMediaTests(SqliteS3Fixture fx) : ReleaseMediaTests<SqliteS3Fixture>(fx);

public sealed class PostgresS3ReleaseMediaTests(PostgresS3Fixture fx) : ReleaseMediaTests<PostgresS3Fixture>(fx);
