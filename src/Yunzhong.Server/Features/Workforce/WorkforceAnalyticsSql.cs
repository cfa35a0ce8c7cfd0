namespace Yunzhong.Server.Features.Workforce;

/// <summary>SQL of the workforce figures.</summary>
internal static class WorkforceAnalyticsSql
{
    private const string Valid = "c.revoked_at IS NULL AND c.issued_at <= @now AND (c.expires_at IS NULL OR c.expires_at > @now)";

    /// <summary>Holders of a valid certificate per skill and site (members placed at a site of a vendor).</summary>
    internal const string BySiteSql = $"""
        SELECT c.skill_id AS SkillId, s.code AS Code, s.name_en AS NameEn, s.name_zh AS NameZh, st.id AS SiteId, st.name AS SiteName,
               st.county_code AS CountyCode, st.organization_id AS VendorId, COUNT(DISTINCT c.user_id) AS Holders
        FROM certificates c JOIN skills s ON s.id = c.skill_id
        JOIN memberships m ON m.user_id = c.user_id JOIN sites st ON st.id = m.site_id AND st.organization_id = m.organization_id
        WHERE {Valid} AND (@vendor = 0 OR st.organization_id = @vendor)
        GROUP BY c.skill_id, s.code, s.name_en, s.name_zh, st.id, st.name, st.county_code, st.organization_id
        ORDER BY s.code, st.county_code, st.name
        """;

    /// <summary>Per person with a certificate: when they joined (the account) and their first certificate.</summary>
    internal const string FirstCertificateSql = """
        SELECT u.id AS UserId, u.created_at AS JoinedAt, MIN(c.issued_at) AS FirstAt
        FROM certificates c JOIN users u ON u.id = c.user_id
        WHERE (@vendor = 0 OR c.user_id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = @vendor))
        GROUP BY u.id, u.created_at
        """;

    /// <summary>Annotators active (an annotation on a day, as the park's dashboards count them) in days @from..@to.</summary>
    internal const string ActiveSql = """
        SELECT DISTINCT user_id FROM park_rollups WHERE day >= @from AND day <= @to AND annotations > 0 AND vendor_org_id <> 0
          AND (@vendor = 0 OR vendor_org_id = @vendor)
        """;

    /// <summary>People holding a valid certificate at @now.</summary>
    internal const string CertifiedAtSql = $"SELECT DISTINCT c.user_id FROM certificates c WHERE {Valid}";
}
