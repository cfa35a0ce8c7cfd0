using System.Globalization;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// The diff between two releases of a project, from their <c>items.tsv</c> (task id and the SHA-256
/// of its data and answers, in id order): one merge pass over both, a line of each in memory.
/// </summary>
internal static class ReleaseDiffs
{
    private const int MaxIds = 100;

    public static async Task<ReleaseDiff> CompareAsync(IBlobStore blobs, ReleaseRow from, ReleaseRow to, CancellationToken ct)
    {
        using var a = Open(blobs, from);
        using var b = Open(blobs, to);
        long added = 0, removed = 0, changed = 0, same = 0;
        List<long> addedIds = [], removedIds = [], changedIds = [];
        var x = await NextAsync(a, ct);
        var y = await NextAsync(b, ct);
        while (x is not null || y is not null)
        {
            if (y is null || (x is not null && x.Value.Id < y.Value.Id))
            {
                removed++;
                Keep(removedIds, x!.Value.Id);
                x = await NextAsync(a, ct);
            }
            else if (x is null || y.Value.Id < x.Value.Id)
            {
                added++;
                Keep(addedIds, y.Value.Id);
                y = await NextAsync(b, ct);
            }
            else
            {
                if (x.Value.Hash == y.Value.Hash)
                {
                    same++;
                }
                else
                {
                    changed++;
                    Keep(changedIds, x.Value.Id);
                }
                x = await NextAsync(a, ct);
                y = await NextAsync(b, ct);
            }
        }
        return new ReleaseDiff(from.Id, to.Id, added, removed, changed, same, addedIds, removedIds, changedIds);
    }

    private static void Keep(List<long> ids, long id)
    {
        if (ids.Count < MaxIds)
        {
            ids.Add(id);
        }
    }

    private static StreamReader Open(IBlobStore blobs, ReleaseRow r) =>
        new(blobs.OpenRead(r.ItemsBlob) ?? throw new InvalidOperationException($"Release {r.Id}'s item index is missing from the store."));

    private static async Task<(long Id, string Hash)?> NextAsync(StreamReader r, CancellationToken ct)
    {
        var line = await r.ReadLineAsync(ct);
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        return (long.Parse(line.AsSpan(0, tab), CultureInfo.InvariantCulture), line[(tab + 1)..]);
    }
}
