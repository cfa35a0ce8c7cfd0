namespace Yunzhong.Server.Features.Workforce;

/// <summary>SQL of demands, matching and the job board.</summary>
internal static class MatchingSql
{
    internal const string InsertDemandSql = """
        INSERT INTO demands (client_org_id, title, volume, deadline, created_by, created_at) VALUES (@clientOrgId, @title, @volume, @deadline, @by, @now) RETURNING id
        """;

    internal const string InsertDemandSkillSql = "INSERT INTO demand_skills (demand_id, skill_id, min_level) VALUES (@demandId, @skillId, @minLevel)";

    private const string DemandColumns = """
        d.id AS Id, d.client_org_id AS ClientOrganizationId, d.title AS Title, d.volume AS Volume, d.deadline AS Deadline, d.created_at AS CreatedAt, d.closed_at AS ClosedAt
        """;

    internal const string DemandSql = $"SELECT {DemandColumns} FROM demands d WHERE d.id = @demandId";

    internal const string DemandsOfSql = $"SELECT {DemandColumns} FROM demands d WHERE d.client_org_id = @organizationId ORDER BY d.created_at DESC, d.id DESC";

    internal const string DemandSkillsSql = """
        SELECT ds.demand_id AS DemandId, ds.skill_id AS SkillId, ds.min_level AS MinLevel, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh
        FROM demand_skills ds JOIN skills s ON s.id = ds.skill_id WHERE ds.demand_id = @demandId ORDER BY s.code
        """;

    internal const string CloseDemandSql = "UPDATE demands SET closed_at = @now WHERE id = @demandId AND closed_at IS NULL";

    /// <summary>Each vendor with its annotators (members with the annotator role; roles are a comma list).</summary>
    internal const string VendorAnnotatorsSql = """
        SELECT o.id AS VendorId, o.name AS Name, m.user_id AS UserId
        FROM organizations o JOIN memberships m ON m.organization_id = o.id
        WHERE o.kind = 'vendor' AND (',' || m.roles || ',') LIKE '%,annotator,%'
        """;

    internal const string VendorsSql = "SELECT id AS VendorId, name AS Name FROM organizations WHERE kind = 'vendor' ORDER BY id";

    /// <summary>Valid certificates at @now of vendors' people (who holds what, at which level).</summary>
    internal const string VendorCertificatesSql = """
        SELECT c.id AS Id, c.user_id AS UserId, c.skill_id AS SkillId, c.level AS Level, c.issued_at AS IssuedAt, c.expires_at AS ExpiresAt, c.revoked_at AS RevokedAt
        FROM certificates c
        WHERE c.revoked_at IS NULL AND c.issued_at <= @now AND (c.expires_at IS NULL OR c.expires_at > @now)
          AND c.user_id IN (SELECT m.user_id FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE o.kind = 'vendor')
        """;

    /// <summary>Per vendor over days @from..@to: annotations per person-day worked, acceptance and gold.</summary>
    internal const string VendorHistorySql = """
        SELECT vendor_org_id AS VendorId, CAST(SUM(annotations) AS BIGINT) AS Annotations,
               COUNT(DISTINCT CAST(user_id AS TEXT) || ':' || CAST(day AS TEXT)) AS PersonDays,
               CAST(SUM(accepted) AS BIGINT) AS Accepted, CAST(SUM(rejected) AS BIGINT) AS Rejected,
               CAST(SUM(gold_total) AS BIGINT) AS GoldTotal, COALESCE(SUM(gold_score), 0) AS GoldScore
        FROM park_rollups WHERE day >= @from AND day <= @to AND vendor_org_id <> 0 AND annotations > 0
        GROUP BY vendor_org_id
        """;

    /// <summary>Per vendor: seats of its sites, and its people holding a lease now.</summary>
    internal const string VendorSeatsSql = """
        SELECT s.organization_id AS VendorId, CAST(SUM(s.seats) AS BIGINT) AS Seats,
               (SELECT COUNT(DISTINCT a.user_id) FROM assignments a JOIN memberships m ON m.user_id = a.user_id AND m.organization_id = s.organization_id
                WHERE a.status = 'leased' AND a.expires_at > @now) AS Busy
        FROM sites s GROUP BY s.organization_id
        """;

    /// <summary>Skills in demand: open demands' skills, and what active contracts and projects with work left require.</summary>
    internal const string DemandedSkillsSql = """
        SELECT x.skill_id AS SkillId, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh, MAX(x.min_level) AS MinLevel,
               COUNT(*) AS Sources, CAST(SUM(x.volume) AS BIGINT) AS Volume, MIN(x.deadline) AS Deadline
        FROM (
            SELECT ds.skill_id, ds.min_level, d.volume, d.deadline FROM demand_skills ds JOIN demands d ON d.id = ds.demand_id
            WHERE d.closed_at IS NULL AND d.deadline > @now
            UNION ALL
            SELECT r.skill_id, r.min_level, k.quota - k.used, k.deadline FROM skill_requirements r JOIN contracts k ON k.id = r.contract_id
            WHERE k.state = 'active' AND k.deadline > @now
            UNION ALL
            SELECT r.skill_id, r.min_level,
                   (SELECT CAST(COALESCE(SUM(t.remaining), 0) AS BIGINT) FROM tasks t WHERE t.project_id = r.project_id AND t.remaining > 0), NULL
            FROM skill_requirements r JOIN projects p ON p.id = r.project_id WHERE p.deleted_at IS NULL
        ) x JOIN skills s ON s.id = x.skill_id
        GROUP BY x.skill_id, s.code, s.name_en, s.name_zh
        ORDER BY CAST(SUM(x.volume) AS BIGINT) DESC, s.code
        """;

    /// <summary>Holders of a valid certificate at @now per skill, park-wide.</summary>
    internal const string HoldersSql = """
        SELECT skill_id AS SkillId, COUNT(DISTINCT user_id) AS Holders FROM certificates
        WHERE revoked_at IS NULL AND issued_at <= @now AND (expires_at IS NULL OR expires_at > @now) GROUP BY skill_id
        """;
}
