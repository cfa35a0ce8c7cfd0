using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server.Features.Releases;

public enum GrantStatus { Requested, Granted, Refused, Revoked }

/// <param name="OrganizationId">The organisation asking, which the caller manages.</param>
/// <param name="Purpose">What the data will be used for.</param>
/// <param name="Days">How long access is wanted, from the grant (1–3650).</param>
/// <param name="Formats">Which of the release's formats.</param>
public sealed record GrantRequest(long? OrganizationId = null, string? Purpose = null, int? Days = null, ExportFileFormat[]? Formats = null);

/// <param name="Grant">True grants, false refuses.</param>
public sealed record GrantDecision(bool? Grant = null, string? Reason = null);

public sealed record RevokeRequest(string? Reason = null);

public sealed record GrantView(
    long Id, long ReleaseId, int ReleaseNumber, long ProjectId, string ProjectName, long OwnerOrganizationId, long GranteeOrganizationId, string GranteeName,
    string RequestedBy, string Purpose, int Days, ExportFileFormat[] Formats, GrantStatus Status, string? Reason, DateTimeOffset? DecidedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt);

internal sealed class GrantRow
{
    public long Id { get; set; }
    public long ReleaseId { get; set; }
    public long ReleaseNumber { get; set; }
    public long ProjectId { get; set; }
    public string ProjectName { get; set; } = "";
    public long OwnerOrganizationId { get; set; }
    public long GranteeOrganizationId { get; set; }
    public string GranteeName { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public string Purpose { get; set; } = "";
    public long Days { get; set; }
    public string Formats { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
    public long? DecidedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public long CreatedAt { get; set; }

    public GrantView View() => new(Id, ReleaseId, (int)ReleaseNumber, ProjectId, ProjectName, OwnerOrganizationId, GranteeOrganizationId, GranteeName,
        RequestedBy, Purpose, (int)Days, [.. Formats.Split(',').Select(Wire.Parse<ExportFileFormat>)], Wire.Parse<GrantStatus>(Status), Reason,
        DecidedAt is { } d ? Http.Time(d) : null, ExpiresAt is { } e ? Http.Time(e) : null, Http.Time(CreatedAt));
}

/// <summary>
/// Authorised access (授权): another organisation asks for a release, the owner's admins and managers
/// grant or refuse, and may revoke; a grant lapses at its expiry. Each step is in the audit trail of
/// the release's owner, in the same transaction as the step.
/// </summary>
public static class GrantsApi
{
    private const string OnlyOwnerManagers = "Only the owner's admins and managers decide on access to its releases.";
    private const int MaxText = 2000;

    public static IEndpointRouteBuilder MapGrants(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Grants").SignedIn().Gated();
        g.MapPost("/releases/{releaseId:long}/grants", Request).WithName("requestGrant").JsonBody();
        g.MapGet("/organizations/{organizationId:long}/grants", List).WithName("listGrants");
        g.MapPost("/grants/{grantId:long}/decision", Decide).WithName("decideGrant").JsonBody().Conflicts();
        g.MapPost("/grants/{grantId:long}/revoke", Revoke).WithName("revokeGrant").JsonBody().Conflicts();
        return app;
    }

    private static async Task<Results<Created<GrantView>, ProblemHttpResult, ValidationProblem>> Request(
        long releaseId, GrantRequest request, ClaimsPrincipal user, Access access, Db db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (request.OrganizationId is not { } orgId)
        {
            return Http.Invalid("organizationId", "organizationId names the organisation asking for access.", ProblemCodes.FieldRequired);
        }
        if (await OrganizationsApi.GateAsync(access, user, orgId, RoleNames.Manage,
                "Only an organisation's admins and managers ask for access to datasets on its behalf.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var release = await ReleasesApi.LoadAsync(c, releaseId, ct);
        if (release is null)
        {
            return Http.NotFound("Release");
        }
        if (release.OrganizationId == orgId)
        {
            return Http.Invalid("organizationId", "The organisation owns this release: it needs no grant.", ProblemCodes.GrantOwnOrganization);
        }
        var visibility = await c.ExecuteScalarAsync<string?>(new CommandDefinition(ReleasesSql.CardVisibilitySql, new { projectId = release.ProjectId }, cancellationToken: ct));
        if (visibility is not ("park" or "public") && await access.RolesAsync(user.UserId(), release.OrganizationId, ct) == Roles.None)
        {
            return Http.NotFound("Release");
        }
        var purpose = request.Purpose?.Trim() ?? "";
        if (purpose.Length == 0)
        {
            return Http.Invalid("purpose", "purpose says what the data will be used for.", ProblemCodes.FieldRequired);
        }
        if (purpose.Length > MaxText)
        {
            return Http.Invalid("purpose", $"purpose is at most {MaxText} characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", MaxText)));
        }
        if (request.Days is not (>= 1 and <= 3650) || request.Days is null)
        {
            return Http.Invalid("days", "days must be from 1 to 3650.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 3650)));
        }
        if (request.Formats is not { Length: > 0 } formats || formats.Except(release.FormatList).Any())
        {
            return Http.Invalid("formats", $"formats must list some of the release's formats: {string.Join(", ", release.FormatList.Select(Wire.Name))}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", string.Join(", ", release.FormatList.Select(Wire.Name)))));
        }
        await using var tx = await db.BeginWriteAsync(c, ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ReleasesSql.InsertGrantSql, new
        {
            releaseId, organizationId = orgId, userId = user.UserId(), purpose, days = request.Days, formats = string.Join(',', formats.Distinct().Select(Wire.Name)),
            now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, tx, cancellationToken: ct));
        await audit.AppendAsync(c, tx, release.OrganizationId, AuditLog.Actor(user.UserId()), "grant.request", $"grant:{id}",
            new { release = releaseId, grantee = orgId, purpose, days = request.Days }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/grants/{id}", (await LoadAsync(c, id, ct))!);
    }

    private static async Task<Results<Ok<List<GrantView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await OrganizationsApi.GateAsync(access, user, organizationId, RoleNames.Manage, "Only an organisation's admins and managers see its grants.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<GrantRow>(new CommandDefinition(ReleasesSql.OrganizationGrantsSql, new { organizationId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.View()).ToList());
    }

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult, ValidationProblem>> Decide(
        long grantId, GrantDecision decision, ClaimsPrincipal user, Access access, Db db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (grant, problem) = await OwnerGateAsync(c, grantId, user, access, ct);
        if (grant is null)
        {
            return problem!;
        }
        if (decision.Grant is not { } yes)
        {
            return Http.Invalid("grant", "grant is true to grant access, false to refuse it.", ProblemCodes.FieldRequired);
        }
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(c, ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(ReleasesSql.DecideSql, new
        {
            grantId, status = yes ? "granted" : "refused", reason = decision.Reason?.Trim(), userId = user.UserId(), now = now.ToUnixTimeMilliseconds(),
            expiresAt = yes ? now.AddDays(grant.Days).ToUnixTimeMilliseconds() : (long?)null,
        }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return Http.Conflict($"The request was already {Wire.Name(grant.Status)}.", ProblemCodes.GrantNotRequested);
        }
        await audit.AppendAsync(c, tx, grant.OwnerOrganizationId, AuditLog.Actor(user.UserId()), yes ? "grant.grant" : "grant.refuse", $"grant:{grantId}",
            new { release = grant.ReleaseId, grantee = grant.GranteeOrganizationId, reason = decision.Reason?.Trim() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok((await LoadAsync(c, grantId, ct))!);
    }

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Revoke(
        long grantId, RevokeRequest request, ClaimsPrincipal user, Access access, Db db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (grant, problem) = await OwnerGateAsync(c, grantId, user, access, ct);
        if (grant is null)
        {
            return problem!;
        }
        await using var tx = await db.BeginWriteAsync(c, ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(ReleasesSql.RevokeSql, new
        {
            grantId, reason = request.Reason?.Trim(), userId = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return Http.Conflict($"Only a granted grant is revoked; this one is {Wire.Name(grant.Status)}.", ProblemCodes.GrantNotGranted);
        }
        await audit.AppendAsync(c, tx, grant.OwnerOrganizationId, AuditLog.Actor(user.UserId()), "grant.revoke", $"grant:{grantId}",
            new { release = grant.ReleaseId, grantee = grant.GranteeOrganizationId, reason = request.Reason?.Trim() }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok((await LoadAsync(c, grantId, ct))!);
    }

    /// <summary>The grant when the caller manages its release's owner; 404 when the caller is not of the owner, 403 without the role.</summary>
    private static async Task<(GrantView? Grant, ProblemHttpResult? Problem)> OwnerGateAsync(
        DbConnection c, long grantId, ClaimsPrincipal user, Access access, CancellationToken ct)
    {
        var grant = await LoadAsync(c, grantId, ct);
        if (grant is null)
        {
            return (null, Http.NotFound("Grant"));
        }
        var roles = await access.RolesAsync(user.UserId(), grant.OwnerOrganizationId, ct);
        return roles == Roles.None ? (null, Http.NotFound("Grant"))
            : (roles & RoleNames.Manage) == 0 ? (null, Http.Forbidden(OnlyOwnerManagers))
            : (grant, null);
    }

    /// <summary>403 with the grant's code when it was revoked or has expired; null while it holds.</summary>
    internal static ProblemHttpResult? Lapsed(GrantView grant, TimeProvider time) =>
        grant.Status == GrantStatus.Revoked ? Http.Forbidden("Access to this release was revoked.", ProblemCodes.GrantRevoked)
        : grant.Status != GrantStatus.Granted ? Http.Forbidden("Access to this release was not granted.", ProblemCodes.AccessForbidden)
        : grant.ExpiresAt is { } end && end <= time.GetUtcNow() ? Http.Forbidden("Access to this release has expired.", ProblemCodes.GrantExpired)
        : null;

    internal static async Task<GrantView?> LoadAsync(DbConnection c, long grantId, CancellationToken ct) =>
        (await c.QueryFirstOrDefaultAsync<GrantRow>(new CommandDefinition(ReleasesSql.GrantSql, new { grantId }, cancellationToken: ct)))?.View();
}
