using System.Text.Json.Serialization;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Releases;

/// <param name="Source">Accepted annotations, or the same with each task's consensus (then the formats must include jsonl).</param>
/// <param name="Formats">The export formats the release carries, at least one.</param>
/// <param name="Licence">The licence the dataset is released under (e.g. CC-BY-4.0), written in the manifest.</param>
public sealed record ReleaseRequest(ReleaseSource? Source = null, ExportFileFormat[]? Formats = null, string? Licence = null);

public sealed record ReleaseFileView(string Path, long Size, string Sha256, ExportFileFormat? Format);

/// <summary>
/// A release; <paramref name="Files"/> are its files but the media, which are counted
/// (<paramref name="MediaFiles"/>, <paramref name="MediaBytes"/>) and listed in the manifest. The detail view also
/// carries the manifest's label counts, quality figures and provenance, and how many media the tasks name by URL only
/// (<paramref name="ExternalMedia"/>: listed in the manifest without bytes) or name as uploads the project no longer has (<paramref name="MissingMedia"/>).
/// </summary>
public sealed record ReleaseView(
    long Id, long ProjectId, string ProjectName, int Number, ReleaseSource Source, ExportFileFormat[] Formats, string Licence, long Items, long Annotations,
    long FileCount, long TotalBytes, string MerkleRoot, string KeyId, DateTimeOffset CreatedAt, string CreatedBy, List<ReleaseFileView> Files,
    long MediaFiles, long MediaBytes, JsonElement? Labels = null, JsonElement? Quality = null, JsonElement? Provenance = null, long? ExternalMedia = null,
    long? MissingMedia = null);

/// <summary>Items (tasks) of release <paramref name="To"/> against release <paramref name="From"/>: counts, and up to 100 task ids of each.</summary>
public sealed record ReleaseDiff(
    long From, long To, long Added, long Removed, long Changed, long Unchanged, List<long> AddedIds, List<long> RemovedIds, List<long> ChangedIds,
    ReleaseMediaDiff Media);

/// <summary>Media files of release <c>To</c> against release <c>From</c>, by name: counts, and up to 100 names of each.</summary>
public sealed record ReleaseMediaDiff(long Added, long Removed, long Changed, long Unchanged, List<string> AddedNames, List<string> RemovedNames, List<string> ChangedNames);

/// <summary>
/// A release being built: <paramref name="Phase"/> with <paramref name="Done"/> of <paramref name="Total"/>
/// (tasks written over all formats, then media copied); done with its <paramref name="ReleaseId"/>, or failed
/// with <paramref name="Error"/> and no release.
/// </summary>
public sealed record ReleaseJobView(
    long Id, long ProjectId, ReleaseJobStatus Status, ReleasePhase Phase, long Done, long Total, long? ReleaseId, string? Error,
    ReleaseSource Source, ExportFileFormat[] Formats, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    internal static ReleaseJobView Of(ReleaseJobRow r) => new(r.Id, r.ProjectId, Wire.Parse<ReleaseJobStatus>(r.Status), Wire.Parse<ReleasePhase>(r.Phase),
        r.Done, r.Total, r.ReleaseId, r.Error, Wire.Parse<ReleaseSource>(r.Source), [.. r.Formats.Split(',').Select(Wire.Parse<ExportFileFormat>)],
        Http.Time(r.CreatedAt), r.FinishedAt is { } f ? Http.Time(f) : null);
}

/// <summary>A download link: the release's files lie under <paramref name="Url"/> (<c>/release.json</c>, <c>/manifest.json</c>, <c>/annotations.jsonl</c>…) until <paramref name="ExpiresAt"/>, for the person it was made for.</summary>
public sealed record LinkView(string Url, DateTimeOffset ExpiresAt, long? GrantId);

/// <summary>One of the park's public keys, in the shape <c>yz verify --key</c> reads.</summary>
public sealed record PublicKeyView([property: JsonPropertyName("key_id")] string KeyId, string Algorithm, [property: JsonPropertyName("public_key")] string PublicKey);

