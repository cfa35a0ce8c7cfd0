using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace Yunzhong.Server.Tests.Media;

/// <summary>
/// Zip bombs, oversized files and the storage quota, against the small bounds of
/// <see cref="SmallLimits"/>: each refusal names its setting and value, and leaves nothing stored.
/// </summary>
public abstract class MediaLimitsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly byte[] _png = Api.DemoFile("photos/media/horse.png");

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(Org? org = null)
    {
        org ??= await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        return (org, manager, await TestData.ProjectAsync(manager, org.Id));
    }

    /// <summary>A real PNG followed by <paramref name="extra"/> bytes: random ones do not compress, zeros do.</summary>
    private static byte[] PngWith(int extra, bool random = true)
    {
        var bytes = new byte[_png.Length + extra];
        _png.CopyTo(bytes, 0);
        if (random)
        {
            new Random(extra).NextBytes(bytes.AsSpan(_png.Length));
        }
        return bytes;
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                s.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    private static async Task<JsonElement> LimitProblemAsync(HttpResponseMessage r, HttpStatusCode status, string setting, long value, string field)
    {
        var problem = await r.ProblemAsync(status);
        Assert.Equal($"Limits:{setting}", problem.GetProperty("limit").GetString());
        Assert.Equal(value, problem.GetProperty("value").GetInt64());
        Assert.Contains($"Limits:{setting} ({value})", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal([field], problem.ErrorKeys());
        return problem;
    }

    [Fact]
    public async Task ZipWithMoreEntriesThanTheLimitIsRefusedBeforeAnyIsUnpacked()
    {
        var (_, manager, project) = await ProjectAsync();
        var zip = Zip(Enumerable.Range(0, SmallLimits.ZipMaxEntries + 1).Select(i => ($"p{i}.png", _png)).ToArray());

        using var r = await manager.Http.UploadAsync(project, ("many.zip", zip));

        var problem = await LimitProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "ZipMaxEntries", SmallLimits.ZipMaxEntries, "many.zip");
        Assert.Equal("The zip has 21 entries; at most 20 are taken.", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await fx.MediaCountAsync(project));
        Assert.Empty(await fx.BlobFilesAsync(project));
        // At the limit it goes in.
        await manager.Http.UploadOkAsync(project, ("enough.zip", Zip(Enumerable.Range(0, SmallLimits.ZipMaxEntries).Select(i => ($"p{i}.png", _png)).ToArray())));
        Assert.Equal(SmallLimits.ZipMaxEntries, await fx.MediaCountAsync(project));
    }

    [Fact]
    public async Task ZipBombIsRefusedByItsRatioAndWhatItStoredIsRemoved()
    {
        var (_, manager, project) = await ProjectAsync();
        // 1 MiB of zeros behind a PNG packs into about 7 KB: far past 10 times its size.
        var zip = Zip(("first.png", _png), ("bomb.png", PngWith(1 << 20, random: false)));

        using var r = await manager.Http.UploadAsync(project, ("photos.zip", zip));

        await LimitProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "ZipMaxRatio", SmallLimits.ZipMaxRatio, "photos.zip/bomb.png");
        Assert.Equal(0, await fx.MediaCountAsync(project));
        Assert.Empty(await fx.BlobFilesAsync(project));
    }

    [Fact]
    public async Task ZipEntryUnderstatingItsSizeIsCutAtTheSizeDeclaredNeverUnpackedWhole()
    {
        // Not a fix but what the bounds rest on: System.IO.Compression stops reading an entry at the
        // size its directory declares, so a header that understates can only shorten what is stored,
        // and the bytes counted while reading are the bytes stored.
        var (_, manager, project) = await ProjectAsync();
        var big = PngWith((int)SmallLimits.MediaMaxFileBytes * 2);
        var zip = Zip(("big.png", big));
        PatchUncompressedSize(zip, (uint)big.Length, (uint)_png.Length);

        var views = await manager.Http.UploadOkAsync(project, ("lying.zip", zip));

        Assert.Equal(_png.Length, Assert.Single(views).SizeBytes);
        Assert.Equal(_png.Length, new FileInfo(Assert.Single(await fx.BlobFilesAsync(project))).Length);
    }

    /// <summary>Rewrites the uncompressed size in the local header and the central directory entry.</summary>
    private static void PatchUncompressedSize(byte[] zip, uint actual, uint claimed)
    {
        var patched = 0;
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            var at = signature switch { 0x04034b50 => i + 22, 0x02014b50 => i + 24, _ => -1 };
            if (at > 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) == actual)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at), claimed);
                patched++;
            }
        }
        Assert.Equal(2, patched);
    }

    [Fact]
    public async Task FileLargerThanTheLimitIsRefused()
    {
        var (_, manager, project) = await ProjectAsync();

        using var r = await manager.Http.UploadAsync(project, ("small.png", _png), ("big.png", PngWith((int)SmallLimits.MediaMaxFileBytes)));

        await LimitProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "MediaMaxFileBytes", SmallLimits.MediaMaxFileBytes, "big.png");
        Assert.Equal(0, await fx.MediaCountAsync(project));
        Assert.Empty(await fx.BlobFilesAsync(project));
    }

    [Fact]
    public async Task UploadLargerThanTheLimitIsRefusedWhole()
    {
        var (_, manager, project) = await ProjectAsync();
        // Five files each under the file limit, together past the upload limit.
        var files = Enumerable.Range(0, 5).Select(i => ($"part{i}.png", PngWith(450 << 10))).ToArray();

        using var r = await manager.Http.UploadAsync(project, files);

        await LimitProblemAsync(r, HttpStatusCode.RequestEntityTooLarge, "MediaMaxUploadBytes", SmallLimits.MediaMaxUploadBytes, "part4.png");
        Assert.Equal(0, await fx.MediaCountAsync(project));
        Assert.Empty(await fx.BlobFilesAsync(project));
    }

    [Fact]
    public async Task OrganisationPastItsStorageQuotaIsAnswered507AndKeepsWhatItHeld()
    {
        var (org, manager, first) = await ProjectAsync();
        var (_, _, second) = await ProjectAsync(org);
        // 4 × ~406 KiB = ~1.6 MiB per upload; the quota is 3 MiB over all the organisation's projects.
        var files = Enumerable.Range(0, 4).Select(i => ($"f{i}.png", PngWith(400 << 10))).ToArray();
        await manager.Http.UploadOkAsync(first, files);

        using (var r = await manager.Http.UploadAsync(second, files))
        {
            var problem = await LimitProblemAsync(r, HttpStatusCode.InsufficientStorage, "OrganizationMaxStorageBytes",
                SmallLimits.OrganizationMaxStorageBytes, "f3.png");
            Assert.StartsWith($"The organisation's projects hold {files.Sum(f => f.Item2.Length)} bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await fx.MediaCountAsync(second));
        Assert.Empty(await fx.BlobFilesAsync(second));
        Assert.Equal(4, await fx.MediaCountAsync(first));

        // The same files again in the first project replace themselves: nothing more is held.
        await manager.Http.UploadOkAsync(first, files);
        Assert.Equal(4, (await fx.BlobFilesAsync(first)).Length);

        // Another organisation has its own quota.
        var (_, stranger, elsewhere) = await ProjectAsync();
        await stranger.Http.UploadOkAsync(elsewhere, files);
    }
}

public sealed class SqliteMediaLimitsTests(SmallLimitsSqliteFixture fx) : MediaLimitsTests<SmallLimitsSqliteFixture>(fx);

public sealed class PostgresMediaLimitsTests(SmallLimitsPostgresFixture fx) : MediaLimitsTests<SmallLimitsPostgresFixture>(fx);
