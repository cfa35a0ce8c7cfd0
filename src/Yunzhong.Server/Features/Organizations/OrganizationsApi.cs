using Yunzhong.Server.Features.Auth;

namespace Yunzhong.Server.Features.Organizations;

public sealed record CreateOrganizationRequest(string Name, OrganizationKind? Kind = null);

/// <param name="SiteId">The vendor site the member works at (null: none, or not a vendor).</param>
public sealed record MemberView(long UserId, string Email, string Name, Role[] Roles, long? SiteId = null);

public sealed record AddMemberRequest(string Email, string? Name = null, string? Password = null, Role[]? Roles = null);

public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/organizations").WithTags("Organizations").SignedIn();
        g.MapGet("", async (ClaimsPrincipal user, Db db, CancellationToken ct) =>
            TypedResults.Ok((await AuthApi.MeAsync(user.UserId(), db, ct)).Value!.Organizations)).WithName("listOrganizations");
        // Only the park operator's admins open organisations: 403 for everyone else, nothing to find.
        g.MapPost("", Create).WithName("createOrganization").JsonBody().Problems(StatusCodes.Status403Forbidden);
        g.MapGet("/{organizationId:long}/members", Members).WithName("listMembers").Gated();
        g.MapPost("/{organizationId:long}/members", AddMember).WithName("addMember").Gated().JsonBody().Conflicts();
        g.MapDelete("/{organizationId:long}/members/{userId:long}", RemoveMember).WithName("removeMember").Gated().Conflicts();
        return app;
    }

    /// <summary>Park operators' admins open organisations for clients and vendors; the creator administers it first.</summary>
    private static async Task<Results<Created<OrganizationMembership>, ProblemHttpResult, ValidationProblem>> Create(
        CreateOrganizationRequest request, ClaimsPrincipal user, Db db, Accounts accounts, Access access, CancellationToken ct)
    {
        var me = user.UserId();
        await using (var c = await db.OpenAsync(ct))
        {
            var operatorAdmin = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                OrganizationsSql.OperatorAdminCountSql, new { me }, cancellationToken: ct));
            if (operatorAdmin == 0)
            {
                return Http.Forbidden("Only admins of the park operator open organisations.");
            }
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            return Http.Invalid("name", "An organisation needs a name of 1 to 200 characters.",
                ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (request.Kind is not { } kind)
        {
            return Http.Invalid("kind", $"kind must be one of {Wire.List<OrganizationKind>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<OrganizationKind>())));
        }
        var id = await accounts.CreateOrganizationAsync(request.Name.Trim(), Wire.Name(kind), ct);
        await accounts.SetMembershipAsync(id, me, Roles.Admin, ct);
        access.ForgetMemberships();
        return TypedResults.Created($"/api/organizations/{id}", new OrganizationMembership(id, request.Name.Trim(), kind, [Role.Admin]));
    }

    private static async Task<Results<Ok<List<MemberView>>, ProblemHttpResult>> Members(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await GateAsync(access, user, organizationId, RoleNames.Manage, "Only admins and managers see the member list.", ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long Id, string Email, string Name, string Roles, long? SiteId)>(new CommandDefinition(
            OrganizationsSql.MembersSql, new { organizationId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new MemberView(r.Id, r.Email, r.Name, RoleNames.List(RoleNames.Parse(r.Roles)), r.SiteId)).ToList());
    }

    /// <summary>Adds a person to the organisation, creating their account when the email is new.</summary>
    private static async Task<Results<Ok<MemberView>, ProblemHttpResult, ValidationProblem>> AddMember(
        long organizationId, AddMemberRequest request, ClaimsPrincipal user, Access access, Accounts accounts, CancellationToken ct)
    {
        if (await GateAsync(access, user, organizationId, Roles.Admin, "Only admins add members.", ct) is { } refused)
        {
            return refused;
        }
        var wanted = RoleNames.Of(request.Roles ?? []);
        if (wanted == Roles.None)
        {
            return Http.Invalid("roles", $"roles must be a non-empty list of {Wire.List<Role>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<Role>())));
        }
        var email = Accounts.NormalizeEmail(request.Email ?? "");
        if (email.Length is < 3 or > 254 || !email.Contains('@'))
        {
            return Http.Invalid("email", "A valid email address is needed.", ProblemCodes.FieldEmail);
        }
        var userId = await accounts.FindUserAsync(email, ct);
        if (userId is null)
        {
            if (request.Password is null || request.Password.Length < 8)
            {
                return Http.Invalid("password", "A new account needs a password of at least 8 characters.",
                    ProblemCodes.FieldPasswordShort, ProblemCodes.Params(("min", 8)));
            }
            userId = await accounts.CreateUserAsync(email, string.IsNullOrWhiteSpace(request.Name) ? email : request.Name.Trim(), request.Password, ct);
        }
        var change = await accounts.ChangeMembershipAsync(organizationId, userId.Value, wanted, ct);
        access.ForgetMemberships();
        if (change == MembershipChange.LastAdmin)
        {
            return Http.Conflict(LastAdmin, ProblemCodes.OrganizationLastAdmin);
        }
        var name = await accounts.NameAsync(userId.Value, ct);
        return TypedResults.Ok(new MemberView(userId.Value, email, name, RoleNames.List(wanted)));
    }

    /// <summary>
    /// Takes a person out of the organisation: they lose its projects at once, and their live leases
    /// end so the tasks go back to the queue; their account, their other memberships and the work
    /// they delivered stay. The last admin cannot leave, so an organisation is never left without one.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        long organizationId, long userId, ClaimsPrincipal user, Access access, Accounts accounts, CancellationToken ct)
    {
        if (await GateAsync(access, user, organizationId, Roles.Admin, "Only admins remove members.", ct) is { } refused)
        {
            return refused;
        }
        var change = await accounts.ChangeMembershipAsync(organizationId, userId, Roles.None, ct);
        access.ForgetMemberships();
        return change switch
        {
            MembershipChange.NotMember => Http.NotFound("Member"),
            MembershipChange.LastAdmin => Http.Conflict(LastAdmin, ProblemCodes.OrganizationLastAdmin),
            _ => TypedResults.NoContent(),
        };
    }

    private const string LastAdmin = "This is the organisation's last admin: make someone else admin first.";

    /// <summary>Null when the caller holds one of <paramref name="needed"/> in the organisation;
    /// else 404 for outsiders (they cannot tell it exists) and 403 for members without the role.</summary>
    internal static async Task<ProblemHttpResult?> GateAsync(
        Access access, ClaimsPrincipal user, long organizationId, Roles needed, string forbidden, CancellationToken ct)
    {
        var roles = await access.RolesAsync(user.UserId(), organizationId, ct);
        return roles == Roles.None ? Http.NotFound("Organization")
            : (roles & needed) == 0 ? Http.Forbidden(forbidden)
            : null;
    }
}