public sealed record PublicKeysView(List<PublicKeyView> Keys);

/// <summary>A release as stored, with its project's organisation.</summary>
internal sealed class ReleaseRow
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public long Number { get; set; }
    public string Source { get; set; } = "";
    public string Formats { get; set; } = "";
    public string Licence { get; set; } = "";
    public long Items { get; set; }
    public long Annotations { get; set; }
    public long FileCount { get; set; }
    public long TotalBytes { get; set; }
    public string MerkleRoot { get; set; } = "";
    public string KeyId { get; set; } = "";
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string ManifestBlob { get; set; } = "";
    public string ItemsBlob { get; set; } = "";
    public long OrganizationId { get; set; }
    public string ProjectName { get; set; } = "";

    public ExportFileFormat[] FormatList => [.. Formats.Split(',').Select(Wire.Parse<ExportFileFormat>)];
}

internal sealed class FileRow
{
    public string Path { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string? Format { get; set; }
}

/// <summary>Releases of projects: made by the project's admins and managers, read by them and by organisations granted access, downloaded only through signed links.</summary>
public static class ReleasesApi
{
    private const string OnlyManagers = "Only admins and managers release a project's data.";
    private const int MaxLicence = 200;

    public static IEndpointRouteBuilder MapReleases(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/keys", Keys).WithTags("Releases").WithName("parkKeys");
        var g = app.MapGroup("/api").WithTags("Releases").SignedIn().Gated();
        g.MapPost("/projects/{projectId:long}/releases", Create).WithName("createRelease").JsonBody();
        g.MapGet("/projects/{projectId:long}/releases", List).WithName("listReleases");
        g.MapGet("/projects/{projectId:long}/release-jobs", Jobs).WithName("listReleaseJobs");
        g.MapGet("/release-jobs/{jobId:long}", Job).WithName("getReleaseJob");
        g.MapGet("/releases/{releaseId:long}", Get).WithName("getRelease");
        g.MapGet("/releases/{releaseId:long}/diff", Diff).WithName("diffReleases");
        g.MapPost("/releases/{releaseId:long}/links", Link).WithName("createReleaseLink");
        g.MapGet("/links/{token}/{**path}", Download).WithName("downloadReleaseFile").File("application/octet-stream", "application/json");
        return app;
    }

    private static async Task<Ok<PublicKeysView>> Keys(ParkKeys keys, CancellationToken ct) =>
        TypedResults.Ok(new PublicKeysView([.. (await keys.PublicKeysAsync(ct)).Select(k =>
            new PublicKeyView(k.KeyId, SignatureFile.Algorithm, Convert.ToBase64String(k.Key)))]));

