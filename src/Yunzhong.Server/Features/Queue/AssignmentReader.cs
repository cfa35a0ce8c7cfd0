using Dapper;
using Yunzhong.Server.Data;

namespace Yunzhong.Server.Features.Queue;

public sealed record AssignmentRow(long Id, long ProjectId, long TaskId, string Status, string DataJson, string? GoldJson);

/// <summary>Reads an assignment with its task's data for validation before a submission is queued.</summary>
public sealed class AssignmentReader(Db db)
{
    public async Task<AssignmentRow?> FindAsync(long assignmentId, long userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<AssignmentRow>(new CommandDefinition(
            """
            SELECT a.id, a.project_id AS ProjectId, a.task_id AS TaskId, a.status, t.data_json AS DataJson, t.gold_json AS GoldJson
            FROM assignments a JOIN tasks t ON t.id = a.task_id
            WHERE a.id = @assignmentId AND a.user_id = @userId
            """, new { assignmentId, userId }, cancellationToken: ct));
    }
}
