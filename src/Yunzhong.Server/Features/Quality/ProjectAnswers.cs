using System.Runtime.CompilerServices;
using Yunzhong.Core.Quality;

namespace Yunzhong.Server.Features.Quality;

/// <summary>One annotation in force on a task: the annotator and the result.</summary>
internal sealed record ForceAnnotation(long TaskId, long UserId, string ResultJson);

/// <summary>Truth inference over one choices control of a project.</summary>
/// <param name="Items">Inferred label per task that has answers, in task id order.</param>
/// <param name="Workers">Skill per annotator.</param>
/// <param name="Values">Each inferred label's options (a multi-choice label is a joined set).</param>
internal sealed record ChoiceTruths(
    string Control,
    TruthMethod Method,
    IReadOnlyList<(long TaskId, string Label, double Confidence)> Items,
    IReadOnlyList<(long UserId, string Name, double Skill)> Workers,
    IReadOnlyDictionary<string, string[]> Values);

/// <summary>
/// Reads a project's annotations in force (submitted, pending review, accepted: not rejected or
/// superseded versions) task by task in id order, a page of tasks at a time, so callers hold one
/// page however large the project is.
/// </summary>
internal static class ProjectAnswers
{
    private const int PageSize = 500;

    /// <summary>Each task's annotations in force, tasks in id order; tasks without any are left out.</summary>
    public static async IAsyncEnumerable<List<ForceAnnotation>> ByTaskAsync(
        DbConnection c, long projectId, long? taskId, [EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var ids = taskId is { } one
                ? new List<long> { one }
                : (await c.QueryAsync<long>(new CommandDefinition(
                    QualitySql.TaskIdsPageSql(PageSize), new { projectId, after }, cancellationToken: ct))).ToList();
            if (ids.Count == 0)
            {
                yield break;
            }
            var rows = await c.QueryAsync<ForceAnnotation>(new CommandDefinition(
                QualitySql.AnswersInForceSql, new { projectId, first = ids[0], last = ids[^1] }, cancellationToken: ct));
            var group = new List<ForceAnnotation>();
            foreach (var r in rows)
            {
                if (group.Count > 0 && group[0].TaskId != r.TaskId)
                {
                    yield return group;
                    group = [];
                }
                group.Add(r);
            }
            if (group.Count > 0)
            {
                yield return group;
            }
            if (taskId is not null || ids.Count < PageSize)
            {
                yield break;
            }
            after = ids[^1];
        }
    }

    /// <summary>
    /// Runs truth inference over one choices control: one answer per annotation in force that
    /// answered it, gold tasks' known answers as gold. The answers are held in memory (a few
    /// integers each), the results are not.
    /// </summary>
    public static async Task<ChoiceTruths> InferAsync(DbConnection c, ProjectConfig project, ControlDef control, TruthMethod method, CancellationToken ct)
    {
        var answers = new List<(string Question, string Worker, string Answer)>();
        var values = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await foreach (var task in ByTaskAsync(c, project.Id, null, ct))
        {
            foreach (var a in task)
            {
                using var doc = JsonDocument.Parse(a.ResultJson);
                if (ResultValues.Choices(doc.RootElement, control.Name) is { } chosen)
                {
                    var label = string.Join(ResultValues.MultiSeparator, chosen);
                    values.TryAdd(label, chosen);
                    answers.Add((Key(a.TaskId), Key(a.UserId), label));
                }
            }
        }
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        var goldRows = await c.QueryAsync<(long Id, string Gold)>(new CommandDefinition(
            QualitySql.GoldTasksSql, new { project.Id }, cancellationToken: ct));
        foreach (var (id, json) in goldRows)
        {
            if (GoldChoices(json, control.Name) is { } chosen)
            {
                var label = string.Join(ResultValues.MultiSeparator, chosen);
                values.TryAdd(label, chosen);
                gold[Key(id)] = label;
            }
        }
        if (answers.Count == 0)
        {
            return new ChoiceTruths(control.Name, method, [], [], values);
        }
        // Single-choice options nobody picked can still be inferred; sets of a multi-choice are not enumerated.
        var extra = control.Multiple ? null : control.Labels.Select(l => l.Value);
        var data = AnswerSet.Create(answers, gold, extra);
        answers.Clear();
        var result = TruthInference.Infer(data, method);
        var items = new List<(long, string, double)>(data.QuestionCount);
        for (var q = 0; q < data.QuestionCount; q++)
        {
            items.Add((long.Parse(data.Questions[q], System.Globalization.CultureInfo.InvariantCulture), result.TruthLabel(q), result.Confidence[q]));
        }
        var ids = data.Workers.Select(w => long.Parse(w, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var names = (await c.QueryAsync<(long Id, string Name)>(new CommandDefinition(
            QualitySql.AnswerersNamesSql, new { project.Id },
            cancellationToken: ct))).ToDictionary(u => u.Id, u => u.Name);
        var workers = ids.Select((id, w) => (id, names.GetValueOrDefault(id, ""), result.WorkerSkill[w])).ToList();
        foreach (var label in data.Labels)
        {
            values.TryAdd(label, [label]);
        }
        // result.Method is what actually ran: with auto, the method it chose.
        return new ChoiceTruths(control.Name, result.Method, items, workers, values);
    }

    /// <summary>
    /// A gold task's answer for the control: <c>gold_json</c> is a result object keyed by control
    /// name (as annotations are); a <c>{ "result": {...} }</c> wrapper is read through.
    /// </summary>
    public static string[]? GoldChoices(string goldJson, string control)
    {
        try
        {
            using var doc = JsonDocument.Parse(goldJson);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && !root.TryGetProperty(control, out _)
                && root.TryGetProperty("result", out var inner) && inner.ValueKind == JsonValueKind.Object)
            {
                root = inner;
            }
            return ResultValues.Choices(root, control);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
