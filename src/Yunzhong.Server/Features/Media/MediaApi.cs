using System.IO.Compression;
using Yunzhong.Core.Media;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Media;

public sealed record MediaView(string Name, string ContentType, long SizeBytes, int? Width, int? Height, double? DurationSeconds, string Url);

public static class MediaApi
{
    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/projects/{projectId:long}/media").WithTags("Media").SignedIn();
        g.MapPost("", Upload).DisableAntiforgery().WithMetadata(new BodyLimit(nameof(LimitsOptions.MediaMaxUploadBytes)))
            .WithName("uploadMedia").Gated().FieldErrors()
            .Problems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status507InsufficientStorage);
        // Annotators need their tasks' files: every member reads them, so 404 only.
        g.MapGet("", List).WithName("listMedia").Problems(StatusCodes.Status404NotFound);
        g.MapGet("/{**name}", Download).WithName("downloadMedia").Problems(StatusCodes.Status404NotFound).File("application/octet-stream");
        // HEAD: the headers GET would send, from the media row, no blob opened. The video view asks a file's
        // size before it fetches the whole file for a waveform; a 405 here let it fetch a 190 MB video.
        g.MapMethods("/{**name}", [HttpMethods.Head], Head).WithName("headMedia").File("application/octet-stream").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// Multipart upload of media files; a <c>.zip</c> part is unpacked. Each file's type is decided by
    /// its content. All land or none: a bad file, or one past a bound of <see cref="LimitsOptions"/>
    /// (413; 507 past the organisation's storage), removes what this request already stored.
    /// </summary>
    private static async Task<Results<Ok<List<MediaView>>, ProblemHttpResult, ValidationProblem>> Upload(
        long projectId, HttpRequest request, ClaimsPrincipal user, Access access, MediaStore store, IOptions<LimitsOptions> limits,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only managers add media to a project.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (!request.HasFormContentType)
        {
            return Http.Invalid("files", "Send the files as multipart/form-data.", ProblemCodes.MediaNoFile);
        }
        var form = await request.ReadFormAsync(ct);
        if (form.Files.Count == 0)
        {
            return Http.Invalid("files", "No file in the request.", ProblemCodes.MediaNoFile);
        }
        var batch = await store.BeginAsync(project.Id, project.OrganizationId, ct);
        var field = "files";
        try
        {
            foreach (var file in form.Files)
            {
                field = file.FileName;
                await using var s = file.OpenReadStream();
                if (file.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    var error = await AddZipAsync(batch, file.FileName, s, limits.Value, f => field = f, ct);
                    if (error is not null)
                    {
                        await batch.AbandonAsync(ct);
                        return Http.Invalid(field, error, ProblemCodes.MediaInvalid);
                    }
                }
                else
                {
                    var error = await batch.AddAsync(file.FileName, s, file.Length, zip: null, ct);
                    if (error is not null)
                    {
                        await batch.AbandonAsync(ct);
                        return Http.Invalid(file.FileName, error, ProblemCodes.MediaInvalid);
                    }
                }
            }
            field = "files";
            var saved = await batch.CommitAsync(ct);
            return TypedResults.Ok(saved);
        }
        catch (MediaLimitException e)
        {
            await batch.AbandonAsync(CancellationToken.None);
            return LimitsOptions.Exceeded(e.Status, e.Setting, e.Value, field, e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException)
        {
            // System.IO.Compression's word for a zip it cannot read; a seek a damaged zip sends before
            // the start or past the end comes out of the form's file stream as ArgumentOutOfRangeException
            // (found fuzzing the upload's zip path, tests/Yunzhong.Fuzz).
            await batch.AbandonAsync(CancellationToken.None);
            return Http.Invalid(field, "The zip cannot be read: " + e.Message, ProblemCodes.MediaInvalid);
        }
        catch
        {
            await batch.AbandonAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Unpacks one zip into the batch. The number of entries is judged from the zip's end record before
    /// its directory is read (reading it holds every entry in memory); every byte unpacked is counted
    /// as it is read, against the file, upload, ratio and storage bounds, whatever sizes the headers
    /// declare. <paramref name="naming"/> learns which entry is being read, for the answer's field.
    /// </summary>
    private static async Task<string?> AddZipAsync(
        MediaStore.Batch batch, string fileName, Stream s, LimitsOptions limits, Action<string> naming, CancellationToken ct)
    {
        // Without an end record ZipArchive fails on a seek before its own check, and without a
        // seekable stream it would copy the whole zip into memory: neither is read further.
        if (await ZipEnd.DeclaredEntriesAsync(s, ct) is not { } declared)
        {
            naming(fileName);
            return "The zip cannot be read: it has no end of central directory record.";
        }
        if (declared > limits.ZipMaxEntries)
        {
            throw MediaLimitException.ZipEntries(limits.ZipMaxEntries, declared);
        }
        using var zip = new ZipArchive(s, ZipArchiveMode.Read);
        if (zip.Entries.Count > limits.ZipMaxEntries)
        {
            throw MediaLimitException.ZipEntries(limits.ZipMaxEntries, zip.Entries.Count);
        }
        var meter = new ZipMeter(s.Length);
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }
            naming($"{fileName}/{entry.FullName}");
            await using var es = entry.Open();
            var error = await batch.AddAsync(entry.FullName, es, entry.Length, meter, ct);
            if (error is not null)
            {
                return error;
            }
        }
        return null;
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
            MediaSql.ListSql, new { projectId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.View(projectId)).ToList());
    }

    private static async Task<IResult> Head(long projectId, string name, ClaimsPrincipal user, Access access, Db db, HttpContext http, CancellationToken ct)
    {
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<(string ContentType, long SizeBytes)?>(new CommandDefinition(
            MediaSql.HeadSql, new { projectId, name }, cancellationToken: ct));
        if (row is null)
        {
            return Http.NotFound("Media file");
        }
        http.Response.ContentType = row.Value.ContentType;
        http.Response.ContentLength = row.Value.SizeBytes;
        http.Response.Headers.AcceptRanges = "bytes";
        return Results.Empty;
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
            MediaSql.DownloadSql, new { projectId, name }, cancellationToken: ct));
        var stream = row is null ? null : await blobs.OpenReadAsync(row.Value.BlobName, ct);
        if (stream is null)
        {
            return Http.NotFound("Media file");
        }
        return TypedResults.File(stream, row!.Value.ContentType, fileDownloadName: null, enableRangeProcessing: true);
    }
}

