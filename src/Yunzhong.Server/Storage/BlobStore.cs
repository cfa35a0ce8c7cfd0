using System.Runtime.InteropServices;

namespace Yunzhong.Server.Storage;

/// <summary>
/// Where media, exports and releases live. Blob names are made by the server (never by users), as
/// relative paths with forward slashes. A local folder by default; the interface is the seam for
/// S3-compatible storage (<see cref="S3BlobStore"/>, chosen by <see cref="BlobStores.Create"/>).
/// </summary>
public interface IBlobStore
{
    /// <summary>A seekable stream, so range requests can be served from it; null when absent.</summary>
    Stream? OpenRead(string name);

    /// <summary>As <see cref="OpenRead"/>, without blocking a thread where the store is remote.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken ct) => Task.FromResult(OpenRead(name));

    /// <summary>
    /// As <see cref="OpenReadAsync"/>, for a caller that reads the blob once from its start: where the
    /// store is remote, one request instead of a look-up of the size and then the read.
    /// </summary>
    Task<Stream?> OpenWholeAsync(string name, CancellationToken ct) => OpenReadAsync(name, ct);

    Task DeleteAsync(string name, CancellationToken ct);

    /// <summary>Creates a blob by writing to a stream that becomes visible only when committed.</summary>
    Task<BlobWriter> CreateAsync(string name, CancellationToken ct);

    /// <summary>Makes blobs committed with <c>durable: false</c> durable, all of them together; a
    /// caller that stores many blobs in one go calls this once before recording them.</summary>
    Task SyncAsync(IReadOnlyCollection<string> names, CancellationToken ct);

    /// <summary>Bytes that may still be stored, for readiness; null where the store has no such bound
    /// (object storage).</summary>
    long? AvailableBytes() => null;
}

/// <summary>A blob being written; it appears under its name only after <see cref="CommitAsync"/>.</summary>
public abstract class BlobWriter : IAsyncDisposable
{
    public abstract Stream Stream { get; }

    /// <summary>Makes the blob visible under its name, durable on return.</summary>
    public Task CommitAsync(CancellationToken ct) => CommitAsync(durable: true, ct);

    /// <summary>Makes the blob visible under its name; with <paramref name="durable"/> false it may
    /// be lost in a crash until <see cref="IBlobStore.SyncAsync"/> has covered it.</summary>
    public abstract Task CommitAsync(bool durable, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

public sealed class LocalBlobStore : IBlobStore
{
    private readonly string _root;

    public LocalBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public Stream? OpenRead(string name)
    {
        var path = PathOf(name);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous)
            : null;
    }

    public long? AvailableBytes() => new DriveInfo(_root).AvailableFreeSpace;

    public Task DeleteAsync(string name, CancellationToken ct)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    public Task<BlobWriter> CreateAsync(string name, CancellationToken ct)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        return Task.FromResult<BlobWriter>(new LocalWriter(temp, path));
    }

    /// <summary>
    /// On Linux one syncfs(2) writes out every blob (and rename) of the store's file system at once:
    /// an fsync per file was a journal commit per file, and 100,000 small files from one zip spent
    /// most of 89 s waiting on them. Elsewhere each file is fsynced.
    /// </summary>
    public Task SyncAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return Task.CompletedTask;
        }
        if (OperatingSystem.IsLinux())
        {
            using var any = File.OpenHandle(PathOf(names.First()));
            if (SyncFs(any.DangerousGetHandle().ToInt32()) == 0)
            {
                return Task.CompletedTask;
            }
        }
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            using var f = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            f.Flush(flushToDisk: true);
        }
        return Task.CompletedTask;
    }

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);

    /// <summary>Blob names come from the server, but the check stays: nothing may resolve outside the root.</summary>
    internal string PathOf(string name)
    {
        CheckName(name);
        var full = Path.GetFullPath(Path.Combine(_root, name));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob name '{name}' escapes the store.", nameof(name));
        }
        return full;
    }

    /// <summary>A name of relative path segments with forward slashes, none empty, "." or "..", in every store.</summary>
    internal static void CheckName(string name)
    {
        if (name.Length == 0 || name.Contains('\\') || name.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"Bad blob name '{name}'.", nameof(name));
        }
    }

    private sealed class LocalWriter(string temp, string final) : BlobWriter
    {
        private readonly FileStream _stream = new(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        private bool _committed;

        public override Stream Stream => _stream;

        public override async Task CommitAsync(bool durable, CancellationToken ct)
        {
            await _stream.FlushAsync(ct);
            if (durable)
            {
                _stream.Flush(flushToDisk: true);
            }
            await _stream.DisposeAsync();
            File.Move(temp, final, overwrite: true);
            _committed = true;
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await _stream.DisposeAsync();
            }
            catch (IOException) when (!_committed)
            {
                // The bytes still buffered could not be written (a full disk): they belong to a blob that
                // is being thrown away, and the handle is closed all the same.
            }
            finally
            {
                // A temp file left behind on a full disk would keep the space that recovery needs.
                if (!_committed)
                {
                    File.Delete(temp);
                }
            }
        }
    }
}
