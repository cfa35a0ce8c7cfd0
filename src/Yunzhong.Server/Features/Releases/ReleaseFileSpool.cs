using Yunzhong.Core.Datasets;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// A release's file entries kept in a temporary file rather than in memory (a release may carry
/// hundreds of thousands of media), read back in the order they were added as often as needed:
/// once for the Merkle root, once for the manifest, once for the <c>release_files</c> rows.
/// </summary>
internal sealed class ReleaseFileSpool : IDisposable
{
    private readonly FileStream _file = new(
        Path.Combine(Path.GetTempPath(), $"yz-release-{Guid.NewGuid():N}.files"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
        FileOptions.DeleteOnClose);
    private readonly BinaryWriter _writer;

    public ReleaseFileSpool() => _writer = new BinaryWriter(_file, System.Text.Encoding.UTF8, leaveOpen: true);

    /// <summary>How many entries were added.</summary>
    public long Count { get; private set; }

    /// <summary>Their sizes added up.</summary>
    public long Bytes { get; private set; }

    public void Add(ReleaseFile file)
    {
        _writer.Write(file.Path);
        _writer.Write(file.Size);
        _writer.Write(file.Sha256);
        Count++;
        Bytes += file.Size;
    }

    /// <summary>The entries in the order added (not to be interleaved with <see cref="Add"/>).</summary>
    public IEnumerable<ReleaseFile> Read()
    {
        _writer.Flush();
        var end = _file.Length;
        _file.Position = 0;
        using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        while (_file.Position < end)
        {
            yield return new ReleaseFile(reader.ReadString(), reader.ReadInt64(), reader.ReadString());
        }
        _file.Position = end;
    }

    /// <summary>
    /// <paramref name="few"/> and <paramref name="many"/>, each in ordinal path order already, merged
    /// into one sequence in that order (what the Merkle tree and the manifest list).
    /// </summary>
    public static IEnumerable<ReleaseFile> Merge(IReadOnlyList<ReleaseFile> few, IEnumerable<ReleaseFile> many)
    {
        var i = 0;
        foreach (var f in many)
        {
            while (i < few.Count && string.CompareOrdinal(few[i].Path, f.Path) < 0)
            {
                yield return few[i++];
            }
            yield return f;
        }
        while (i < few.Count)
        {
            yield return few[i++];
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}