/// <summary>Stores uploaded media: names checked, types sniffed from content, rows and blobs kept in step;
/// a video's scrub proxy is queued with it (none where <paramref name="scrub"/> is null, as in tests of the batch alone).</summary>
public sealed class MediaStore(Db db, IBlobStore blobs, TimeProvider time, MediaIndex index, IOptions<LimitsOptions> limits, ScrubProxies? scrub = null)
{
    private readonly ScrubProxies? _scrub = scrub;
    private readonly Db _db = db;
    private readonly IBlobStore _blobs = blobs;
    private readonly TimeProvider _time = time;
    private readonly MediaIndex _index = index;
    private readonly LimitsOptions _limits = limits.Value;

    public const int MaxNameLength = 255;

    /// <summary>
    /// The bytes of the media file that task data names by <paramref name="reference"/> (the project's
    /// own media URL), or null when the project holds no such file; what a model reads.
    /// </summary>
    public async Task<byte[]?> ReadAsync(long projectId, string reference, CancellationToken ct)
    {
        var prefix = MediaIndex.UrlPrefix(projectId);
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var name = Uri.UnescapeDataString(reference[prefix.Length..]);
        await using var c = await _db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<(string BlobName, string ContentType)?>(new CommandDefinition(
            MediaSql.DownloadSql, new { projectId, name }, cancellationToken: ct));
        await using var stream = row is null ? null : await _blobs.OpenReadAsync(row.Value.BlobName, ct);
        if (stream is null)
        {
            return null;
        }
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    /// <summary>Starts an all-or-none batch of media for a project of <paramref name="organizationId"/>,
    /// whose media held so far count against <see cref="LimitsOptions.OrganizationMaxStorageBytes"/>.</summary>
    public async Task<Batch> BeginAsync(long projectId, long organizationId, CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        var held = await c.ExecuteScalarAsync<long>(new CommandDefinition(MediaSql.HeldBytesSql, new { organizationId }, cancellationToken: ct));
        return new Batch(this, projectId, organizationId, held);
    }

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

    public sealed class Batch
    {
        private readonly MediaStore _store;
        private readonly long _projectId;
        private readonly long _organizationId;
        private readonly long _held;
        private readonly List<Row> _rows = [];
        // A set beside the list: checking each new name against the list made 100,000 entries quadratic.
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        // One buffer for the head of every file: 64 KiB fresh per file was 640 MB of garbage for 10,000 entries.
        private readonly byte[] _head = new byte[MediaSniffer.HeadBytes];
        private long _uploadBytes;
        private long _replacedBytes;

        internal Batch(MediaStore store, long projectId, long organizationId, long held)
        {
            _store = store;
            _projectId = projectId;
            _organizationId = organizationId;
            _held = held;
        }

        /// <summary>
        /// Stores one file, its bytes counted as they are read (<paramref name="length"/> is what the
        /// sender or a zip header declares, used only to judge the content); throws
        /// <see cref="MediaLimitException"/> at the first byte past a bound.
        /// </summary>
        /// <returns>Null, or why the file cannot be media.</returns>
        public async Task<string?> AddAsync(string name, Stream content, long length, ZipMeter? zip, CancellationToken ct)
        {
            var nameError = CheckName(name);
            if (nameError is not null)
            {
                return nameError;
            }
            if (!_names.Add(name))
            {
                return $"The media name '{name}' appears twice in this upload.";
            }
            var limits = _store._limits;
            if (_held - _replacedBytes + _uploadBytes + Math.Max(length, 0) > limits.OrganizationMaxStorageBytes)
            {
                // Near the bound, a file that replaces one of the same name frees that one's bytes.
                // Asked only then, so an ordinary upload costs no look-up per file.
                _replacedBytes += await ReplacedBytesAsync(name, ct);
            }
            var metered = new MeteredStream(content, this, zip);
            var head = _head;
            var n = await metered.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var sniff = MediaSniffer.Sniff(head.AsSpan(0, n), length);
            if (sniff is null)
            {
                return $"'{name}' is not an image, audio, video, PDF or CSV file this platform can show (judged by its content).";
            }
            var blob = $"media/{_projectId}/{Guid.NewGuid():N}";
            await using (var w = await _store._blobs.CreateAsync(blob, ct))
            {
                await w.Stream.WriteAsync(head.AsMemory(0, n), ct);
                await metered.CopyToAsync(w.Stream, ct);
                var size = w.Stream.Length;
                if (size != length)
                {
                    // The declared length was wrong (a zip header can say anything): judge again on the real one.
                    sniff = MediaSniffer.Sniff(head.AsSpan(0, n), size) ?? sniff;
                }
                // Made durable all together before the rows are committed (CommitAsync).
                await w.CommitAsync(durable: false, ct);
                _rows.Add(new Row(name, sniff.ContentType, size, sniff.Width, sniff.Height, sniff.DurationSeconds, blob));
            }
            return null;
        }

        private async Task<long> ReplacedBytesAsync(string name, CancellationToken ct)
        {
            await using var c = await _store._db.OpenAsync(ct);
            return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                MediaSql.SizeSql, new { projectId = _projectId, name },
                cancellationToken: ct)) ?? 0;
        }

