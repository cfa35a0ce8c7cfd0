namespace Yunzhong.Server.Features.Organizations;

/// <summary>Organisations', people's and tokens' SQL (Dapper, <c>@name</c> parameters). Leases a member loses are ended by <see cref="Tasks.TaskStates"/>.</summary>
internal static class OrganizationsSql
{
    /// <summary>How many admin memberships user @me holds in park-operator organisations (0: not an operator admin).</summary>
    internal const string OperatorAdminCountSql = """
        SELECT COUNT(*) FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = @me AND o.kind = 'operator' AND m.roles LIKE '%admin%'
        """;

    /// <summary>The members of organisation @organizationId with their roles, by name.</summary>
    internal const string MembersSql =
        "SELECT u.id, u.email, u.name, m.roles, m.site_id AS SiteId FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = @organizationId ORDER BY u.name, u.id";

    /// <summary>A new organisation @name of @kind; returns its id.</summary>
    internal const string InsertOrganizationSql = "INSERT INTO organizations (name, kind, created_at) VALUES (@name, @kind, @now) RETURNING id";

    /// <summary>The first organisation named @name.</summary>
    internal const string OrganizationByNameSql = "SELECT id FROM organizations WHERE name = @name ORDER BY id LIMIT 1";

    /// <summary>The user with (normalised) email @email.</summary>
    internal const string UserByEmailSql = "SELECT id FROM users WHERE email = @email";

    /// <summary>A new user; @hash is null for a token-only account. Returns its id.</summary>
    internal const string InsertUserSql = "INSERT INTO users (email, name, password_hash, created_at) VALUES (@email, @name, @hash, @now) RETURNING id";

    /// <summary>User @userId's roles in organisation @organizationId (comma-separated), inserted or replaced.</summary>
    internal const string UpsertMembershipSql = """
        INSERT INTO memberships (organization_id, user_id, roles) VALUES (@organizationId, @userId, @roles)
        ON CONFLICT (organization_id, user_id) DO UPDATE SET roles = excluded.roles
        """;

    /// <summary>User @userId's roles in organisation @organizationId.</summary>
    internal const string MemberRolesSql = "SELECT roles FROM memberships WHERE organization_id = @organizationId AND user_id = @userId";

    /// <summary>Every member's roles in organisation @organizationId.</summary>
    internal const string AllMemberRolesSql = "SELECT roles FROM memberships WHERE organization_id = @organizationId";

    /// <summary>Takes user @userId out of organisation @organizationId.</summary>
    internal const string DeleteMembershipSql = "DELETE FROM memberships WHERE organization_id = @organizationId AND user_id = @userId";

    /// <summary>The leases' condition for <see cref="Tasks.TaskStates.ReleaseLeasesAsync"/>: user @userId's, in organisation
    /// @organizationId's projects or under its contracts as a vendor.</summary>
    internal const string LeasesOfMemberWhere = """
        user_id = @userId AND (project_id IN (SELECT id FROM projects WHERE organization_id = @organizationId)
                               OR contract_id IN (SELECT id FROM contracts WHERE vendor_org_id = @organizationId))
        """;

    /// <summary>User @userId's name.</summary>
    internal const string UserNameSql = "SELECT name FROM users WHERE id = @userId";

    /// <summary>A new API token of user @userId, stored as its hash; returns its id.</summary>
    internal const string InsertTokenSql = "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (@userId, @name, @hash, @now) RETURNING id";
}
