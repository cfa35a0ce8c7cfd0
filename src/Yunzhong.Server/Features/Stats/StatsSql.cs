namespace Yunzhong.Server.Features.Stats;

/// <summary>Project statistics' SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class StatsSql
{
    /// <summary>Annotations of project @projectId per UTC day, the day as Unix milliseconds / 86 400 000 (the same on both engines).</summary>
    internal const string AnnotationsPerDaySql =
        "SELECT created_at / 86400000 AS day, COUNT(*) FROM annotations WHERE project_id = @projectId GROUP BY created_at / 86400000 ORDER BY 1";

    /// <summary>Per annotator of project @projectId: their annotations and average lead time, counting only what they authored themselves (not a reviewer's fix stored under them).</summary>
    internal const string PerAnnotatorSql = """
        SELECT a.user_id, u.name, COUNT(*), AVG(a.lead_time) FROM annotations a JOIN users u ON u.id = a.user_id
        WHERE a.project_id = @projectId AND a.author_id = a.user_id
        GROUP BY a.user_id, u.name ORDER BY COUNT(*) DESC, a.user_id
        """;

    /// <summary>The average lead time of project @projectId's annotations.</summary>
    internal const string AverageLeadTimeSql = "SELECT AVG(lead_time) FROM annotations WHERE project_id = @projectId";
}
