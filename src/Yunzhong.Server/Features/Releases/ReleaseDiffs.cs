using System.Data.Common;
using System.Globalization;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// The diff between two releases of a project, from their <c>items.tsv</c> (task id and the SHA-256
/// of its data and answers, in id order): one merge pass over both, a line of each in memory; and
/// the media files of both by path (a medium replaced under the same name is changed, though the
/// task that refers to it is not).
/// </summary>
internal static class ReleaseDiffs
{
    private const int MaxIds = 100;

    public static async Task<ReleaseDiff> CompareAsync(DbConnection c, IBlobStore blobs, ReleaseRow from, ReleaseRow to, CancellationToken ct)
    {
        var media = await CompareMediaAsync(c, from.Id, to.Id, ct);
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
        return new ReleaseDiff(from.Id, to.Id, added, removed, changed, same, addedIds, removedIds, changedIds, media);
    }

    private static async Task<ReleaseMediaDiff> CompareMediaAsync(DbConnection c, long from, long to, CancellationToken ct)
    {
        var before = (await c.QueryAsync<(string Path, string Sha256)>(new CommandDefinition(ReleasesSql.MediaFilesSql, new { releaseId = from }, cancellationToken: ct)))
            .ToDictionary(f => f.Path, f => f.Sha256, StringComparer.Ordinal);
        var after = await c.QueryAsync<(string Path, string Sha256)>(new CommandDefinition(ReleasesSql.MediaFilesSql, new { releaseId = to }, cancellationToken: ct));
        long added = 0, changed = 0, same = 0;
        List<string> addedNames = [], changedNames = [];
        foreach (var (path, sha) in after.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var name = path[ReleaseMedia.Folder.Length..];
            if (!before.Remove(path, out var was))
            {
                added++;
                Keep(addedNames, name);
            }
            else if (was != sha)
            {
                changed++;
                Keep(changedNames, name);
            }
            else
            {
                same++;
            }
        }
        List<string> removedNames = [];
        foreach (var path in before.Keys.Order(StringComparer.Ordinal))
        {
            Keep(removedNames, path[ReleaseMedia.Folder.Length..]);
        }
        return new ReleaseMediaDiff(added, before.Count, changed, same, addedNames, removedNames, changedNames);
    }

    private static void Keep<T>(List<T> ids, T id)
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
