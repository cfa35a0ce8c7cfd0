namespace Yunzhong.Server.Features.Quality;

/// <summary>
/// Dynamic overlap's question for one task: from the answers in force on the project's first choices
/// control, each annotator weighted by their gold record (shrunk towards an average annotator while
/// they have few gold answers), is the inferred answer short of the project's confidence target?
/// Asked when a submission would complete the task (the queue) and when an amendment changes an
/// answer of a complete task (<see cref="Tasks.HistoryApi"/>).
/// </summary>
internal static class OverlapNeed
{
    /// <summary>The skill assumed of an annotator without gold answers.</summary>
    public const double PriorSkill = 0.7;

    /// <summary>How many gold answers the prior counts as.</summary>
    private const double PriorWeight = 10;

    /// <summary>The control whose answers are judged: the schema's first choices control; null when it has none.</summary>
    public static ControlDef? Control(ProjectConfig project) =>
        project.Schema.Controls.FirstOrDefault(c => c.Type == ControlType.Choices);

    /// <summary>An annotator's skill from <paramref name="seen"/> gold answers scoring <paramref name="score"/> in all.</summary>
    public static double Skill(long seen, double score) => (score + PriorSkill * PriorWeight) / (seen + PriorWeight);

    /// <summary>The choice set of <paramref name="control"/> as one answer (several choices sorted and joined), "" when none.</summary>
    public static string ChoiceAnswer(string resultJson, string control)
    {
        using var doc = JsonDocument.Parse(resultJson);
        return doc.RootElement.TryGetProperty(control, out var v) && v.ValueKind == JsonValueKind.Array
            ? string.Join('|', v.EnumerateArray().Select(x => x.GetString()).Order(StringComparer.Ordinal))
            : "";
    }

    /// <summary>Whether the answers (worker, answer) with these skills leave confidence short of the target.</summary>
    public static bool NeedsMore(ProjectConfig project, ControlDef control, List<(string Worker, string Answer)> answers, Dictionary<string, double> skills)
    {
        var policy = new Core.Quality.OverlapPolicy(project.Overlap, project.Quality.OverlapMax!.Value, project.Quality.ConfidenceTarget!.Value, PriorSkill);
        return Core.Quality.DynamicOverlap.Decide(answers, skills, policy, control.Labels.Count).NeedsMore;
    }

    /// <summary>The same question read inside transaction <paramref name="tx"/> (the amend path; the queue
    /// reads through its own prepared statements).</summary>
    public static async Task<bool> NeedsMoreAsync(DbConnection c, DbTransaction tx, ProjectConfig project, long taskId, CancellationToken ct)
    {
        if (Control(project) is not { } control)
        {
            return false;
        }
        var rows = (await c.QueryAsync<(long Worker, string Result)>(
            new CommandDefinition(Queue.QueueSql.AnswersSql, new { taskId }, tx, cancellationToken: ct))).ToList();
        var answers = rows.Select(r => (Id(r.Worker), ChoiceAnswer(r.Result, control.Name))).ToList();
        var skills = new Dictionary<string, double>();
        foreach (var worker in rows.Select(r => r.Worker).Distinct())
        {
            var score = await c.QueryFirstOrDefaultAsync<(long Seen, double Score)?>(
                new CommandDefinition(Queue.QueueSql.GoldScoreSql, new { projectId = project.Id, userId = worker }, tx, cancellationToken: ct));
            if (score is { } s)
            {
                skills[Id(worker)] = Skill(s.Seen, s.Score);
            }
        }
        return NeedsMore(project, control, answers, skills);
    }

    private static string Id(long worker) => worker.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
