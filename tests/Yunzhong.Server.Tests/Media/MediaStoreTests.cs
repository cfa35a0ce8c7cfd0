using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Tests.Media;

/// <summary>
/// The media batch over a blob store kept in memory, so what is measured is the batch's own work and
/// what is counted is how it asks the store for durability, not the disk of a busy test machine.
/// </summary>
public abstract class MediaStoreTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly byte[] _gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0, 0x3B];

    private async Task<(MediaStore Store, MemoryBlobs Blobs, Org Org, long Project)> StoreAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        var blobs = new MemoryBlobs(fx);
        var store = new MediaStore(fx.Services.GetRequiredService<Db>(), blobs, fx.Time, fx.Services.GetRequiredService<MediaIndex>(),
            Options.Create(new LimitsOptions { ZipMaxEntries = 1_000_000 }));
        return (store, blobs, org, project);
    }

    [Fact]
    public async Task HundredThousandFilesAreAddedToABatchInLinearTime()
    {
        // Each name was checked against a list of every earlier one: 100,000 files made 5·10⁹
        // comparisons before a byte was stored.
        var (store, _, org, project) = await StoreAsync();
        var batch = await store.BeginAsync(project, org.Id, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            using var s = new MemoryStream(_gif);
            Assert.Null(await batch.AddAsync($"frames/{i:D6}.gif", s, _gif.Length, zip: null, CancellationToken.None));
        }
        watch.Stop();
        await batch.AbandonAsync(CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ABatchMakesItsBlobsDurableWithOneSyncBeforeItsRowsAreCommitted()
    {
        var (store, blobs, org, project) = await StoreAsync();
        var batch = await store.BeginAsync(project, org.Id, CancellationToken.None);
        for (var i = 0; i < 50; i++)
        {
            using var s = new MemoryStream(_gif);
            Assert.Null(await batch.AddAsync($"{i}.gif", s, _gif.Length, zip: null, CancellationToken.None));
        }

        await batch.CommitAsync(CancellationToken.None);

        Assert.Equal(0, blobs.DurableCommits);
        var sync = Assert.Single(blobs.Syncs);
        Assert.Equal(50, sync.Names);
        Assert.Equal(0, sync.RowsThen);
        Assert.Equal(50, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM media WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task TheSameNameTwiceInOneBatchIsRefused()
    {
        var (store, _, org, project) = await StoreAsync();
        var batch = await store.BeginAsync(project, org.Id, CancellationToken.None);
        using (var s = new MemoryStream(_gif))
        {
            Assert.Null(await batch.AddAsync("a.gif", s, _gif.Length, zip: null, CancellationToken.None));
        }
        using (var s = new MemoryStream(_gif))
        {
            Assert.Equal("The media name 'a.gif' appears twice in this upload.", await batch.AddAsync("a.gif", s, _gif.Length, zip: null, CancellationToken.None));
        }
        await batch.AbandonAsync(CancellationToken.None);
    }

    /// <summary>Blobs in memory; counts durable commits and syncs, and how many media rows a sync saw.</summary>
    private sealed class MemoryBlobs(ServerFixture fx) : IBlobStore
    {
        private readonly ConcurrentDictionary<string, byte[]> _blobs = new();

        public int DurableCommits;

        public List<(int Names, long RowsThen)> Syncs { get; } = [];

        public Stream? OpenRead(string name) => _blobs.TryGetValue(name, out var b) ? new MemoryStream(b) : null;

        public Task DeleteAsync(string name, CancellationToken ct)
        {
            _blobs.TryRemove(name, out _);
            return Task.CompletedTask;
        }

        public Task<BlobWriter> CreateAsync(string name, CancellationToken ct) => Task.FromResult<BlobWriter>(new Writer(this, name));

        public async Task SyncAsync(IReadOnlyCollection<string> names, CancellationToken ct) =>
            Syncs.Add((names.Count, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM media")));

        private sealed class Writer(MemoryBlobs store, string name) : BlobWriter
        {
            private readonly MemoryStream _stream = new();

            public override Stream Stream => _stream;

            public override Task CommitAsync(bool durable, CancellationToken ct)
            {
                store._blobs[name] = _stream.ToArray();
                if (durable)
                {
                    Interlocked.Increment(ref store.DurableCommits);
                }
                return Task.CompletedTask;
            }

            public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteMediaStoreTests(SqliteFixture fx) : MediaStoreTests<SqliteFixture>(fx);

public sealed class PostgresMediaStoreTests(PostgresFixture fx) : MediaStoreTests<PostgresFixture>(fx);
