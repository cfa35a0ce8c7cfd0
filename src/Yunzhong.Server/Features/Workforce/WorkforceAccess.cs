namespace Yunzhong.Server.Features.Workforce;

/// <summary>A person's memberships, to tell who may certify whom (the operator's roles: <see cref="Park.ParkScope.OperatorRolesAsync"/>).</summary>
internal static class WorkforceAccess
{
    internal sealed record MembershipRow(long OrganizationId, string Kind, string Roles);

    internal static async Task<List<MembershipRow>> MembershipsAsync(Db db, long userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<MembershipRow>(new CommandDefinition(SkillsSql.MembershipsSql, new { userId }, cancellationToken: ct))).ToList();
    }
}
