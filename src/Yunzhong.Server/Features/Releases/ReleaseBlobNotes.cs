using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// Which content-addressed blobs (<c>sha256/…</c>) running release jobs use, and the clean-up of a
/// job's blobs that nothing else names. A job notes each blob <em>before</em> it asks the store
/// whether the blob is there, and the clean-up checks and deletes each blob in one transaction; both
/// take the same lock (<see cref="ReleaseJobsSql.BlobLockSql"/>), so one always sees the other: a
/// note written first keeps the blob (the check finds it), and a delete done first leaves nothing for
/// the job to find, so it writes the blob again. Without the lock a job could find a blob present,
/// lose it to another job's clean-up a moment later, and record a release naming a missing file.
/// </summary>
public sealed class ReleaseBlobNotes(Db db, IBlobStore blobs)
{
    /// <summary>Called inside the clean-up's transaction, after the check and before the delete (tests
    /// use it to hold a clean-up at that point while a job notes the same blob).</summary>
    internal Func<string, Task>? BeforeDelete { get; init; }

    /// <summary>Notes that job <paramref name="jobId"/> is about to use blob <paramref name="sha256"/>;
    /// answers whether a recorded release names it already (such a blob is never deleted).</summary>
    public async Task<bool> NoteAsync(long jobId, string sha256, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Not fsynced (a note per medium; on PostgreSQL synchronous_commit is off for this transaction
        // alone): a note matters only while its job runs, and it is seen by others once committed all the same.
        await using var tx = await db.BeginWriteAsync(c, fsyncOnCommit: false, ct);
        await LockAsync(c, tx, sha256, ct, unsyncedCommit: true);
        await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.NoteSql, new { jobId, sha256 }, tx, cancellationToken: ct));
        var named = await c.ExecuteScalarAsync<bool>(new CommandDefinition(ReleaseJobsSql.NamedSql, new { sha256 }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return named;
    }

    /// <summary>
    /// Deletes each blob job <paramref name="jobId"/> noted that no release names and no other running
    /// job noted (checked again under the lock, blob by blob), then forgets the job's notes.
    /// </summary>
    public async Task CleanUpAsync(long jobId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var noted = (await c.QueryAsync<string>(new CommandDefinition(ReleaseJobsSql.NotedBlobsSql, new { jobId }, cancellationToken: ct))).ToList();
        foreach (var sha256 in noted)
        {
            await using var tx = await db.BeginWriteAsync(c, ct);
            await LockAsync(c, tx, sha256, ct);
            if (await c.ExecuteScalarAsync<long>(new CommandDefinition(ReleaseJobsSql.OrphanSql, new { jobId, sha256 }, tx, cancellationToken: ct)) == 1)
            {
                if (BeforeDelete is { } hold)
                {
                    await hold(sha256);
                }
                await blobs.DeleteAsync(ReleaseBuilder.BlobName(sha256), ct);
            }
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.ForgetBlobSql, new { jobId, sha256 }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.ForgetBlobsSql, new { jobId }, cancellationToken: ct));
    }

    private async Task LockAsync(DbConnection c, DbTransaction tx, string sha256, CancellationToken ct, bool unsyncedCommit = false)
    {
        if (ReleaseJobsSql.BlobLockSql(db.Dialect) is { } sql)
        {
            // One round trip for both.
            sql = unsyncedCommit ? "SET LOCAL synchronous_commit = off; " + sql : sql;
            await c.ExecuteAsync(new CommandDefinition(sql, new { sha256 }, tx, cancellationToken: ct));
        }
    }
}
