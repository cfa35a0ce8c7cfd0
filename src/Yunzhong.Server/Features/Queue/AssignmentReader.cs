namespace Yunzhong.Server.Features.Queue;

public sealed record AssignmentRow(long Id, long ProjectId, long TaskId, string Status, string DataJson, string? GoldJson);

/// <summary>Reads an assignment with its task's data for validation before a submission is queued.</summary>
public sealed class AssignmentReader(HotReads reads)
{
    public Task<AssignmentRow?> FindAsync(long assignmentId, long userId, CancellationToken ct) =>
        reads.RunAsync(async sql =>
        {
            var cmd = sql[
                """
                SELECT a.project_id, a.task_id, a.status, t.data_json, t.gold_json
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.id = @assignmentId AND a.user_id = @userId
                """].Bind("assignmentId", assignmentId).Bind("userId", userId);
            if (!await cmd.ReadAsync())
            {
                return null;
            }
            var row = new AssignmentRow(assignmentId, cmd.Int64(0), cmd.Int64(1), cmd.Text(2), cmd.Text(3), cmd.TextOrNull(4));
            await cmd.ResetAsync();
            return row;
        }, ct);
}
