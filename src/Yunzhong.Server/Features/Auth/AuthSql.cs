namespace Yunzhong.Server.Features.Auth;

/// <summary>Log-in's, the signed-in user's and API tokens' SQL (Dapper, <c>@name</c> parameters). Sessions and the token look-up are in <see cref="Security.SessionsSql"/>.</summary>
internal static class AuthSql
{
    /// <summary>The user with (normalised) email @email and their password hash.</summary>
    internal const string UserByEmailSql = "SELECT id, email, password_hash FROM users WHERE email = @email";

    /// <summary>User @id's password hash becomes @hash, unless it changed since @stored was read.</summary>
    internal const string RehashPasswordSql = "UPDATE users SET password_hash = @hash WHERE id = @id AND password_hash = @stored";

    /// <summary>User @userId's email and name.</summary>
    internal const string UserSql = "SELECT email, name FROM users WHERE id = @userId";

    /// <summary>User @userId's organisations with their roles there, by name.</summary>
    internal const string MembershipsSql = """
        SELECT o.id, o.name, o.kind, m.roles FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = @userId ORDER BY o.name, o.id
        """;

    /// <summary>User @userId's live API tokens.</summary>
    internal const string LiveTokensSql = "SELECT id, name, created_at FROM api_tokens WHERE user_id = @userId AND revoked_at IS NULL ORDER BY id";

    /// <summary>Revokes user @userId's live token @id at @now (0 rows: not theirs, or gone).</summary>
    internal const string RevokeTokenSql = "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND user_id = @userId AND revoked_at IS NULL";
}
