using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Workforce;

/// <param name="ExpiresAt">When it stops counting; null for never.</param>
public sealed record GrantRequest(long UserId, long SkillId, int Level, DateTimeOffset? ExpiresAt = null);

/// <param name="Valid">Whether it counts now (issued, not expired, not revoked).</param>
public sealed record CertificateView(
    long Id, long UserId, string UserName, string Email, long SkillId, string SkillCode, string NameEn, string NameZh, int Level,
    DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt, CertificateSource Source, long? SourceId, DateTimeOffset? RevokedAt, bool Valid);

/// <param name="Holders">People holding a valid certificate of the skill at this level.</param>
public sealed record CertificateCount(long SkillId, string Code, string NameEn, string NameZh, int Level, long Holders);

/// <summary>
/// Certificates (证书): each person sees their own; a vendor's (any organisation's) admins, managers and
/// trainers see their people's; the park operator sees counts. The operator's admins, managers and
/// trainers grant and revoke anyone's, an organisation's trainers and admins their own people's (audited).
/// </summary>
public static class CertificatesApi
{
    public static IEndpointRouteBuilder MapCertificates(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Workforce").SignedIn();
        g.MapGet("/me/certificates", Mine).WithName("listMyCertificates");
        g.MapGet("/organizations/{organizationId:long}/certificates", OfOrganization).WithName("listOrganizationCertificates").Gated();
        g.MapGet("/park/certificates", ParkCounts).WithName("countParkCertificates").Gated();
        g.MapPost("/certificates", Grant).WithName("grantCertificate").Gated().JsonBody();
        g.MapPost("/certificates/{certificateId:long}/revoke", Revoke).WithName("revokeCertificate").Gated().Conflicts();
        return app;
    }

    internal sealed record ViewRow(
        long Id, long UserId, string UserName, string Email, long SkillId, string SkillCode, string NameEn, string NameZh, long Level,
        long IssuedAt, long? ExpiresAt, string Source, long? SourceId, long? RevokedAt)
    {
        public CertificateView View(long now) => new(Id, UserId, UserName, Email, SkillId, SkillCode, NameEn, NameZh, (int)Level, Http.Time(IssuedAt),
            ExpiresAt is { } e ? Http.Time(e) : null, Source == "exam" ? CertificateSource.Exam : CertificateSource.Granted, SourceId,
            RevokedAt is { } r ? Http.Time(r) : null,
            CertificateRules.IsValid(new Certificate(Id, UserId, SkillId, (int)Level, IssuedAt, ExpiresAt, RevokedAt), now));
    }

    private sealed record CountRow(long SkillId, string Code, string NameEn, string NameZh, long Level, long Holders);

