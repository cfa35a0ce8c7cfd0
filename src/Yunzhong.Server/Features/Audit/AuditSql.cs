namespace Yunzhong.Server.Features.Audit;

/// <summary>The audit log's SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class AuditSql
{
    /// <summary>On PostgreSQL, appends take turns (a transaction-scoped lock), so two never chain to the same head. SQLite's write transaction is already exclusive.</summary>
    internal const string PostgresAppendLockSql = "SELECT pg_advisory_xact_lock(7214501)";

    /// <summary>The last entry's number and hash.</summary>
    internal const string HeadSql = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

    internal const string InsertSql = """
        INSERT INTO audit_log (seq, at, owner, organization_id, actor, action, subject, details, prev_hash, hash)
        VALUES (@seq, @at, @owner, @organizationId, @actor, @action, @subject, @details, @prevHash, @hash)
        """;

    /// <summary>Up to @limit entries after number @after, oldest first: all of them (the park's view, and verification).</summary>
    internal const string PageSql = """
        SELECT seq, at, owner, actor, action, subject, details, prev_hash AS prevhash, hash FROM audit_log
        WHERE seq > @after ORDER BY seq LIMIT @limit
        """;

    /// <summary>Up to @limit entries of organisation @organizationId's log after number @after, oldest first.</summary>
    internal const string OrganizationPageSql = """
        SELECT seq, at, owner, actor, action, subject, details, prev_hash AS prevhash, hash FROM audit_log
        WHERE organization_id = @organizationId AND seq > @after ORDER BY seq LIMIT @limit
        """;
}
