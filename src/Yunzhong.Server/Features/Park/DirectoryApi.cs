namespace Yunzhong.Server.Features.Park;

/// <param name="Counties">The county codes of the vendor's sites, each once, in code order.</param>
public sealed record VendorListing(long Id, string Name, string[] Counties);

/// <param name="OrganizationId">The vendor the team belongs to.</param>
public sealed record LedTeam(long Id, long OrganizationId, string OrganizationName, string Name);

/// <summary>
/// The park's directory: the vendors a client may offer a contract to (names and the counties of their
/// sites, nothing of their people, contracts or figures), and the teams the caller leads, so a team
/// lead who is no manager finds their team's page.
/// </summary>
public static class DirectoryApi
{
    public static IEndpointRouteBuilder MapDirectory(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Park").SignedIn();
        g.MapGet("/park/vendors", Vendors).WithName("listVendors");
        g.MapGet("/me/teams", LedTeams).WithName("listMyTeams");
        return app;
    }

    private const string VendorsSql = """
        SELECT o.id, o.name, s.county_code AS CountyCode FROM organizations o LEFT JOIN sites s ON s.organization_id = o.id
        WHERE o.kind = 'vendor' ORDER BY o.name, o.id, s.county_code
        """;

    private const string LedTeamsSql = """
        SELECT t.id, t.organization_id AS OrganizationId, o.name AS OrganizationName, t.name FROM teams t
        JOIN organizations o ON o.id = t.organization_id
        JOIN memberships m ON m.organization_id = t.organization_id AND m.user_id = t.lead_user_id
        WHERE t.lead_user_id = @me ORDER BY t.organization_id, t.name, t.id
        """;

    private sealed record VendorRow(long Id, string Name, string? CountyCode);

    private static async Task<Ok<List<VendorListing>>> Vendors(Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<VendorRow>(new CommandDefinition(VendorsSql, cancellationToken: ct));
        return TypedResults.Ok(rows.GroupBy(r => (r.Id, r.Name))
            .Select(g => new VendorListing(g.Key.Id, g.Key.Name, g.Select(r => r.CountyCode).OfType<string>().Distinct().ToArray()))
            .ToList());
    }

    /// <summary>Teams the caller leads in organisations they still belong to.</summary>
    private static async Task<Ok<List<LedTeam>>> LedTeams(ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<LedTeam>(new CommandDefinition(LedTeamsSql, new { me = user.UserId() }, cancellationToken: ct));
        return TypedResults.Ok(rows.ToList());
    }
}
