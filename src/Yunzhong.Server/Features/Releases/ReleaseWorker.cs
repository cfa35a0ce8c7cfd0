namespace Yunzhong.Server.Features.Releases;

/// <summary>A release job's state: waiting, being built, done (its release exists) or failed (no release).</summary>
public enum ReleaseJobStatus { Queued, Running, Done, Failed }

/// <summary>What a release build is doing: writing the annotation files (tasks written over all formats),
/// copying the media (files copied), or signing and recording the release.</summary>
public enum ReleasePhase { Queued, Annotations, Media, Signing, Done }

/// <summary>What a release build tells its job as it goes.</summary>
public interface IReleaseProgress
{
    /// <summary>A phase begins, with the count it will reach.</summary>
    Task PhaseAsync(ReleasePhase phase, long total, CancellationToken ct);

    /// <summary>How far the phase has come.</summary>
    Task DoneAsync(long done, CancellationToken ct);

    /// <summary>The build is about to use blob <c>sha256/…</c>: told before the store is asked whether it
    /// holds it (and before it is written), so a build that dies while writing it still leaves its name
    /// behind for the clean-up, and another job's clean-up never deletes it meanwhile
    /// (<see cref="ReleaseBlobNotes"/>). Called concurrently. Answers whether a recorded release names the
    /// blob already (then it is stored for good: such a blob is never deleted).</summary>
    Task<bool> UsingAsync(string sha256, CancellationToken ct);

    /// <summary>In the release's own write transaction, once its rows are written.</summary>
    Task RecordedAsync(DbConnection c, DbTransaction tx, long releaseId, CancellationToken ct);
}

/// <summary>
/// Builds queued releases in the background, one at a time per node. A job is claimed with a
/// conditional update, so every node of a deployment shares the queue; a running job beats while it
/// runs, and one not heard from for <see cref="AbandonedAfter"/> (its node stopped or died) is taken
/// over: the blobs it stored that no release names are deleted and it is built again. A job that
/// fails ends <c>failed</c> with its error, no release, and the same clean-up.
/// </summary>
public sealed class ReleaseWorker(Db db, ReleaseBlobNotes notes, Access access, ReleaseBuilder builder, TimeProvider time, ILogger<ReleaseWorker> log)
    : BackgroundService
{
    /// <summary>A running job not heard from for this long is taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan _beat = TimeSpan.FromSeconds(20);
    private readonly SemaphoreSlim _wake = new(0);

    public void Wake() => _wake.Release();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => JobLoop.RunAsync(ClaimAndRunAsync, _wake, time, log, stoppingToken);

    /// <summary>Claims and runs one job; false when none waits.</summary>
    private async Task<bool> ClaimAndRunAsync(CancellationToken ct)
    {
        ReleaseJobRow job;
        await using (var c = await db.OpenAsync(ct))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var stale = now - (long)AbandonedAfter.TotalMilliseconds;
            var next = await c.QueryFirstOrDefaultAsync<ReleaseJobRow>(new CommandDefinition(ReleaseJobsSql.NextJobSql, new { stale }, cancellationToken: ct));
            if (next is null)
            {
                return false;
            }
            if (await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.ClaimJobSql, new { next.Id, now, stale }, cancellationToken: ct)) == 0)
            {
                return true; // another node took it
            }
            job = next;
        }
        // A job taken over from a node that stopped: what it stored and no release names goes first.
        await CleanUpAsync(job.Id, ct);
        using var beating = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var beat = BeatAsync(job.Id, beating.Token);
        try
        {
            var project = await access.ProjectAsync(job.ProjectId, ct) ?? throw new InvalidOperationException("The project was deleted.");
            var formats = job.Formats.Split(',').Select(Wire.Parse<ExportFileFormat>).ToList();
            await builder.BuildAsync(project, Wire.Parse<ReleaseSource>(job.Source), formats, job.Licence, job.CreatedBy, new Progress(db, notes, time, job.Id), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Release job {Id} failed", job.Id);
            await CleanUpAsync(job.Id, CancellationToken.None);
            await using var c = await db.OpenAsync(CancellationToken.None);
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.FailSql,
                new { id = job.Id, error = Exports.ExportWorker.FailureText(e), now = time.GetUtcNow().ToUnixTimeMilliseconds() }));
        }
        finally
        {
            await beating.CancelAsync();
            await beat;
        }
        return true;
    }

    /// <summary>Deletes the blobs job <paramref name="jobId"/> noted that nothing else names (<see cref="ReleaseBlobNotes.CleanUpAsync"/>).</summary>
    public Task CleanUpAsync(long jobId, CancellationToken ct) => notes.CleanUpAsync(jobId, ct);

    private async Task BeatAsync(long jobId, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(_beat, time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                await using var c = await db.OpenAsync(ct);
                await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.BeatSql,
                    new { id = jobId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
    }

    /// <summary>The job's side of a build: progress at most every quarter second, blobs as they are stored.</summary>
    private sealed class Progress(Db db, ReleaseBlobNotes notes, TimeProvider time, long jobId) : IReleaseProgress
    {
        private ReleasePhase _phase;
        private long _reported;

        public async Task PhaseAsync(ReleasePhase phase, long total, CancellationToken ct)
        {
            _phase = phase;
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.PhaseSql,
                new { id = jobId, phase = Wire.Name(phase), total, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        }

        public async Task DoneAsync(long done, CancellationToken ct)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (now - Interlocked.Read(ref _reported) < 250)
            {
                return;
            }
            Interlocked.Exchange(ref _reported, now);
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.DoneSql, new { id = jobId, done, phase = Wire.Name(_phase), now }, cancellationToken: ct));
        }

        public Task<bool> UsingAsync(string sha256, CancellationToken ct) => notes.NoteAsync(jobId, sha256, ct);

        public async Task RecordedAsync(DbConnection c, DbTransaction tx, long releaseId, CancellationToken ct)
        {
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.FinishSql,
                new { id = jobId, releaseId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(ReleaseJobsSql.ForgetBlobsSql, new { jobId }, tx, cancellationToken: ct));
        }
    }
}

/// <summary>A release job as stored.</summary>
internal sealed class ReleaseJobRow
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string Source { get; set; } = "";
    public string Formats { get; set; } = "";
    public string Licence { get; set; } = "";
    public string Status { get; set; } = "";
    public string Phase { get; set; } = "";
    public long Done { get; set; }
    public long Total { get; set; }
    public long? ReleaseId { get; set; }
    public string? Error { get; set; }
    public long CreatedBy { get; set; }
    public long CreatedAt { get; set; }
    public long? FinishedAt { get; set; }
    public long OrganizationId { get; set; }
}
