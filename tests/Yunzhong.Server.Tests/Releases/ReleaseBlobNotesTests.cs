using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Tests.Releases;

/// <summary>
/// The race between a failed job's clean-up and a running job that uses the same content-addressed
/// blob, played out in both orders; on both engines and both blob stores.
/// </summary>
public abstract class ReleaseBlobNotesTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<long> RunningJobAsync(long project, long user) => await fx.QueryScalarAsync<long>("""
        INSERT INTO release_jobs (project_id, source, formats, licence, status, phase, done, total, created_by, created_at, heartbeat_at, attempts)
        VALUES (@project, 'accepted', 'jsonl', 'CC0', 'running', 'media', 0, 1, @user, 1, @beat, 1) RETURNING id
        """, new { project, user, beat = long.MaxValue / 2 });

    private async Task<string> StoredBlobAsync(IBlobStore store, long job, string? sha = null)
    {
        sha ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        await using (var w = await store.CreateAsync(ReleaseBuilder.BlobName(sha), CancellationToken.None))
        {
            await w.Stream.WriteAsync(Guid.NewGuid().ToByteArray());
            await w.CommitAsync(CancellationToken.None);
        }
        await fx.QueryScalarAsync<long>("INSERT INTO release_job_blobs (job_id, sha256) VALUES (@job, @sha) RETURNING job_id", new { job, sha });
        return sha;
    }

    private static async Task<bool> ExistsAsync(IBlobStore store, string sha)
    {
        await using var blob = await store.OpenReadAsync(ReleaseBuilder.BlobName(sha), CancellationToken.None);
        return blob is not null;
    }

    [Fact]
    public async Task ACleanUpAndAJobUsingTheSameBlobNeverOverlapInEitherOrder()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager);
        var project = await TestData.ProjectAsync(admin, org.Id, new
        {
            fields = new[] { new { name = "text", type = "text" } },
            controls = new object[] { new { name = "label", type = "choices", field = "text", options = new[] { "a", "b" } } },
        });
        var store = fx.Services.GetRequiredService<IBlobStore>();
        var notes = fx.Services.GetRequiredService<ReleaseBlobNotes>();
        var failing = await RunningJobAsync(project, admin.Id);
        var other = await RunningJobAsync(project, admin.Id);

        // 1. The failing job's clean-up has found its blob unused and is about to delete it when the
        //    other job notes the same blob: the note waits until the delete is done, so that job then
        //    finds no blob and writes it again (before the fix it found the blob and lost it).
        var sha = await StoredBlobAsync(store, failing);
        var checkedIt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new ReleaseBlobNotes(fx.Services.GetRequiredService<Db>(), store)
        {
            BeforeDelete = async _ => { checkedIt.TrySetResult(); await goOn.Task; },
        };
        var cleanUp = Task.Run(() => holding.CleanUpAsync(failing, CancellationToken.None));
        await checkedIt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var note = Task.Run(() => notes.NoteAsync(other, sha, CancellationToken.None));
        await Task.Delay(500);
        Assert.False(note.IsCompleted, "the note must wait for the clean-up's delete");
        goOn.SetResult();
        await cleanUp;
        await note;
        Assert.False(await ExistsAsync(store, sha));
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM release_job_blobs WHERE job_id = @other AND sha256 = @sha", new { other, sha }));

        // 2. The other job noted the blob first (it found it stored): the clean-up keeps it.
        var found = await StoredBlobAsync(store, failing);
        await notes.NoteAsync(other, found, CancellationToken.None);
        await notes.CleanUpAsync(failing, CancellationToken.None);
        Assert.True(await ExistsAsync(store, found));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM release_job_blobs WHERE job_id = @failing", new { failing }));

        // 3. Once that job ends too, its own clean-up deletes what no release names.
        await fx.QueryScalarAsync<long>("UPDATE release_jobs SET status = 'failed' WHERE id = @failing RETURNING id", new { failing });
        await notes.CleanUpAsync(other, CancellationToken.None);
        Assert.False(await ExistsAsync(store, found));
        await fx.QueryScalarAsync<long>("UPDATE release_jobs SET status = 'failed' WHERE id = @other RETURNING id", new { other });
    }
}

public sealed class SqliteReleaseBlobNotesTests(SqliteFixture fx) : ReleaseBlobNotesTests<SqliteFixture>(fx);

public sealed class PostgresReleaseBlobNotesTests(PostgresFixture fx) : ReleaseBlobNotesTests<PostgresFixture>(fx);

public sealed class SqliteS3ReleaseBlobNotesTests(SqliteS3Fixture fx) : ReleaseBlobNotesTests<SqliteS3Fixture>(fx);

public sealed class PostgresS3ReleaseBlobNotesTests(PostgresS3Fixture fx) : ReleaseBlobNotesTests<PostgresS3Fixture>(fx);
