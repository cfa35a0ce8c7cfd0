using System.IO.Compression;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Yunzhong.Core.Media;
using Yunzhong.Server.Data;
using Yunzhong.Server.Security;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Media;

public sealed record MediaView(string Name, string ContentType, long SizeBytes, int? Width, int? Height, double? DurationSeconds, string Url);

public static class MediaApi
{
    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/projects/{projectId:long}/media").WithTags("Media").RequireAuthorization();
        g.MapPost("", Upload).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute());
        g.MapGet("", List);
        g.MapGet("/{**name}", Download);
        return app;
    }

    /// <summary>
    /// Multipart upload of media files; a <c>.zip</c> part is unpacked. Each file's type is decided by
    /// its content. All land or none: a bad file removes what this request already stored.
    /// </summary>
    private static async Task<Results<Ok<List<MediaView>>, ProblemHttpResult, ValidationProblem>> Upload(
        long projectId, HttpRequest request, ClaimsPrincipal user, Access access, MediaStore store, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only managers add media to a project.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (!request.HasFormContentType)
        {
            return Http.Invalid("files", "Send the files as multipart/form-data.");
        }
        var form = await request.ReadFormAsync(ct);
        if (form.Files.Count == 0)
        {
            return Http.Invalid("files", "No file in the request.");
        }
        var batch = store.Begin(projectId);
        try
        {
            foreach (var file in form.Files)
            {
                await using var s = file.OpenReadStream();
                if (file.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    try
                    {
                        using var zip = new ZipArchive(s, ZipArchiveMode.Read);
                        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
                        {
                            await using var es = entry.Open();
                            var error = await batch.AddAsync(entry.FullName, es, entry.Length, ct);
                            if (error is not null)
                            {
                                await batch.AbandonAsync(ct);
                                return Http.Invalid($"{file.FileName}/{entry.FullName}", error);
                            }
                        }
                    }
                    catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException)
                    {
                        // A damaged archive is the client's file: 400 naming it, not a 500 (found while
                        // fuzzing the upload's zip path, tests/Yunzhong.Fuzz). ZipArchive answers bad
                        // headers with InvalidDataException; a seek they send before the start or past
                        // the end comes out of the form's file stream as ArgumentOutOfRangeException
                        // (a MemoryStream would have answered IOException, which ZipArchive handles).
                        await batch.AbandonAsync(ct);
                        return Http.Invalid(file.FileName, $"'{file.FileName}' is not a zip archive this server can read: {ex.Message}");
                    }
                }
                else
                {
                    var error = await batch.AddAsync(file.FileName, s, file.Length, ct);
                    if (error is not null)
                    {
                        await batch.AbandonAsync(ct);
                        return Http.Invalid(file.FileName, error);
                    }
                }
            }
            var saved = await batch.CommitAsync(ct);
            return TypedResults.Ok(saved);
        }
        catch
        {
            await batch.AbandonAsync(CancellationToken.None);
            throw;
        }
    }

    private static async Task<Results<Ok<List<MediaView>>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<MediaStore.Row>(new CommandDefinition(
            "SELECT name, content_type AS ContentType, size_bytes AS SizeBytes, width, height, duration, blob_name AS BlobName FROM media WHERE project_id = @projectId ORDER BY name",
            new { projectId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.View(projectId)).ToList());
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        long projectId, string name, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, CancellationToken ct)
    {
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<(string BlobName, string ContentType)?>(new CommandDefinition(
            "SELECT blob_name, content_type FROM media WHERE project_id = @projectId AND name = @name",
            new { projectId, name }, cancellationToken: ct));
        var stream = row is null ? null : blobs.OpenRead(row.Value.BlobName);
        if (stream is null)
        {
            return Http.NotFound("Media file");
        }
        return TypedResults.File(stream, row!.Value.ContentType, fileDownloadName: null, enableRangeProcessing: true);
    }
}

/// <summary>Stores uploaded media: names checked, types sniffed from content, rows and blobs kept in step.</summary>
public sealed class MediaStore(Db db, IBlobStore blobs, TimeProvider time, MediaIndex index)
{
    private readonly Db _db = db;
    private readonly IBlobStore _blobs = blobs;
    private readonly TimeProvider _time = time;
    private readonly MediaIndex _index = index;