    private static async Task<Ok<List<CertificateView>>> Mine(ClaimsPrincipal user, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ViewsAsync(c, CertificatesSql.MineSql, new { userId = user.UserId() }, time, ct));
    }

    private static async Task<Results<Ok<List<CertificateView>>, ProblemHttpResult>> OfOrganization(
        long organizationId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await Park.SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage | Roles.Trainer,
                "Only the organisation's admins, managers and trainers see its people's certificates.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ViewsAsync(c, CertificatesSql.OfOrganizationSql, new { organizationId }, time, ct));
    }

    private static async Task<Results<Ok<List<CertificateCount>>, ProblemHttpResult>> ParkCounts(
        ClaimsPrincipal user, Db db, TimeProvider time, CancellationToken ct)
    {
        if ((await Park.ParkScope.OperatorRolesAsync(db, user.UserId(), ct) & (RoleNames.Manage | Roles.Trainer)) == 0)
        {
            return Http.Forbidden("Only the park operator's admins, managers and trainers see the park's certificate counts.");
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<CountRow>(new CommandDefinition(CertificatesSql.ParkCountsSql,
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new CertificateCount(r.SkillId, r.Code, r.NameEn, r.NameZh, (int)r.Level, r.Holders)).ToList());
    }

    private static async Task<Results<Created<CertificateView>, ProblemHttpResult, ValidationProblem>> Grant(
        GrantRequest request, ClaimsPrincipal user, Db db, Certificates certificates, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        if (await MayCertifyAsync(db, me, request.UserId, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var levels = await RoutingApi.LevelsAsync(c, ct);
        if (!levels.TryGetValue(request.SkillId, out var max))
        {
            return Http.Invalid("skillId", $"skillId names no skill of the catalogue ({request.SkillId}).", ProblemCodes.SkillUnknown,
                ProblemCodes.Params(("skillId", request.SkillId)));
        }
        if (!SkillRules.IsLevelOf(request.Level, max))
        {
            return Http.Invalid("level", $"level must be a level of the skill, 1 to {max}.", ProblemCodes.SkillLevelOutOfRange, ProblemCodes.Params(("min", 1), ("max", max)));
        }
        if (request.ExpiresAt is { } e && e <= time.GetUtcNow())
        {
            return Http.Invalid("expiresAt", "expiresAt must be in the future (or left out for a certificate that does not expire).");
        }
        var id = await certificates.IssueAsync(request.UserId, request.SkillId, request.Level, request.ExpiresAt, CertificateSource.Granted, null, me, ct);
        var row = await c.QuerySingleAsync<ViewRow>(new CommandDefinition(CertificatesSql.OneSql, new { id }, cancellationToken: ct));
        return TypedResults.Created($"/api/certificates/{id}", row.View(time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> Revoke(
        long certificateId, ClaimsPrincipal user, Db db, Certificates certificates, TimeProvider time, CancellationToken ct)
    {
        ViewRow? row;
        await using (var c = await db.OpenAsync(ct))
        {
            row = await c.QueryFirstOrDefaultAsync<ViewRow>(new CommandDefinition(CertificatesSql.OneSql, new { id = certificateId }, cancellationToken: ct));
        }
        if (row is null)
        {
            return Http.NotFound("Certificate");
        }
        if (await MayCertifyAsync(db, user.UserId(), row.UserId, ct, "Certificate") is { } refused)
        {
            return refused;
        }
        if (!await certificates.RevokeAsync(certificateId, user.UserId(), ct))
        {
            return Http.Conflict("This certificate was revoked already.", ProblemCodes.CertificateRevoked);
        }
        await using var again = await db.OpenAsync(ct);
        var revoked = await again.QuerySingleAsync<ViewRow>(new CommandDefinition(CertificatesSql.OneSql, new { id = certificateId }, cancellationToken: ct));
        return TypedResults.Ok(revoked.View(time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>Whether <paramref name="me"/> may grant or revoke <paramref name="holder"/>'s certificates: the
    /// operator's admins, managers and trainers anyone's; an organisation's admins and trainers their members'.
    /// 404 for a person in none of the caller's organisations (as for a missing one), 403 for the other roles.</summary>
    private static async Task<ProblemHttpResult?> MayCertifyAsync(Db db, long me, long holder, CancellationToken ct, string what = "Member")
    {
        var mine = await WorkforceAccess.MembershipsAsync(db, me, ct);
        if (mine.Where(m => m.Kind == "operator").Any(m => (RoleNames.Parse(m.Roles) & (RoleNames.Manage | Roles.Trainer)) != 0))
        {
            return null;
        }
        var theirs = (await WorkforceAccess.MembershipsAsync(db, holder, ct)).Select(m => m.OrganizationId).ToHashSet();
        var shared = mine.Where(m => theirs.Contains(m.OrganizationId)).ToList();
        if (shared.Count == 0)
        {
            return Http.NotFound(what);
        }
        return shared.Any(m => (RoleNames.Parse(m.Roles) & (Roles.Admin | Roles.Trainer)) != 0) ? null
            : Http.Forbidden("Only trainers and admins of the person's organisation (or the park operator's) grant and revoke certificates.");
    }

    private static async Task<List<CertificateView>> ViewsAsync(DbConnection c, string sql, object args, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return (await c.QueryAsync<ViewRow>(new CommandDefinition(sql, args, cancellationToken: ct))).Select(r => r.View(now)).ToList();
    }
}