        /// <summary>Counts <paramref name="bytes"/> more of the file being read against every bound.</summary>
        internal void Count(long fileBytes, int bytes, ZipMeter? zip)
        {
            var limits = _store._limits;
            _uploadBytes += bytes;
            if (fileBytes > limits.MediaMaxFileBytes)
            {
                throw new MediaLimitException(StatusCodes.Status413PayloadTooLarge, nameof(LimitsOptions.MediaMaxFileBytes),
                    limits.MediaMaxFileBytes, $"A media file is larger than {limits.MediaMaxFileBytes} bytes.");
            }
            if (_uploadBytes > limits.MediaMaxUploadBytes)
            {
                throw new MediaLimitException(StatusCodes.Status413PayloadTooLarge, nameof(LimitsOptions.MediaMaxUploadBytes),
                    limits.MediaMaxUploadBytes, $"The upload holds more than {limits.MediaMaxUploadBytes} bytes of media.");
            }
            if (zip is not null)
            {
                zip.Unpacked += bytes;
                if (zip.Unpacked > limits.ZipRatioAllowanceBytes && zip.Unpacked > zip.PackedBytes * limits.ZipMaxRatio)
                {
                    throw new MediaLimitException(StatusCodes.Status413PayloadTooLarge, nameof(LimitsOptions.ZipMaxRatio), limits.ZipMaxRatio,
                        $"The zip of {zip.PackedBytes} bytes unpacks to more than {limits.ZipMaxRatio} times its size.");
                }
            }
            if (_held - _replacedBytes + _uploadBytes > limits.OrganizationMaxStorageBytes)
            {
                throw MediaLimitException.Storage(limits.OrganizationMaxStorageBytes, _held - _replacedBytes);
            }
        }

