using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Health;

/// <summary>
/// What readiness demands (section <c>Readiness</c>, e.g. <c>Readiness__MinFreeBytes=1073741824</c>).
/// </summary>
public sealed class ReadinessOptions
{
    public const string Section = "Readiness";

    /// <summary>Free bytes the blob store's disk (and SQLite's data folder) must keep. Below it the node
    /// says it is not ready while it can still answer: a disk that fills up mid-import fails the import,
    /// one that is reported low first sends the work elsewhere.</summary>
    public long MinFreeBytes { get; set; } = 256L << 20;

    /// <summary>How long one probe's answer is reused: a load balancer's probes (several a second from
    /// several balancers) then cost one database query and one small file per period.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A probe that takes longer than this counts as failed: a database that answers in 30 s is
    /// not one to send work to.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class ReadinessOptionsValidator : IValidateOptions<ReadinessOptions>
{
    public ValidateOptionsResult Validate(string? name, ReadinessOptions o)
    {
        var errors = new List<string>();
        if (o.MinFreeBytes < 0)
        {
            errors.Add($"{ReadinessOptions.Section}:MinFreeBytes must be 0 or more.");
        }
        if (o.CacheFor < TimeSpan.Zero || o.CacheFor > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{ReadinessOptions.Section}:CacheFor must be between 0 and 1 minute.");
        }
        if (o.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{ReadinessOptions.Section}:Timeout must be more than 0.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The answer of <c>GET /readyz</c>: each check and "ok" or what is wrong with it.</summary>
public sealed record ReadyResponse(string Status, IReadOnlyDictionary<string, string> Checks);

/// <summary>
/// Whether this node can do work now: the database answers a query, the blob store writes, reads back
/// and deletes a small file, and its disk has more than <see cref="ReadinessOptions.MinFreeBytes"/>
/// free. The answer names each check in plain words and never the exception, host or path behind
/// it (the endpoint is public); those go to the log.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A singleton for the life of the process; its SemaphoreSlim never allocates a wait handle, so there is nothing to release.")]
public sealed class Readiness(Db db, IBlobStore blobs, IOptions<ReadinessOptions> options, TimeProvider time, ILogger<Readiness> log)
{
    public const string Database = "database";
    public const string BlobStore = "blobStore";
    public const string FreeSpace = "freeSpace";
    private const string Ok = "ok";

    private readonly ReadinessOptions _options = options.Value;
    private readonly SemaphoreSlim _probing = new(1, 1);
    private (DateTimeOffset At, Dictionary<string, string> Checks)? _last;

    public async Task<IReadOnlyDictionary<string, string>> CheckAsync(CancellationToken ct)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }
        // One probe at a time; callers that queued behind it take its answer.
        await _probing.WaitAsync(ct);
        try
        {
            if (Fresh() is { } justMade)
            {
                return justMade;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            var checks = new Dictionary<string, string>
            {
                [Database] = await ProbeAsync(Database, "The database does not answer.", ProbeDatabaseAsync, timeout.Token),
                [BlobStore] = await ProbeAsync(BlobStore, "The blob store cannot write, read back and delete a file.", ProbeBlobsAsync, timeout.Token),
                [FreeSpace] = ProbeSpace(),
            };
            // A probe cut short because the caller went away says nothing about the node: not kept.
            ct.ThrowIfCancellationRequested();
            _last = (time.GetUtcNow(), checks);
            return checks;
        }
        finally
        {
            _probing.Release();
        }
    }

    public static bool IsOk(string check) => check == Ok;

    public static bool AllOk(IReadOnlyDictionary<string, string> checks) => checks.Values.All(IsOk);

    private Dictionary<string, string>? Fresh() =>
        _last is { } last && time.GetUtcNow() - last.At < _options.CacheFor ? last.Checks : null;

    private async Task<string> ProbeAsync(string check, string failure, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        try
        {
            await probe(ct);
            return Ok;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Readiness check {Check} failed", check);
            return failure;
        }
    }

    private async Task ProbeDatabaseAsync(CancellationToken ct)
    {
        await db.ProbeAsync(ct);
    }

    private async Task ProbeBlobsAsync(CancellationToken ct)
    {
        // A name of its own per probe: several nodes may share one store.
        var name = $"readyz/{Guid.NewGuid():N}";
        var bytes = Guid.NewGuid().ToByteArray();
        await using (var writer = await blobs.CreateAsync(name, ct))
        {
            await writer.Stream.WriteAsync(bytes, ct);
            await writer.CommitAsync(ct);
        }
        try
        {
            await using var read = await blobs.OpenReadAsync(name, ct) ?? throw new IOException("The probe blob is missing right after it was written.");
            var back = new byte[bytes.Length + 1];
            var n = await read.ReadAtLeastAsync(back, back.Length, throwOnEndOfStream: false, ct);
            if (!back.AsSpan(0, n).SequenceEqual(bytes))
            {
                throw new IOException("The probe blob reads back different bytes.");
            }
        }
        finally
        {
            await blobs.DeleteAsync(name, ct);
        }
    }

    private string ProbeSpace()
    {
        try
        {
            var free = blobs.AvailableBytes();
            if (db.LocalFile is { } file)
            {
                var dbFree = new DriveInfo(Path.GetDirectoryName(file)!).AvailableFreeSpace;
                free = free is null ? dbFree : Math.Min(free.Value, dbFree);
            }
            if (free is null || free >= _options.MinFreeBytes)
            {
                return Ok;
            }
            // The figures go to the log: the endpoint is public, and how full a node's disk is tells
            // an outsider nothing it needs.
            log.LogWarning("Readiness: {Free} bytes free, below {Floor}", free, _options.MinFreeBytes);
            return $"Free space is below {ReadinessOptions.Section}:MinFreeBytes.";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.LogWarning(e, "Readiness check {Check} failed", FreeSpace);
            return "The free space of the storage cannot be read.";
        }
    }
}

public static class HealthApi
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddOptions<ReadinessOptions>().BindConfiguration(ReadinessOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReadinessOptions>, ReadinessOptionsValidator>();
        services.AddSingleton<Readiness>();
        return services;
    }

    /// <summary>
    /// <c>/healthz</c>: the process answers (liveness: restart it if not). <c>/readyz</c>: it can do work
    /// (readiness: send it none if not). Both public, for load balancers and orchestrators, and left out
    /// of the OpenAPI description, which describes the API that the UI and scripts call.
    /// </summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).ExcludeFromDescription();
    }

    private static async Task<Results<Ok<ReadyResponse>, ProblemHttpResult>> ReadyAsync(Readiness readiness, CancellationToken ct)
    {
        var checks = await readiness.CheckAsync(ct);
        if (Readiness.AllOk(checks))
        {
            return TypedResults.Ok(new ReadyResponse("ready", checks));
        }
        var failed = checks.Where(c => !Readiness.IsOk(c.Value)).Select(c => $"{c.Key}: {c.Value}");
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The server is not ready to take work.",
            detail: string.Join(" ", failed),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }
}
