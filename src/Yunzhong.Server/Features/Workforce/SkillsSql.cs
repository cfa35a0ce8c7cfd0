namespace Yunzhong.Server.Features.Workforce;

/// <summary>SQL of the skills catalogue.</summary>
internal static class SkillsSql
{
    private const string Columns = "id AS Id, code AS Code, name_en AS NameEn, name_zh AS NameZh, description AS Description, max_level AS MaxLevel, created_at AS CreatedAt";

    internal const string ListSql = $"SELECT {Columns} FROM skills ORDER BY code";

    internal const string OneSql = $"SELECT {Columns} FROM skills WHERE id = @id";

    internal const string ByCodeSql = "SELECT id FROM skills WHERE code = @code";

    internal const string InsertSql = """
        INSERT INTO skills (code, name_en, name_zh, description, max_level, created_at, updated_at)
        VALUES (@code, @nameEn, @nameZh, @description, @maxLevel, @now, @now) RETURNING id
        """;

    internal const string UpdateSql = """
        UPDATE skills SET code = @code, name_en = @nameEn, name_zh = @nameZh, description = @description, max_level = @maxLevel, updated_at = @now
        WHERE id = @id
        """;

    /// <summary>The highest level anything asks of or proves in skill @id: its levels can not drop below it.</summary>
    internal const string HighestUsedLevelSql = """
        SELECT MAX(l) FROM (
            SELECT MAX(level) AS l FROM certificates WHERE skill_id = @id AND revoked_at IS NULL
            UNION ALL SELECT MAX(min_level) FROM skill_requirements WHERE skill_id = @id
            UNION ALL SELECT MAX(min_level) FROM skill_routes WHERE skill_id = @id
            UNION ALL SELECT MAX(min_level) FROM demand_skills WHERE skill_id = @id) x
        """;

    /// <summary>Whether anything refers to skill @id (then it can not be deleted).</summary>
    internal const string UsedSql = """
        SELECT CASE WHEN EXISTS (SELECT 1 FROM certificates WHERE skill_id = @id) OR EXISTS (SELECT 1 FROM skill_requirements WHERE skill_id = @id)
            OR EXISTS (SELECT 1 FROM skill_routes WHERE skill_id = @id) OR EXISTS (SELECT 1 FROM demand_skills WHERE skill_id = @id) THEN 1 ELSE 0 END
        """;

    internal const string DeleteSql = "DELETE FROM skills WHERE id = @id";

    /// <summary>The kinds of organisation a person belongs to, with their roles there.</summary>
    internal const string MembershipsSql = """
        SELECT m.organization_id AS OrganizationId, o.kind AS Kind, m.roles AS Roles
        FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = @userId
        """;
}
