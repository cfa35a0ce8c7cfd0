using Yunzhong.Core.Learning;

namespace Yunzhong.Server.Features.Learning;

/// <summary>
/// Keeps <c>tasks.uncertainty</c>, the most-uncertain order's key (0021_learning), in step with the
/// tasks' predictions. Only projects in that order hold keys; every writer of predictions calls
/// <see cref="RefreshTasksAsync"/> in its transaction (the bulk API, the loop, the model server,
/// imports), and switching to the order or changing the measure refreshes the whole project. The
/// queue then reads the key through its partial index: nothing is scored per lease.
/// The key is <see cref="Uncertainty.FromScore"/> of the latest scored prediction, written here in SQL
/// so that a whole project is one statement; a test holds the two to the same numbers.
/// </summary>
internal static class UncertaintyKeys
{
    /// <summary>The key when a task has no scored prediction: after every scored task.</summary>
    internal const double Unscored = -1;

    // The latest scored prediction's score, clamped to 0..1, as x.s.
    private const string Latest = """
        SELECT CASE WHEN p.score > 1 THEN 1.0 WHEN p.score < 0 THEN 0.0 ELSE p.score END AS s
        FROM predictions p WHERE p.task_id = tasks.id AND p.score IS NOT NULL ORDER BY p.id DESC LIMIT 1
        """;

    /// <summary>The measure as SQL over x.s with @k labels (see <see cref="Uncertainty.FromScore"/>).</summary>
    internal static string Expression(UncertaintyMeasure measure) => measure switch
    {
        UncertaintyMeasure.LeastConfidence => "1 - x.s",
        UncertaintyMeasure.Margin => "1 - (x.s - (1 - x.s) / (@k - 1))",
        _ => "CASE WHEN x.s >= 1 THEN 0.0 WHEN x.s <= 0 THEN ln(@k - 1) / ln(@k) ELSE (-(x.s * ln(x.s)) - (1 - x.s) * ln((1 - x.s) / (@k - 1))) / ln(@k) END",
    };

    private static string RefreshSql(UncertaintyMeasure measure, string scope) =>
        $"UPDATE tasks SET uncertainty = COALESCE((SELECT {Expression(measure)} FROM ({Latest}) x), {Unscored}) WHERE project_id = @projectId{scope}";

    /// <summary>How many labels a prediction chooses among: the options of the schema's first choices control (2 at least).</summary>
    internal static int Labels(LabelSchema schema) =>
        Math.Max(2, schema.Controls.FirstOrDefault(c => c.Type == ControlType.Choices)?.Labels.Count ?? 2);

    /// <summary>Whether tasks of a project in this stored order hold keys.</summary>
    internal static bool Keyed(string order) => order == Queue.QueueSql.MostUncertain;

    /// <summary>Refreshes the keys of every task of <paramref name="project"/> (entering the order, a new measure).</summary>
    internal static async Task RefreshProjectAsync(DbConnection c, DbTransaction tx, long projectId, LabelSchema schema, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(RefreshSql(await MeasureAsync(c, tx, projectId, ct), ""),
            new { projectId, k = (double)Labels(schema) }, tx, cancellationToken: ct));

    /// <summary>Refreshes the keys of the tasks an import added, when the project is in most-uncertain order.</summary>
    internal static async Task RefreshImportAsync(DbConnection c, DbTransaction tx, ProjectConfig project, long importId, CancellationToken ct)
    {
        if (Keyed(project.Order))
        {
            var measure = await MeasureAsync(c, tx, project.Id, ct);
            await c.ExecuteAsync(new CommandDefinition(RefreshSql(measure, " AND import_id = @importId"),
                new { projectId = project.Id, importId, k = (double)Labels(project.Schema) }, tx, cancellationToken: ct));
        }
    }

    /// <summary>Refreshes the keys of tasks <paramref name="taskIds"/> after their predictions changed, when the project is in most-uncertain order.</summary>
    internal static async Task RefreshTasksAsync(
        DbConnection c, DbTransaction tx, SqlDialect dialect, ProjectConfig project, IReadOnlyCollection<long> taskIds, CancellationToken ct)
    {
        if (!Keyed(project.Order) || taskIds.Count == 0)
        {
            return;
        }
        var measure = await MeasureAsync(c, tx, project.Id, ct);
        var sql = RefreshSql(measure, " AND " + dialect.InList("id", "@ids"));
        var k = (double)Labels(project.Schema);
        // SQLite binds a list as one parameter per item: a thousand at a time stays under its bound.
        foreach (var chunk in taskIds.Chunk(1000))
        {
            await c.ExecuteAsync(new CommandDefinition(sql, new { projectId = project.Id, ids = chunk, k }, tx, cancellationToken: ct));
        }
    }

    private static async Task<UncertaintyMeasure> MeasureAsync(DbConnection c, DbTransaction tx, long projectId, CancellationToken ct) =>
        Wire.Parse<UncertaintyMeasure>(await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            LearningSql.MeasureSql, new { projectId }, tx, cancellationToken: ct)) ?? "least_confidence");
}
