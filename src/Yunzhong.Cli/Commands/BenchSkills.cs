using Dapper;
using Yunzhong.Server.Data;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench --skills`: routing by skill on every lease. Each project requires one skill of every
/// annotator (all hold it), and routes tasks whose <c>dialect</c> is <c>datong</c> (every other task) to
/// a second skill that three annotators in four hold, so a quarter of the annotators pass over the
/// routed tasks in the queue order. Certificates are written before the race, so the first lease of
/// each annotator reads their set and the rest come from the cache.
/// </summary>
internal static class BenchSkills
{
    /// <summary>The bench's task line with a <c>dialect</c> on every other task.</summary>
    public static string Task(int i) =>
        $"{{\"key\":\"t{i}\",\"data\":{{\"text\":\"任务 {i}: the quick brown fox jumps over the lazy dog\",\"dialect\":\"{(i % 2 == 0 ? "datong" : "putonghua")}\"}}}}\n";

    /// <summary>The two skills, and certificates: the first for everyone, the second for three annotators in four.</summary>
    public static async Task<(long All, long Dialect)> CertifyAsync(Db db, IReadOnlyList<long> annotators, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var all = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO skills (code, name_en, name_zh, description, max_level, created_at, updated_at) VALUES ('bench-all', 'bench', '基准', '', 3, 0, 0) RETURNING id",
            transaction: tx, cancellationToken: ct));
        var dialect = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO skills (code, name_en, name_zh, description, max_level, created_at, updated_at) VALUES ('bench-datong', 'Datong', '大同话', '', 3, 0, 0) RETURNING id",
            transaction: tx, cancellationToken: ct));
        for (var i = 0; i < annotators.Count; i++)
        {
            foreach (var skill in i % 4 == 3 ? [all] : new[] { all, dialect })
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO certificates (user_id, skill_id, level, issued_at, expires_at, source) VALUES (@user, @skill, 2, 0, NULL, 'granted')",
                    new { user = annotators[i], skill }, tx, cancellationToken: ct));
            }
        }
        await tx.CommitAsync(ct);
        return (all, dialect);
    }

    /// <summary>The project's requirement and route, set through the API as a manager would (before its tasks are imported).</summary>
    public static Task<System.Text.Json.JsonElement> RequireAsync(Api admin, long projectId, (long All, long Dialect) skills, CancellationToken ct) =>
        admin.SendAsync<System.Text.Json.JsonElement>(HttpMethod.Put, $"api/projects/{projectId}/skills", new
        {
            requirements = new[] { new { skillId = skills.All, minLevel = 1 } },
            routes = new[] { new { field = "dialect", value = "datong", skillId = skills.Dialect, minLevel = 1 } },
        }, ct);
}
