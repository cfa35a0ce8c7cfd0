using System.Security.Cryptography;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Tests.Storage;

/// <summary>The S3 store against the suite's S3 server: multipart streaming, all-or-nothing publishing, ranged reads.</summary>
public sealed class S3BlobStoreTests : IAsyncLifetime, IDisposable
{
    private readonly string _location = TestS3.NewLocation();
    private S3BlobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new S3BlobStore(S3Location.Parse(_location), TestS3.Credentials);
        await _store.EnsureBucketAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _store.Dispose();

    private static byte[] Random(int n)
    {
        var b = new byte[n];
        RandomNumberGenerator.Fill(b);
        return b;
    }

    [Fact]
    public async Task ALargeBlobGoesUpInPartsAndReadsBackWhole()
    {
        // Two and a half parts, written in odd-sized pieces as a zip entry or an export would write them.
        var bytes = Random((S3BlobStore.PartSize * 5 / 2) + 17);
        await using (var w = await _store.CreateAsync("big/one", CancellationToken.None))
        {
            for (var at = 0; at < bytes.Length; at += 300_001)
            {
                await w.Stream.WriteAsync(bytes.AsMemory(at, Math.Min(300_001, bytes.Length - at)));
            }
            Assert.Equal(bytes.Length, w.Stream.Length);
            // Parts are on their way, but nothing is visible before the commit.
            Assert.Null(await _store.OpenReadAsync("big/one", CancellationToken.None));
            await w.CommitAsync(CancellationToken.None);
        }
        await using var read = (await _store.OpenReadAsync("big/one", CancellationToken.None))!;
        Assert.Equal(bytes.Length, read.Length);
        var back = new MemoryStream();
        await read.CopyToAsync(back);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(back.ToArray()));
    }

    [Fact]
    public async Task AWriterNotCommittedLeavesNothingSmallOrLarge()
    {
        foreach (var size in new[] { 1000, S3BlobStore.PartSize + 1 })
        {
            await using (var w = await _store.CreateAsync($"gone/{size}", CancellationToken.None))
            {
                await w.Stream.WriteAsync(Random(size));
            }
            Assert.Null(await _store.OpenReadAsync($"gone/{size}", CancellationToken.None));
        }
        Assert.Empty(await TestS3.KeysAsync(_location, "gone/"));
    }

    [Fact]
    public async Task SeeksReadTheRangeAskedFor()
    {
        var bytes = Random(100_000);
        await using (var w = await _store.CreateAsync("ranged", CancellationToken.None))
        {
            await w.Stream.WriteAsync(bytes);
            await w.CommitAsync(CancellationToken.None);
        }
        await using var read = (await _store.OpenReadAsync("ranged", CancellationToken.None))!;
        var buffer = new byte[1000];
        read.Seek(77_000, SeekOrigin.Begin);
        await read.ReadExactlyAsync(buffer);
        Assert.Equal(bytes.AsSpan(77_000, 1000).ToArray(), buffer);
        read.Position = 5;
        await read.ReadExactlyAsync(buffer);
        Assert.Equal(bytes.AsSpan(5, 1000).ToArray(), buffer);
    }

    [Fact]
    public async Task AWholeReadIsOneStreamFromTheStartThatStillSeeksAndAMissingBlobIsNull()
    {
        var bytes = Random(100_000);
        await using (var w = await _store.CreateAsync("whole", CancellationToken.None))
        {
            await w.Stream.WriteAsync(bytes);
            await w.CommitAsync(CancellationToken.None);
        }
        await using (var read = (await _store.OpenWholeAsync("whole", CancellationToken.None))!)
        {
            Assert.Equal(bytes.Length, read.Length);
            var back = new MemoryStream();
            await read.CopyToAsync(back);
            Assert.Equal(bytes, back.ToArray());
            read.Position = 99_000;
            var tail = new byte[1000];
            await read.ReadExactlyAsync(tail);
            Assert.Equal(bytes.AsSpan(99_000).ToArray(), tail);
        }
        Assert.Null(await _store.OpenWholeAsync("not/there", CancellationToken.None));
    }

    [Theory]
    [InlineData("s3://bucket", "bucket", "", null)]
    [InlineData("s3://bucket/some/prefix/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1", "bucket", "some/prefix/", "http://127.0.0.1:9000")]
    public void LocationsParse(string text, string bucket, string prefix, string? endpoint)
    {
        var l = S3Location.Parse(text);
        Assert.Equal((bucket, prefix, endpoint), (l.Bucket, l.Prefix, l.Endpoint));
    }

    [Theory]
    [InlineData("http://bucket")]
    [InlineData("s3:///nobucket")]
    public void OtherLocationsAreRefused(string text) => Assert.Throws<ArgumentException>(() => S3Location.Parse(text));

    [Fact]
    public async Task NamesThatWouldLeaveThePrefixAreRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _store.CreateAsync("../elsewhere", CancellationToken.None));
}
