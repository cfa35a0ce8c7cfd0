using Yunzhong.Core.Media;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Training;

/// <param name="Url">Where the lesson's Markdown names it: readable by the course's members.</param>
public sealed record CourseImageView(long Id, long CourseId, string Name, string ContentType, long SizeBytes, int? Width, int? Height, string Url);

/// <summary>
/// Images in lessons (课程图片): a trainer uploads one image at a time into a course, its type judged by its
/// content (PNG, JPEG, GIF, WebP; nothing else), its size bounded by <see cref="LimitsOptions.LessonImageMaxBytes"/>;
/// whoever may read the course reads its images.
/// </summary>
public static class CourseImagesApi
{
    public static IEndpointRouteBuilder MapCourseImages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/courses/{courseId:long}/images").WithTags("Training").SignedIn();
        g.MapPost("", Upload).DisableAntiforgery().WithMetadata(new BodyLimit(nameof(LimitsOptions.LessonImageMaxBytes)))
            .WithName("uploadCourseImage").Gated().FieldErrors().Problems(StatusCodes.Status413PayloadTooLarge);
        g.MapGet("/{imageId:long}", Download).WithName("downloadCourseImage").Gated().File("application/octet-stream");
        return app;
    }

    private sealed record ImageRow(long Id, long CourseId, string Name, string BlobName, string ContentType, long SizeBytes, long? Width, long? Height)
    {
        public CourseImageView View() => new(Id, CourseId, Name, ContentType, SizeBytes, (int?)Width, (int?)Height, $"/api/courses/{CourseId}/images/{Id}");
    }

    private const string InsertSql = """
        INSERT INTO course_images (course_id, name, blob_name, content_type, size_bytes, width, height, created_by, created_at)
        VALUES (@courseId, @name, @blobName, @contentType, @sizeBytes, @width, @height, @userId, @now) RETURNING id
        """;

    private const string ImageSql = """
        SELECT id AS Id, course_id AS CourseId, name AS Name, blob_name AS BlobName, content_type AS ContentType,
               size_bytes AS SizeBytes, width AS Width, height AS Height
        FROM course_images WHERE id = @imageId AND course_id = @courseId
        """;

    private static Task<CoursesApi.CourseRow?> CourseAsync(DbConnection c, long courseId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CoursesApi.CourseRow?>(new CommandDefinition(TrainingSql.CourseSql, new { courseId }, cancellationToken: ct));

    private static async Task<Results<Created<CourseImageView>, ProblemHttpResult, ValidationProblem>> Upload(
        long courseId, HttpRequest request, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, TimeProvider time,
        IOptions<LimitsOptions> limits, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (course, refused) = await CoursesApi.GateAsync(await CourseAsync(c, courseId, ct), r => r.OrganizationId, "Course", access, user,
            RoleNames.Train, CoursesApi.TrainersOnly, ct);
        if (course is null)
        {
            return refused!;
        }
        if (!request.HasFormContentType)
        {
            return Http.Invalid("file", "Send the image as multipart/form-data, in the part 'file'.", ProblemCodes.MediaNoFile);
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A multipart body without parts or cut short: Kestrel's reader cannot find a part in it.
            return Http.Invalid("file", "The multipart body holds no readable part: " + e.Message, ProblemCodes.MediaNoFile);
        }
        if (form.Files.Count != 1)
        {
            return Http.Invalid("file", "Send exactly one image, in the part 'file'.", ProblemCodes.MediaNoFile);
        }
        var file = form.Files[0];
        var max = limits.Value.LessonImageMaxBytes;
        if (file.Length > max)
        {
            return LimitsOptions.Exceeded(StatusCodes.Status413PayloadTooLarge, nameof(LimitsOptions.LessonImageMaxBytes), max, "file",
                $"The image has {file.Length} bytes; a lesson image may have at most {max}.");
        }
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        if (MediaStore.CheckName(name) is { } badName)
        {
            return Http.Invalid("file", badName, ProblemCodes.MediaInvalid);
        }
        await using var s = file.OpenReadStream();
        var head = new byte[MediaSniffer.HeadBytes];
        var n = await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var sniff = MediaSniffer.Sniff(head.AsSpan(0, n), file.Length);
        if (sniff is not { Kind: "image" })
        {
            return Http.Invalid("file", $"'{name}' is not a PNG, JPEG, GIF or WebP image (judged by its content).", ProblemCodes.MediaInvalid);
        }
        var blob = $"course-images/{courseId}/{Guid.NewGuid():N}";
        await using (var w = await blobs.CreateAsync(blob, ct))
        {
            await w.Stream.WriteAsync(head.AsMemory(0, n), ct);
            await s.CopyToAsync(w.Stream, ct);
            await w.CommitAsync(ct);
        }
        try
        {
            var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new
            {
                courseId, name, blobName = blob, contentType = sniff.ContentType, sizeBytes = file.Length, width = sniff.Width, height = sniff.Height,
                userId = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken: ct));
            var row = new ImageRow(id, courseId, name, blob, sniff.ContentType, file.Length, sniff.Width, sniff.Height);
            return TypedResults.Created(row.View().Url, row.View());
        }
        catch
        {
            await blobs.DeleteAsync(blob, CancellationToken.None);
            throw;
        }
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        long courseId, long imageId, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (course, refused) = await CoursesApi.GateAsync(await CourseAsync(c, courseId, ct), r => r.OrganizationId, "Course", access, user,
            RoleNames.Member, CoursesApi.MembersOnly, ct);
        if (course is null)
        {
            return refused!;
        }
        var row = await c.QueryFirstOrDefaultAsync<ImageRow?>(new CommandDefinition(ImageSql, new { courseId, imageId }, cancellationToken: ct));
        var stream = row is null ? null : await blobs.OpenReadAsync(row.BlobName, ct);
        if (stream is null)
        {
            return Http.NotFound("Media file");
        }
        return TypedResults.File(stream, row!.ContentType, fileDownloadName: null, enableRangeProcessing: true);
    }
}