        public async Task<List<MediaView>> CommitAsync(CancellationToken ct)
        {
            var now = _store._time.GetUtcNow().ToUnixTimeMilliseconds();
            var replaced = new List<string>();
            var projectId = _projectId;
            // The blobs are durable before any row points at them; one sync for the whole batch.
            await _store._blobs.SyncAsync(_rows.Select(r => r.BlobName).ToList(), ct);
            await using (var c = await _store._db.OpenAsync(ct))
            await using (var tx = await _store._db.BeginWriteAsync(c, ct))
            {
                // Uploads of one organisation take turns at the storage check.
                if (_store._db.Dialect.TakeTurnsSql("organizations", "@organizationId") is { } turns)
                {
                    await c.ExecuteAsync(new CommandDefinition(turns, new { organizationId = _organizationId }, tx, cancellationToken: ct));
                }
                foreach (var r in _rows)
                {
                    var old = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                        MediaSql.BlobOfSql, new { projectId, r.Name }, tx, cancellationToken: ct));
                    if (old is not null)
                    {
                        replaced.Add(old);
                        await c.ExecuteAsync(new CommandDefinition(
                            MediaSql.DeleteSql, new { projectId, r.Name }, tx, cancellationToken: ct));
                    }
                    await c.ExecuteAsync(new CommandDefinition(
                        MediaSql.InsertSql, new { projectId, r.Name, r.BlobName, r.ContentType, r.SizeBytes, r.Width, r.Height, r.Duration, now }, tx, cancellationToken: ct));
                    if (_store._scrub is not null && ScrubProxies.IsVideo(r.ContentType))
                    {
                        await _store._scrub.QueueAsync(c, tx, projectId, r.BlobName, now, ct);
                    }
                }
                // Exact now, other uploads included: what was counted while reading started from the
                // bytes held when this upload began.
                var held = await c.ExecuteScalarAsync<long>(new CommandDefinition(MediaSql.HeldBytesSql, new { organizationId = _organizationId }, tx, cancellationToken: ct));
                if (held > _store._limits.OrganizationMaxStorageBytes)
                {
                    await tx.RollbackAsync(ct);
                    throw MediaLimitException.Storage(_store._limits.OrganizationMaxStorageBytes, held - _rows.Sum(r => r.SizeBytes));
                }
                await tx.CommitAsync(ct);
            }
            foreach (var old in replaced)
            {
                await _store._blobs.DeleteAsync(old, ct);
            }
            if (_store._scrub is { } scrub)
            {
                await scrub.ForgetAsync(replaced, ct);
                if (_rows.Any(r => ScrubProxies.IsVideo(r.ContentType)))
                {
                    scrub.Wake();
                }
            }
            _store._index.Forget(projectId);
            return _rows.Select(r => r.View(projectId)).ToList();
        }

        public async Task AbandonAsync(CancellationToken ct)
        {
            foreach (var r in _rows)
            {
                await _store._blobs.DeleteAsync(r.BlobName, ct);
            }
            _rows.Clear();
            _names.Clear();
        }
    }

    public sealed record Row(string Name, string ContentType, long SizeBytes, long? Width, long? Height, double? Duration, string BlobName)
    {
        public MediaView View(long projectId) =>
            new(Name, ContentType, SizeBytes, (int?)Width, (int?)Height, Duration, MediaIndex.UrlPrefix(projectId) + Uri.EscapeDataString(Name).Replace("%2F", "/", StringComparison.Ordinal));
    }

    /// <summary>Passes a file's bytes through, counting each read against the batch's bounds.</summary>
    private sealed class MeteredStream(Stream inner, Batch batch, ZipMeter? zip) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Counted(int n)
        {
            _read += n;
            batch.Count(_read, n, zip);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>What one zip has unpacked so far, for <see cref="LimitsOptions.ZipMaxRatio"/>: judged on
/// the whole zip, so entries that share their compressed bytes (an overlapping zip bomb) add up.</summary>
public sealed class ZipMeter(long packedBytes)
{
    public long PackedBytes { get; } = packedBytes;

    public long Unpacked { get; set; }
}

/// <summary>An upload past a bound of <see cref="LimitsOptions"/>; <see cref="Setting"/> names it.</summary>
public sealed class MediaLimitException(int status, string setting, long value, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Setting { get; } = setting;

    public long Value { get; } = value;

    public static MediaLimitException ZipEntries(long max, long found) =>
        new(StatusCodes.Status413PayloadTooLarge, nameof(LimitsOptions.ZipMaxEntries), max, $"The zip has {found} entries; at most {max} are taken.");

    public static MediaLimitException Storage(long max, long heldBefore) =>
        new(StatusCodes.Status507InsufficientStorage, nameof(LimitsOptions.OrganizationMaxStorageBytes), max,
            $"The organisation's projects hold {heldBefore} bytes of media; this upload would take them past {max}.");
}
