namespace Yunzhong.Server.Features.Workforce;

/// <summary>Who acts for the park on the workforce: the operator organisation's people.</summary>
internal static class WorkforceAccess
{
    internal sealed record MembershipRow(long OrganizationId, string Kind, string Roles);

    /// <summary>The roles <paramref name="userId"/> holds in operator organisations (none for everyone else).</summary>
    internal static async Task<Roles> OperatorRolesAsync(Db db, long userId, CancellationToken ct) =>
        (await MembershipsAsync(db, userId, ct)).Where(m => m.Kind == "operator").Aggregate(Roles.None, (all, m) => all | RoleNames.Parse(m.Roles));

    internal static async Task<List<MembershipRow>> MembershipsAsync(Db db, long userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<MembershipRow>(new CommandDefinition(SkillsSql.MembershipsSql, new { userId }, cancellationToken: ct))).ToList();
    }
}
