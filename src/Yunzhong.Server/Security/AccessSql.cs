namespace Yunzhong.Server.Security;

/// <summary>Access checks' SQL (Dapper, <c>@name</c> parameters): a member's roles and a live project's stored settings.</summary>
internal static class AccessSql
{
    /// <summary>User @userId's roles in organisation @organizationId (comma-separated).</summary>
    internal const string RolesSql = "SELECT roles FROM memberships WHERE user_id = @userId AND organization_id = @organizationId";

    /// <summary>Project @projectId's stored settings, unless it was deleted.</summary>
    internal const string ProjectRowSql = """
        SELECT id, organization_id AS OrganizationId, name, instructions, schema_json AS SchemaJson, overlap,
               lease_seconds AS LeaseSeconds, task_order AS TaskOrder, review_policy AS ReviewPolicy,
               review_percent AS ReviewPercent, created_at AS CreatedAt, gold_rate AS GoldRate,
               gold_threshold AS GoldThreshold, gold_minimum AS GoldMinimum, overlap_max AS OverlapMax,
               confidence_target AS ConfidenceTarget, archived_at AS ArchivedAt
        FROM projects WHERE id = @projectId AND deleted_at IS NULL
        """;

    /// <summary>Who works a contract: its people, and the members of its teams (a condition on @userId and contract <c>c</c>).</summary>
    internal const string OnContract = """
        (EXISTS (SELECT 1 FROM contract_people cp WHERE cp.contract_id = c.id AND cp.user_id = @userId)
         OR EXISTS (SELECT 1 FROM contract_teams ct JOIN team_members tm ON tm.team_id = ct.team_id
                    WHERE ct.contract_id = c.id AND tm.user_id = @userId))
        """;

    /// <summary>The active contract under which user @userId, a member of its vendor, works project @projectId
    /// (the oldest if several): the contract, their roles in the vendor, their site and their team on it (the
    /// lowest, when several of their teams are on it; null when they are on it only in person). Walks from the
    /// person's own rows (both link tables are indexed by person), so it costs a few index probes whatever
    /// the planner knows of the tables: the earlier form filtered the project's contracts by two correlated
    /// EXISTS joined by OR, which PostgreSQL ran as hashed subplans over the link tables.</summary>
    internal const string ContractWorkSql = """
        SELECT c.id AS ContractId, m.roles AS Roles, m.site_id AS SiteId, c.deadline AS Deadline, MIN(links.team_id) AS TeamId
        FROM (SELECT cp.contract_id, CAST(NULL AS BIGINT) AS team_id FROM contract_people cp WHERE cp.user_id = @userId
              UNION ALL
              SELECT ct.contract_id, tm.team_id FROM team_members tm JOIN contract_teams ct ON ct.team_id = tm.team_id
              WHERE tm.user_id = @userId) links
        JOIN contracts c ON c.id = links.contract_id
        JOIN memberships m ON m.organization_id = c.vendor_org_id AND m.user_id = @userId
        WHERE c.project_id = @projectId AND c.state = 'active'
        GROUP BY c.id, m.roles, m.site_id, c.deadline
        ORDER BY c.id LIMIT 1
        """;

    /// <summary>
    /// <see cref="RolesSql"/> and, only when user @userId is not a member of organisation @organizationId,
    /// <see cref="ContractWorkSql"/> for project @projectId, in one round trip: a row with Member = 1 and
    /// the member's roles, or Member = 0 and the contract work, or no row. A vendor's person missed the
    /// cache twice in a row on each expiry (two statements, two round trips, two pooled connections).
    /// </summary>
    internal const string RolesOrContractWorkSql = $"""
        SELECT CAST(1 AS BIGINT) AS Member, roles AS Roles, CAST(0 AS BIGINT) AS ContractId, CAST(NULL AS BIGINT) AS SiteId,
               CAST(NULL AS BIGINT) AS TeamId, CAST(0 AS BIGINT) AS Deadline
        FROM memberships WHERE user_id = @userId AND organization_id = @organizationId
        UNION ALL
        SELECT CAST(0 AS BIGINT), w.Roles, w.ContractId, w.SiteId, w.TeamId, w.Deadline FROM ({ContractWorkSql}) w
        WHERE NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = @userId AND organization_id = @organizationId)
        """;

    /// <summary>The projects user @userId works under active contracts (for the project list).</summary>
    internal const string ContractProjectsSql = $"""
        SELECT c.project_id FROM contracts c JOIN memberships m ON m.organization_id = c.vendor_org_id AND m.user_id = @userId
        WHERE c.state = 'active' AND {OnContract}
        """;
}