    public const int MaxNameLength = 255;

    public Batch Begin(long projectId) => new(this, projectId);

    /// <summary>A media name is a relative path of plain segments: no traversal, no control characters.</summary>
    public static string? CheckName(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            return $"A media name must have 1 to {MaxNameLength} characters.";
        }
        if (name.StartsWith('/') || name.Contains('\\') || name.Split('/').Any(p => p is "" or "." or ".."))
        {
            return $"The media name '{name}' is not a plain relative path.";
        }
        if (name.Any(char.IsControl))
        {
            return "A media name may not contain control characters.";
        }
        return null;
    }

    public sealed class Batch(MediaStore store, long projectId)
    {
        private readonly List<Row> _rows = [];

        public async Task<string?> AddAsync(string name, Stream content, long length, CancellationToken ct)
        {
            var nameError = CheckName(name);
            if (nameError is not null)
            {
                return nameError;
            }
            if (_rows.Any(r => r.Name == name))
            {
                return $"The media name '{name}' appears twice in this upload.";
            }
            var head = new byte[MediaSniffer.HeadBytes];
            var n = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var sniff = MediaSniffer.Sniff(head.AsSpan(0, n), length);
            if (sniff is null)
            {
                return $"'{name}' is not an image, audio or video file this platform can show (judged by its content).";
            }
            var blob = $"media/{projectId}/{Guid.NewGuid():N}";
            await using (var w = await store._blobs.CreateAsync(blob, ct))
            {
                await w.Stream.WriteAsync(head.AsMemory(0, n), ct);
                await content.CopyToAsync(w.Stream, ct);
                var size = w.Stream.Length;
                await w.CommitAsync(ct);
                _rows.Add(new Row(name, sniff.ContentType, size, sniff.Width, sniff.Height, sniff.DurationSeconds, blob));
            }
            return null;
        }

        public async Task<List<MediaView>> CommitAsync(CancellationToken ct)
        {
            var now = store._time.GetUtcNow().ToUnixTimeMilliseconds();
            var replaced = new List<string>();
            await using (var c = await store._db.OpenAsync(ct))
            await using (var tx = await store._db.BeginWriteAsync(c, ct))
            {
                foreach (var r in _rows)
                {
                    var old = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                        "SELECT blob_name FROM media WHERE project_id = @projectId AND name = @Name", new { projectId, r.Name }, tx, cancellationToken: ct));
                    if (old is not null)
                    {
                        replaced.Add(old);
                        await c.ExecuteAsync(new CommandDefinition(
                            "DELETE FROM media WHERE project_id = @projectId AND name = @Name", new { projectId, r.Name }, tx, cancellationToken: ct));
                    }
                    await c.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO media (project_id, name, blob_name, content_type, size_bytes, width, height, duration, created_at)
                        VALUES (@projectId, @Name, @BlobName, @ContentType, @SizeBytes, @Width, @Height, @Duration, @now)
                        """, new { projectId, r.Name, r.BlobName, r.ContentType, r.SizeBytes, r.Width, r.Height, r.Duration, now }, tx, cancellationToken: ct));
                }
                await tx.CommitAsync(ct);
            }
            foreach (var old in replaced)
            {
                await store._blobs.DeleteAsync(old, ct);
            }
            store._index.Forget(projectId);
            return _rows.Select(r => r.View(projectId)).ToList();
        }

        public async Task AbandonAsync(CancellationToken ct)
        {
            foreach (var r in _rows)
            {
                await store._blobs.DeleteAsync(r.BlobName, ct);
            }
            _rows.Clear();
        }
    }

    public sealed record Row(string Name, string ContentType, long SizeBytes, long? Width, long? Height, double? Duration, string BlobName)
    {
        public MediaView View(long projectId) =>
            new(Name, ContentType, SizeBytes, (int?)Width, (int?)Height, Duration, MediaIndex.UrlPrefix(projectId) + Uri.EscapeDataString(Name).Replace("%2F", "/", StringComparison.Ordinal));
    }
}
