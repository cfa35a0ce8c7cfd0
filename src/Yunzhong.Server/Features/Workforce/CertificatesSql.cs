namespace Yunzhong.Server.Features.Workforce;

/// <summary>SQL of certificates: issue, revoke and read them.</summary>
internal static class CertificatesSql
{
    internal const string InsertSql = """
        INSERT INTO certificates (user_id, skill_id, level, issued_at, expires_at, source, source_id, issued_by)
        VALUES (@userId, @skillId, @level, @issuedAt, @expiresAt, @source, @sourceId, @issuedBy) RETURNING id
        """;

    internal const string RevokeSql = """
        UPDATE certificates SET revoked_at = @now, revoked_by = @by WHERE id = @id AND revoked_at IS NULL RETURNING user_id
        """;

    /// <summary>A person's certificates, every state: what the queue's cache keeps.</summary>
    internal const string OfUserSql = """
        SELECT id AS Id, user_id AS UserId, skill_id AS SkillId, level AS Level, issued_at AS IssuedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt
        FROM certificates WHERE user_id = @userId ORDER BY id
        """;

    private const string ViewColumns = """
        c.id AS Id, c.user_id AS UserId, u.name AS UserName, u.email AS Email, c.skill_id AS SkillId, s.code AS SkillCode,
        s.name_en AS NameEn, s.name_zh AS NameZh, c.level AS Level, c.issued_at AS IssuedAt, c.expires_at AS ExpiresAt,
        c.source AS Source, c.source_id AS SourceId, c.revoked_at AS RevokedAt
        FROM certificates c JOIN skills s ON s.id = c.skill_id JOIN users u ON u.id = c.user_id
        """;

    internal const string MineSql = $"SELECT {ViewColumns} WHERE c.user_id = @userId ORDER BY c.issued_at DESC, c.id DESC";

    internal const string OneSql = $"SELECT {ViewColumns} WHERE c.id = @id";

    /// <summary>The certificates of the members of organisation @organizationId.</summary>
    internal const string OfOrganizationSql = $"""
        SELECT {ViewColumns}
        WHERE c.user_id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = @organizationId)
        ORDER BY u.name, c.issued_at DESC, c.id DESC
        """;

    /// <summary>Valid certificates at @now per skill and level across the park (holders counted once per skill and level).</summary>
    internal const string ParkCountsSql = """
        SELECT s.id AS SkillId, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh, c.level AS Level, COUNT(DISTINCT c.user_id) AS Holders
        FROM certificates c JOIN skills s ON s.id = c.skill_id
        WHERE c.revoked_at IS NULL AND c.issued_at <= @now AND (c.expires_at IS NULL OR c.expires_at > @now)
        GROUP BY s.id, s.code, s.name_en, s.name_zh, c.level ORDER BY s.code, c.level
        """;
}
