using Yunzhong.Core.Quality;

namespace Yunzhong.Server.Features.Training;

/// <summary>
/// Gold tasks as training uses them: copied from an organisation's projects when a trainer picks one
/// (so a lesson or an exam keeps the task, its known answer and its schema as they were), and
/// answers scored against them by the same rules as gold tasks in projects (<see cref="GoldScoring"/>).
/// </summary>
internal static class TrainingTasks
{
    private sealed record Source(long Id, long ProjectId, string SchemaJson, string DataJson, string GoldJson);

    /// <summary>The id of the organisation's copy of gold task <paramref name="taskId"/> (made now unless an
    /// identical one exists); null when the task is not a gold task of one of the organisation's projects.</summary>
    public static async Task<long?> CopyAsync(DbConnection c, DbTransaction tx, long organizationId, long taskId, long now, CancellationToken ct)
    {
        var t = await c.QueryFirstOrDefaultAsync<Source>(new CommandDefinition(TrainingSql.GoldTaskSql, new { organizationId, taskId }, tx, cancellationToken: ct));
        if (t is null)
        {
            return null;
        }
        var args = new { organizationId, taskId, projectId = t.ProjectId, schemaJson = t.SchemaJson, dataJson = t.DataJson, goldJson = t.GoldJson, now };
        return await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(TrainingSql.SameCopySql, args, tx, cancellationToken: ct))
            ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertCopySql, args, tx, cancellationToken: ct));
    }

    public static ValidationProblem NotGold(string field, long taskId) =>
        Http.Invalid(field, $"Task {taskId} is not a gold task of the organisation's projects.", ProblemCodes.TrainingNotGold,
            ProblemCodes.Params(("value", taskId)));

    /// <summary>
    /// The gold score (0–1) of <paramref name="result"/> on a training task, or the problems that make it
    /// no answer to the task's schema (checked as a submission is, without the media sizes).
    /// </summary>
    public static (double Score, ValidationProblem? Misfit) Score(string schemaJson, string dataJson, string goldJson, JsonElement result)
    {
        var schema = Schema(schemaJson);
        using var data = JsonDocument.Parse(dataJson);
        var errors = AnnotationValidator.Validate(schema, data.RootElement, result);
        if (errors.Count > 0)
        {
            return (0, Http.Invalid(errors, "The answer does not fit the task's label schema.", SchemaErrorCodes.Invalid, SchemaErrorCodes.Invalid));
        }
        return (GoldScoring.ScoreStored(schema, goldJson, result) ?? 0, null);
    }

    // A copied schema was checked when its project stored it; a failure here is a bug, not input.
    private static LabelSchema Schema(string json) =>
        LabelSchema.Parse(json, SchemaLimits.Stored).Schema ?? throw new InvalidOperationException("A training task holds an invalid schema.");
}
