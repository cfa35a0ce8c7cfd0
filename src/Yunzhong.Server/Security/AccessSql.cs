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
}
