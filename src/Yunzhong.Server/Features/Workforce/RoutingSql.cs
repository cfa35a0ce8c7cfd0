namespace Yunzhong.Server.Features.Workforce;

/// <summary>SQL of skill requirements and data routes, and of the tasks' skill masks they set.</summary>
internal static class RoutingSql
{
    internal const string ProjectNeedsSql = """
        SELECT r.skill_id AS SkillId, r.min_level AS MinLevel, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh
        FROM skill_requirements r JOIN skills s ON s.id = r.skill_id WHERE r.project_id = @projectId ORDER BY s.code
        """;

    internal const string ContractNeedsSql = """
        SELECT r.skill_id AS SkillId, r.min_level AS MinLevel, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh
        FROM skill_requirements r JOIN skills s ON s.id = r.skill_id WHERE r.contract_id = @contractId ORDER BY s.code
        """;

    internal const string RoutesSql = """
        SELECT r.bit AS Bit, r.field AS Field, r.value AS Value, r.skill_id AS SkillId, r.min_level AS MinLevel, s.code AS Code,
               s.name_en AS NameEn, s.name_zh AS NameZh
        FROM skill_routes r JOIN skills s ON s.id = r.skill_id WHERE r.project_id = @projectId ORDER BY r.bit
        """;

    internal const string DeleteProjectNeedsSql = "DELETE FROM skill_requirements WHERE project_id = @projectId";

    internal const string DeleteContractNeedsSql = "DELETE FROM skill_requirements WHERE contract_id = @contractId";

    internal const string InsertNeedSql = """
        INSERT INTO skill_requirements (project_id, contract_id, skill_id, min_level, created_at) VALUES (@projectId, @contractId, @skillId, @minLevel, @now)
        """;

    internal const string DeleteRoutesSql = "DELETE FROM skill_routes WHERE project_id = @projectId";

    internal const string InsertRouteSql = """
        INSERT INTO skill_routes (project_id, bit, field, value, skill_id, min_level, created_at) VALUES (@projectId, @bit, @field, @value, @skillId, @minLevel, @now)
        """;

    internal const string ClearMasksSql = "UPDATE tasks SET skill_mask = 0 WHERE project_id = @projectId AND skill_mask <> 0";

    /// <summary>Sets bit @bit on the tasks of project @projectId (of import @importId only when <paramref name="oneImport"/>) whose field @field holds @value.</summary>
    internal static string MarkSql(SqlDialect dialect, bool oneImport) => $"""
        UPDATE tasks SET skill_mask = skill_mask | @bit
        WHERE project_id = @projectId{(oneImport ? " AND import_id = @importId" : "")} AND {dialect.JsonKeyText("data_json", "@field")} = @value
        """;

    internal const string SkillLevelsSql = "SELECT id, max_level FROM skills";
}
