using Yunzhong.Server.Data;

namespace Yunzhong.Server.Features.Queue;

public sealed record AssignmentRow(long Id, long ProjectId, long TaskId, string Status, string DataJson, string? GoldJson);

/// <summary>Reads an assignment with its task's data for validation before a submission is queued.</summary>
public sealed class AssignmentReader(HotReads reads)
{
    public Task<AssignmentRow?> FindAsync(long assignmentId, long userId, CancellationToken ct) =>
        reads.RunAsync(async sql =>
        {
            var cmd = sql.Get(
                """
                SELECT a.project_id, a.task_id, a.status, t.data_json, t.gold_json
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.id = @a AND a.user_id = @u
                """, null).With("@a", assignmentId).With("@u", userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct)
                ? new AssignmentRow(assignmentId, r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))
                : null;
        }, ct);
}
