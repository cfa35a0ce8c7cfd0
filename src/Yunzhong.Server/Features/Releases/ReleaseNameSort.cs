using System.Runtime.InteropServices;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// Names added in any order, with repeats, read back once each in ordinal order (what a release's
/// file list and Merkle tree need), through temporary files rather than a set in memory: a release
/// of a million tasks may name as many media. Names are held <see cref="RunSize"/> at a time, sorted
/// and written as a run; <see cref="Sort"/> merges the runs into one file of distinct names. Memory:
/// one run, and one name and one small buffer per run while merging. Strings are written as their
/// UTF-16 code units, so every name (a lone surrogate included) comes back exactly as added and in
/// <see cref="string.CompareOrdinal(string, string)"/> order.
/// </summary>
internal sealed class ReleaseNameSort : IDisposable
{
    /// <summary>Names sorted in memory at once (about 100 bytes each for media names).</summary>
    public const int DefaultRunSize = 64 * 1024;

    private readonly int _runSize;
    private readonly List<string> _run = [];
    private readonly List<(long Start, long End)> _runs = [];
    private readonly string _runsPath = Temp();
    private readonly string _sortedPath = Temp();
    private FileStream? _runsFile;
    private FileStream? _sorted;
    private string? _last;

    public ReleaseNameSort(int runSize = DefaultRunSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runSize, 1);
        _runSize = runSize;
    }

    /// <summary>How many distinct names there are (known after <see cref="Sort"/>).</summary>
    public long Count { get; private set; }

    /// <summary>Takes a name; a repeat of the one just added costs nothing (tasks often name the same medium in a row).</summary>
    public void Add(string name)
    {
        if (_sorted is not null)
        {
            throw new InvalidOperationException("The names were sorted already.");
        }
        if (string.Equals(name, _last, StringComparison.Ordinal))
        {
            return;
        }
        _last = name;
        _run.Add(name);
        if (_run.Count >= _runSize)
        {
            WriteRun();
        }
    }

    /// <summary>Merges what was added into one sorted file of distinct names; answers their count.</summary>
    public long Sort()
    {
        if (_sorted is not null)
        {
            return Count;
        }
        _sorted = new FileStream(_sortedPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        using var output = new BinaryWriter(_sorted, System.Text.Encoding.UTF8, leaveOpen: true);
        if (_runs.Count == 0)
        {
            // Everything fits one run: straight from memory.
            Count = WriteDistinct(SortedRun(), output);
        }
        else
        {
            WriteRun();
            Count = WriteDistinct(MergeRuns(), output);
        }
        _run.Clear();
        _run.TrimExcess();
        output.Flush();
        return Count;
    }

    /// <summary>The distinct names in ordinal order (after <see cref="Sort"/>), read from the file each time.</summary>
    public IEnumerable<string> Read()
    {
        var sorted = _sorted ?? throw new InvalidOperationException("Sort first.");
        sorted.Position = 0;
        using var reader = new BinaryReader(sorted, System.Text.Encoding.UTF8, leaveOpen: true);
        for (long i = 0; i < Count; i++)
        {
            yield return ReadName(reader);
        }
    }

    private List<string> SortedRun()
    {
        _run.Sort(string.CompareOrdinal);
        return _run;
    }

    private void WriteRun()
    {
        if (_run.Count == 0)
        {
            return;
        }
        _runsFile ??= new FileStream(_runsPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 64 * 1024, FileOptions.DeleteOnClose);
        var start = _runsFile.Position;
        using (var w = new BinaryWriter(_runsFile, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            WriteDistinct(SortedRun(), w);
        }
        _runs.Add((start, _runsFile.Position));
        _run.Clear();
        _last = null;
    }

    /// <summary>The runs merged, in ordinal order, repeats included: each run read through a reader of its own.</summary>
    private IEnumerable<string> MergeRuns()
    {
        _runsFile!.Flush();
        var readers = new List<BinaryReader>(_runs.Count);
        try
        {
            var heads = new PriorityQueue<int, string>(_runs.Count, StringComparer.Ordinal);
            foreach (var (start, end) in _runs)
            {
                var stream = new FileStream(_runsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024);
                stream.Position = start;
                readers.Add(new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: false));
            }
            var ends = _runs.Select(r => r.End).ToArray();
            for (var i = 0; i < readers.Count; i++)
            {
                heads.Enqueue(i, ReadName(readers[i]));
            }
            while (heads.TryDequeue(out var i, out var name))
            {
                yield return name;
                if (readers[i].BaseStream.Position < ends[i])
                {
                    heads.Enqueue(i, ReadName(readers[i]));
                }
            }
        }
        finally
        {
            foreach (var r in readers)
            {
                r.Dispose();
            }
        }
    }

    private static long WriteDistinct(IEnumerable<string> ordered, BinaryWriter output)
    {
        long count = 0;
        string? previous = null;
        foreach (var name in ordered)
        {
            if (string.Equals(name, previous, StringComparison.Ordinal))
            {
                continue;
            }
            output.Write(name.Length);
            output.Write(MemoryMarshal.AsBytes(name.AsSpan()));
            previous = name;
            count++;
        }
        return count;
    }

    private static string ReadName(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        return string.Create(length, reader.BaseStream, static (chars, stream) => stream.ReadExactly(MemoryMarshal.AsBytes(chars)));
    }

    private static string Temp() => Path.Combine(Path.GetTempPath(), $"yz-release-{Guid.NewGuid():N}.names");

    public void Dispose()
    {
        _runsFile?.Dispose();
        _sorted?.Dispose();
    }
}
