namespace Yunzhong.Server.Security;

/// <summary>Sign-in sessions' and the API token look-up's SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class SessionsSql
{
    /// <summary>A new session of user @userId, stored as its hash.</summary>
    internal const string InsertSessionSql = "INSERT INTO sessions (id_hash, user_id, created_at) VALUES (@hash, @userId, @now)";

    /// <summary>1 when the session with hash @hash is live, else 0.</summary>
    internal const string LiveSessionCountSql = "SELECT COUNT(*) FROM sessions WHERE id_hash = @hash AND revoked_at IS NULL";

    /// <summary>Revokes the session with hash @hash at @now.</summary>
    internal const string RevokeSessionSql = "UPDATE sessions SET revoked_at = @now WHERE id_hash = @hash AND revoked_at IS NULL";

    /// <summary>The user of the live API token with hash @hash.</summary>
    internal const string TokenUserSql = """
        SELECT u.id, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = @hash AND t.revoked_at IS NULL
        """;
}
