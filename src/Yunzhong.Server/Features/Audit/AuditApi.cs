using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server.Features.Audit;

/// <summary>An audit entry as the API shows it; <c>hash</c> and <c>prevHash</c> let a reader check the chain.</summary>
public sealed record AuditEntryView(long Seq, DateTimeOffset At, string Owner, string Actor, string Action, string Subject, JsonElement Details, string PrevHash, string Hash)
{
    internal static AuditEntryView Of(AuditEntry e) =>
        new(e.Seq, e.At, e.Owner, e.Actor, e.Action, e.Subject, JsonSerializer.Deserialize<JsonElement>(e.Details), e.PrevHash, e.Hash);
}

/// <summary>The audit trail: an organisation's admins read what concerns it; the park operator's admins read all of it and check the chain.</summary>
public static class AuditApi
{
    private const int MaxPage = 500;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Audit").SignedIn();
        g.MapGet("/organizations/{organizationId:long}/audit", OrganizationLog).WithName("organizationAudit").Gated();
        g.MapGet("/audit", ParkLog).WithName("parkAudit").Problems(StatusCodes.Status403Forbidden);
        g.MapGet("/audit/verify", Verify).WithName("verifyAudit").Problems(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<List<AuditEntryView>>, ProblemHttpResult>> OrganizationLog(
        long organizationId, ClaimsPrincipal user, Access access, AuditLog audit, CancellationToken ct, long after = 0, int limit = 100)
    {
        var roles = await access.RolesAsync(user.UserId(), organizationId, ct);
        if (roles == Roles.None)
        {
            return Http.NotFound("Organization");
        }
        if ((roles & Roles.Admin) == 0)
        {
            return Http.Forbidden("Only the organisation's admins read its audit trail.");
        }
        return TypedResults.Ok((await audit.PageAsync(organizationId, after, Math.Clamp(limit, 1, MaxPage), ct)).Select(AuditEntryView.Of).ToList());
    }

    private static async Task<Results<Ok<List<AuditEntryView>>, ProblemHttpResult>> ParkLog(
        ClaimsPrincipal user, Db db, AuditLog audit, CancellationToken ct, long after = 0, int limit = 100)
    {
        if (!await IsOperatorAdminAsync(user, db, ct))
        {
            return Http.Forbidden("Only the park operator's admins read the whole audit trail.");
        }
        return TypedResults.Ok((await audit.PageAsync(null, after, Math.Clamp(limit, 1, MaxPage), ct)).Select(AuditEntryView.Of).ToList());
    }

    /// <summary>The outcome of checking the whole chain.</summary>
    public sealed record AuditCheck(long Entries, long? HeadSeq, string? HeadHash, bool Ok, List<AuditProblem> Problems);

    private static async Task<Results<Ok<AuditCheck>, ProblemHttpResult>> Verify(ClaimsPrincipal user, Db db, AuditLog audit, CancellationToken ct)
    {
        if (!await IsOperatorAdminAsync(user, db, ct))
        {
            return Http.Forbidden("Only the park operator's admins check the whole audit trail.");
        }
        var v = await audit.VerifyAsync(ct);
        return TypedResults.Ok(new AuditCheck(v.Count, v.Head?.Seq, v.Head?.Hash, v.Problems.Count == 0, [.. v.Problems]));
    }

    private static async Task<bool> IsOperatorAdminAsync(ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(OrganizationsSql.OperatorAdminCountSql, new { me = user.UserId() }, cancellationToken: ct)) > 0;
    }
}
