namespace Yunzhong.Server.Storage;

/// <summary>
/// Where media, exports and releases live. Blob names are made by the server (never by users), as
/// relative paths with forward slashes. A local folder by default; the interface is the seam for
/// S3-compatible storage in production.
/// </summary>
public interface IBlobStore
{
    /// <summary>A seekable stream, so range requests can be served from it; null when absent.</summary>
    Stream? OpenRead(string name);

    Task DeleteAsync(string name, CancellationToken ct);

    /// <summary>Creates a blob by writing to a stream that becomes visible only when committed.</summary>
    Task<BlobWriter> CreateAsync(string name, CancellationToken ct);
}

/// <summary>A blob being written; it appears under its name only after <see cref="CommitAsync"/>.</summary>
public abstract class BlobWriter : IAsyncDisposable
{
    public abstract Stream Stream { get; }

    public abstract Task CommitAsync(CancellationToken ct);

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

    public Stream? OpenRead(string name)
    {
        var path = PathOf(name);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous)
            : null;
    }

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

    /// <summary>Blob names come from the server, but the check stays: nothing may resolve outside the root.</summary>
    internal string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('\\') || name.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"Bad blob name '{name}'.", nameof(name));
        }
        var full = Path.GetFullPath(Path.Combine(_root, name));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob name '{name}' escapes the store.", nameof(name));
        }
        return full;
    }

    private sealed class LocalWriter(string temp, string final) : BlobWriter
    {
        private readonly FileStream _stream = new(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        private bool _committed;

        public override Stream Stream => _stream;

        public override async Task CommitAsync(CancellationToken ct)
        {
            await _stream.FlushAsync(ct);
            _stream.Flush(flushToDisk: true);
            await _stream.DisposeAsync();
            File.Move(temp, final, overwrite: true);
            _committed = true;
        }

        public override async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            if (!_committed)
            {
                File.Delete(temp);
            }
        }
    }
}
