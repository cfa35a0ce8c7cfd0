using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Media;

/// <summary>A video's scrub proxy, read by whoever may read the video itself (every member of the project, so 404 only).</summary>
public static class ScrubApi
{
    public static IEndpointRouteBuilder MapScrub(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/projects/{projectId:long}/scrub").WithTags("Media").SignedIn();
        g.MapGet("", View).WithName("getScrubProxy").FieldErrors().Problems(StatusCodes.Status404NotFound);
        g.MapGet("/{key}/storyboard", Storyboard).WithName("getScrubStoryboard").Problems(StatusCodes.Status404NotFound).File("application/octet-stream");
        g.MapGet("/{key}/{chunk:int}", Chunk).WithName("getScrubChunk").Problems(StatusCodes.Status404NotFound).File("application/octet-stream");
        return app;
    }

    /// <summary>Where the scrub proxy of project media <paramref name="name"/> stands, and where its chunks are once ready.</summary>
    private static async Task<Results<Ok<ScrubView>, ProblemHttpResult, ValidationProblem>> View(
        long projectId, string? name, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Http.Invalid("name", "Name the video: ?name= as it was uploaded.", ProblemCodes.FieldRequired);
        }
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(ScrubSql.ViewSql, new { projectId, name }, cancellationToken: ct));
        if (row is null)
        {
            return Http.NotFound("Media file");
        }
        var status = row.Status is null ? ScrubStatus.None : Wire.TryParse<ScrubStatus>(row.Status, out var s) ? s : ScrubStatus.None;
        var ready = status == ScrubStatus.Ready;
        return TypedResults.Ok(new ScrubView(status, row.Error, ready ? row.Fps : null, ready ? (int?)row.Frames : null, ready ? (int?)row.ChunkFrames : null,
            ready ? (int?)row.Width : null, ready ? (int?)row.Height : null, ready ? $"/api/projects/{projectId}/scrub/{ScrubProxies.KeyOf(row.Blob)}/" : null,
            ready ? $"/api/projects/{projectId}/scrub/{ScrubProxies.KeyOf(row.Blob)}/storyboard" : null));
    }

    private sealed record Row(string Blob, string ContentType, string? Status, string? Error, double? Fps, long? Frames, long? ChunkFrames, long? Width, long? Height);

    /// <summary>
    /// Chunk <paramref name="chunk"/> of a ready proxy. A chunk's bytes never change (a replaced video
    /// has another key), so the browser keeps it.
    /// </summary>
    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> Chunk(
        long projectId, string key, int chunk, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, HttpResponse response, CancellationToken ct) =>
        ServeAsync(projectId, key, p => chunk >= 0 && chunk < (p.Frames + p.ChunkFrames - 1) / p.ChunkFrames ? ScrubProxies.ChunkBlob(projectId, key, chunk) : null,
            user, access, db, blobs, response, ct);

    /// <summary>
    /// The storyboard of a ready proxy (every s-th frame, for a drag faster than chunks arrive); 404 for
    /// a proxy made before storyboards were, which the browser scrubs with its chunks alone.
    /// </summary>
    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> Storyboard(
        long projectId, string key, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, HttpResponse response, CancellationToken ct) =>
        ServeAsync(projectId, key, _ => ScrubProxies.StoryboardBlob(projectId, key), user, access, db, blobs, response, ct);

    /// <summary>A blob of project <paramref name="projectId"/>'s ready proxy <paramref name="key"/>, named by <paramref name="blobOf"/> (null: none such).</summary>
    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ServeAsync(
        long projectId, string key, Func<(long Frames, long ChunkFrames), string?> blobOf,
        ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, HttpResponse response, CancellationToken ct)
    {
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        if (key.Length != 32 || !key.All(char.IsAsciiHexDigitLower))
        {
            return Http.NotFound("Scrub chunk");
        }
        await using var c = await db.OpenAsync(ct);
        var proxy = await c.QueryFirstOrDefaultAsync<(long Frames, long ChunkFrames)?>(new CommandDefinition(
            ScrubSql.ChunkSql, new { projectId, blob = $"media/{projectId}/{key}" }, cancellationToken: ct));
        if (proxy is not { } p || blobOf(p) is not { } name)
        {
            return Http.NotFound("Scrub chunk");
        }
        var stream = await blobs.OpenReadAsync(name, ct);
        if (stream is null)
        {
            return Http.NotFound("Scrub chunk");
        }
        // A proxy's bytes never change (a replaced video has another key): the browser keeps them.
        response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.File(stream, "application/octet-stream");
    }
}