    /// <summary>Queues a release of the project; the job (<c>/api/release-jobs/{id}</c>) tells how it goes and which release it made.</summary>
    private static async Task<Results<Accepted<ReleaseJobView>, ProblemHttpResult, ValidationProblem>> Create(
        long projectId, ReleaseRequest request, ClaimsPrincipal user, Access access, Db db, ReleaseBuilder builder, ReleaseWorker worker, TimeProvider time,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        if (request.Formats is not { Length: > 0 } formats)
        {
            return Http.Invalid("formats", $"formats must list at least one of {Wire.List<ExportFileFormat>()}.", ProblemCodes.FieldRequired);
        }
        var source = request.Source ?? ReleaseSource.Accepted;
        if (source == ReleaseSource.Consensus && !formats.Contains(ExportFileFormat.Jsonl))
        {
            return Http.Invalid("formats", "a consensus release carries the consensus in the jsonl format: list jsonl.");
        }
        var licence = request.Licence?.Trim() ?? "";
        if (licence.Length == 0)
        {
            return Http.Invalid("licence", "licence names the licence the dataset is released under.", ProblemCodes.FieldRequired);
        }
        if (licence.Length > MaxLicence)
        {
            return Http.Invalid("licence", $"licence is at most {MaxLicence} characters.", ProblemCodes.FieldTooLong,
                ProblemCodes.Params(("max", MaxLicence)));
        }
        if (await builder.ReleasableAsync(projectId, ct) == 0)
        {
            return Http.Invalid("source", "Nothing to release: no task of the project is finished with accepted annotations.",
                ProblemCodes.ReleaseNothingAccepted);
        }
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ReleaseJobsSql.InsertSql, new
        {
            projectId, source = Wire.Name(source), formats = string.Join(',', formats.Distinct().Select(Wire.Name)), licence, userId = user.UserId(),
            now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        worker.Wake();
        var job = await c.QuerySingleAsync<ReleaseJobRow>(new CommandDefinition(ReleaseJobsSql.JobSql, new { jobId = id }, cancellationToken: ct));
        return TypedResults.Accepted($"/api/release-jobs/{id}", ReleaseJobView.Of(job));
    }

    private static async Task<Results<Ok<List<ReleaseJobView>>, ProblemHttpResult>> Jobs(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ReleaseJobRow>(new CommandDefinition(ReleaseJobsSql.ProjectJobsSql, new { projectId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(ReleaseJobView.Of).ToList());
    }

    private static async Task<Results<Ok<ReleaseJobView>, ProblemHttpResult>> Job(long jobId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<ReleaseJobRow>(new CommandDefinition(ReleaseJobsSql.JobSql, new { jobId }, cancellationToken: ct));
        if (row is null)
        {
            return Http.NotFound("Release job");
        }
        var problem = (await access.GateAsync(user.UserId(), row.ProjectId, RoleNames.Export, OnlyManagers, ct, notFound: "Release job")).Problem;
        return problem ?? (Results<Ok<ReleaseJobView>, ProblemHttpResult>)TypedResults.Ok(ReleaseJobView.Of(row));
    }

    private static async Task<Results<Ok<List<ReleaseView>>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ReleaseRow>(new CommandDefinition(ReleasesSql.ProjectReleasesSql, new { projectId }, cancellationToken: ct));
        var list = new List<ReleaseView>();
        foreach (var row in rows)
        {
            list.Add(await ViewAsync(c, row, blobs, detail: false, ct));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<ReleaseView>, ProblemHttpResult>> Get(
        long releaseId, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, _, problem) = await ReaderGateAsync(c, releaseId, user, access, time, ct);
        return row is null ? problem! : TypedResults.Ok(await ViewAsync(c, row, blobs, detail: true, ct));
    }

    private static async Task<Results<Ok<ReleaseDiff>, ProblemHttpResult, ValidationProblem>> Diff(
        long releaseId, long? from, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var to = await LoadAsync(c, releaseId, ct);
        if (to is null)
        {
            return Http.NotFound("Release");
        }
        if (await OwnerGateAsync(access, user, to, ct) is { } refused)
        {
            return refused;
        }
        if (from is null)
        {
            return Http.Invalid("from", "from names the release to compare with.", ProblemCodes.FieldRequired);
        }
        var before = await LoadAsync(c, from.Value, ct);
        if (before is null || before.ProjectId != to.ProjectId)
        {
            return Http.Invalid("from", "from must be another release of the same project.");
        }
        return TypedResults.Ok(await ReleaseDiffs.CompareAsync(c, blobs, before, to, ct));
    }

    private static async Task<Results<Ok<LinkView>, ProblemHttpResult>> Link(
        long releaseId, ClaimsPrincipal user, Access access, Db db, ParkKeys keys, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, grant, problem) = await ReaderGateAsync(c, releaseId, user, access, time, ct);
        if (row is null)
        {
            return problem!;
        }
        var expires = time.GetUtcNow() + SignedLinks.Lifetime;
        var token = SignedLinks.Mint(await keys.LinkSecretAsync(ct), new LinkClaims(row.Id, user.UserId(), grant?.Id ?? 0, expires.ToUnixTimeMilliseconds()));
        return TypedResults.Ok(new LinkView($"/api/links/{token}", expires, grant?.Id));
    }

    private static async Task<Results<FileStreamHttpResult, FileContentHttpResult, ProblemHttpResult>> Download(
        string token, string path, ClaimsPrincipal user, Access access, Db db, ParkKeys keys, IBlobStore blobs, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        var claims = SignedLinks.Read(await keys.LinkSecretAsync(ct), token);
        if (claims is null)
        {
            return Http.Forbidden("This is not a download link of this park.", ProblemCodes.LinkInvalid);
        }
        if (claims.UserId != user.UserId())
        {
            return Http.Forbidden("This download link was made for someone else.", ProblemCodes.LinkNotYours);
        }
        if (claims.ExpiresAtMs <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return Http.Forbidden("This download link has expired; ask for a new one.", ProblemCodes.LinkExpired);
        }
        await using var c = await db.OpenAsync(ct);
        var row = await LoadAsync(c, claims.ReleaseId, ct);
        if (row is null)
        {
            return Http.NotFound("Release");
        }
        GrantView? grant = null;
        if (claims.GrantId == 0)
        {
            if ((await access.RolesAsync(user.UserId(), row.OrganizationId, ct) & RoleNames.Export) == 0)
            {
                return Http.Forbidden(OnlyManagers);
            }
        }
        else
        {
            grant = await GrantsApi.LoadAsync(c, claims.GrantId, ct);
            if (grant is null || grant.ReleaseId != row.Id || await access.RolesAsync(user.UserId(), grant.GranteeOrganizationId, ct) == Roles.None)
            {
                return Http.Forbidden("This download link's grant is not the caller's.", ProblemCodes.LinkNotYours);
            }
            if (GrantsApi.Lapsed(grant, time) is { } lapsed)
            {
                return lapsed;
            }
        }
        if (path is ReleaseFormat.StatementName or ReleaseFormat.SignatureName)
        {
            var (statement, signature) = await c.QuerySingleAsync<(string, string)>(new CommandDefinition(ReleasesSql.SignedSql, new { releaseId = row.Id }, cancellationToken: ct));
            return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(path == ReleaseFormat.StatementName ? statement : signature), "application/json", path);
        }
        string blobName;
        if (path == ReleaseFormat.ManifestName)
        {
            blobName = row.ManifestBlob;
        }
        else
        {
            var file = await c.QueryFirstOrDefaultAsync<FileRow>(new CommandDefinition(ReleasesSql.FileSql, new { releaseId = row.Id, path }, cancellationToken: ct));
            if (file is null)
            {
                return Http.NotFound("Release file");
            }
            if (grant is not null && file.Format is { } format && !grant.Formats.Contains(Wire.Parse<ExportFileFormat>(format)))
            {
                return Http.Forbidden($"The grant does not cover the {format} format.", ProblemCodes.GrantFormatNotGranted);
            }
            blobName = ReleaseBuilder.BlobName(file.Sha256);
        }
        var stream = blobs.OpenRead(blobName);
        if (stream is null)
        {
            return Http.NotFound("Release file");
        }
        try
        {
            await audit.AppendAsync(row.OrganizationId, AuditLog.Actor(user.UserId()), "release.download", $"release:{row.Id}",
                new { path, grant = grant?.Id, organization = grant?.GranteeOrganizationId }, ct);
        }
        catch
        {
            // No download without its audit entry.
            await stream.DisposeAsync();
            throw;
        }
        return TypedResults.File(stream, "application/octet-stream", Path.GetFileName(path), enableRangeProcessing: true);
    }

    /// <summary>
    /// Who reads a release: its project's admins and managers (no grant), or a member of an organisation
    /// granted it (the grant). Anyone else gets 404, as for a missing release; a project member
    /// without the role 403; a grantee whose grant lapsed 403 with the grant's code.
    /// </summary>
    internal static async Task<(ReleaseRow? Row, GrantView? Grant, ProblemHttpResult? Problem)> ReaderGateAsync(
        DbConnection c, long releaseId, ClaimsPrincipal user, Access access, TimeProvider time, CancellationToken ct)
    {
        var row = await LoadAsync(c, releaseId, ct);
        if (row is null)
        {
            return (null, null, Http.NotFound("Release"));
        }
        var roles = await access.RolesAsync(user.UserId(), row.OrganizationId, ct);
        if (roles != Roles.None)
        {
            return (roles & RoleNames.Export) != 0 ? (row, null, null) : (null, null, Http.Forbidden(OnlyManagers));
        }
        var grant = await c.QueryFirstOrDefaultAsync<GrantRow>(new CommandDefinition(ReleasesSql.CallersGrantSql,
            new { releaseId, me = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        if (grant is null)
        {
            return (null, null, Http.NotFound("Release"));
        }
        var view = grant.View();
        return GrantsApi.Lapsed(view, time) is { } lapsed ? (null, null, lapsed) : (row, view, null);
    }

    private static async Task<ProblemHttpResult?> OwnerGateAsync(Access access, ClaimsPrincipal user, ReleaseRow row, CancellationToken ct) =>
        (await access.GateAsync(user.UserId(), row.ProjectId, RoleNames.Export, OnlyManagers, ct, notFound: "Release")).Problem;

    internal static async Task<ReleaseRow?> LoadAsync(DbConnection c, long releaseId, CancellationToken ct) =>
        await c.QueryFirstOrDefaultAsync<ReleaseRow>(new CommandDefinition(ReleasesSql.ReleaseSql, new { releaseId }, cancellationToken: ct));

    private static async Task<List<FileRow>> FilesAsync(DbConnection c, long releaseId, CancellationToken ct) =>
        [.. await c.QueryAsync<FileRow>(new CommandDefinition(ReleasesSql.FilesSql, new { releaseId }, cancellationToken: ct))];

    internal static async Task<ReleaseView> ViewAsync(DbConnection c, ReleaseRow r, IBlobStore blobs, bool detail, CancellationToken ct)
    {
        var files = (await FilesAsync(c, r.Id, ct))
            .Select(f => new ReleaseFileView(f.Path, f.Size, f.Sha256, f.Format is null ? null : Wire.Parse<ExportFileFormat>(f.Format))).ToList();
        var (mediaFiles, mediaBytes) = await c.QuerySingleAsync<(long, long)>(new CommandDefinition(ReleasesSql.MediaCountSql, new { releaseId = r.Id }, cancellationToken: ct));
        JsonElement? labels = null, quality = null, provenance = null;
        long? external = null, missing = null;
        if (detail && blobs.OpenRead(r.ManifestBlob) is { } manifest)
        {
            await using (manifest)
            {
                using var doc = await JsonDocument.ParseAsync(manifest, cancellationToken: ct);
                labels = doc.RootElement.GetProperty("labels").Clone();
                quality = doc.RootElement.GetProperty("quality").Clone();
                provenance = doc.RootElement.GetProperty("provenance").Clone();
                if (doc.RootElement.TryGetProperty("media", out var m))
                {
                    (external, missing) = (m.GetProperty("external").GetArrayLength(), m.GetProperty("missing").GetArrayLength());
                }
            }
        }
        return new ReleaseView(r.Id, r.ProjectId, r.ProjectName, (int)r.Number, Wire.Parse<ReleaseSource>(r.Source), r.FormatList, r.Licence, r.Items,
            r.Annotations, r.FileCount, r.TotalBytes, r.MerkleRoot, r.KeyId, Http.Time(r.CreatedAt), r.CreatedBy, files, mediaFiles, mediaBytes,
            labels, quality, provenance, external, missing);
    }
}
