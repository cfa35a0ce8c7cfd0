using System.Globalization;
using System.Text;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;

namespace Yunzhong.Server.Features.Quality;

/// <summary>One annotator's record in a project.</summary>
/// <param name="Annotations">Annotation versions they made themselves (fixes by reviewers not counted).</param>
/// <param name="GoldAccuracy">Mean score on gold tasks (0–1), null before the first.</param>
/// <param name="Flagged">At least the project's gold minimum seen and accuracy below its threshold.</param>
/// <param name="AcceptanceRate">Accepted / reviewed, where reviewed counts accept, reject and fix.</param>
public sealed record AnnotatorQuality(
    long UserId, string Name, long Annotations, long GoldSeen, double? GoldAccuracy, bool Flagged, double? AvgLeadTimeSeconds,
    long Reviewed, long Accepted, double? AcceptanceRate);

public sealed record AnnotatorsView(double GoldThreshold, int GoldMinimum, IReadOnlyList<AnnotatorQuality> Annotators);

/// <summary>Agreement per control; <paramref name="Tasks"/> counts tasks with at least two annotations in force.</summary>
public sealed record AgreementView(long? TaskId, long Tasks, IReadOnlyList<ControlAgreement> Controls);

public sealed record AggregateRequest(string? Method = null, string? Control = null);

public sealed record AggregateItem(long TaskId, string Label, double Confidence);

public sealed record AggregateWorker(long UserId, string Name, double Skill);

public sealed record AggregateView(string Method, string Control, IReadOnlyList<AggregateItem> Items, IReadOnlyList<AggregateWorker> Workers);

/// <summary>Annotator scores, inter-annotator agreement and truth inference over a project's answers.</summary>
public static class QualityApi
{
    public static IEndpointRouteBuilder MapQuality(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/projects/{projectId:long}/quality").WithTags("Quality").SignedIn().Gated();
        g.MapGet("/annotators", Annotators).WithName("getAnnotatorQuality");
        // ?format=csv answers the same figures as CSV text.
        g.MapGet("/agreement", AgreementOf).WithName("getAgreement").FieldErrors().AlsoCsv();
        g.MapPost("/aggregate", Aggregate).WithName("aggregateAnswers").JsonBody().AlsoCsv();
        return app;
    }

    /// <summary>The project when the caller may see its quality figures: managers and reviewers; 404 to other organisations.</summary>
    private static async Task<Results<Ok<AnnotatorsView>, ProblemHttpResult>> Annotators(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage | Roles.Reviewer, "Only managers and reviewers see quality figures.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var work = (await c.QueryAsync<(long UserId, long N, double? Lead)>(new CommandDefinition(
            QualitySql.WorkPerAnnotatorSql, new { projectId }, cancellationToken: ct))).ToDictionary(r => r.UserId);
        var gold = (await c.QueryAsync<(long UserId, long Seen, double Score)>(new CommandDefinition(
            QualitySql.GoldScoresSql, new { projectId }, cancellationToken: ct))).ToDictionary(r => r.UserId);
        var reviews = (await c.QueryAsync<(long UserId, long Reviewed, long Accepted)>(new CommandDefinition(
            QualitySql.ReviewsPerAnnotatorSql, new { projectId }, cancellationToken: ct))).ToDictionary(r => r.UserId);
        var ids = work.Keys.Union(gold.Keys).Union(reviews.Keys).ToArray();
        var names = (await c.QueryAsync<(long Id, string Name)>(new CommandDefinition(
            QualitySql.AnnotatorNamesSql, new { projectId }, cancellationToken: ct))).ToDictionary(u => u.Id, u => u.Name);
        var q = project.Quality;
        var list = ids.Select(id =>
        {
            var w = work.GetValueOrDefault(id);
            var g = gold.GetValueOrDefault(id);
            var r = reviews.GetValueOrDefault(id);
            double? accuracy = g.Seen > 0 ? g.Score / g.Seen : null;
            var flagged = accuracy is { } acc && g.Seen >= q.GoldMinimum && acc < q.GoldThreshold;
            return new AnnotatorQuality(id, names.GetValueOrDefault(id, ""), w.N, g.Seen, accuracy, flagged, w.Lead,
                r.Reviewed, r.Accepted, r.Reviewed > 0 ? (double)r.Accepted / r.Reviewed : null);
        }).OrderByDescending(a => a.Annotations).ThenBy(a => a.UserId).ToList();
        return TypedResults.Ok(new AnnotatorsView(q.GoldThreshold, q.GoldMinimum, list));
    }

    private static async Task<Results<Ok<AgreementView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> AgreementOf(
        long projectId, long? taskId, string? format, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage | Roles.Reviewer, "Only managers and reviewers see quality figures.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (format is not (null or "json" or "csv"))
        {
            return Http.Invalid("format", "format must be json or csv.");
        }
        await using var c = await db.OpenAsync(ct);
        if (taskId is not null && await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                QualitySql.TaskInProjectSql, new { taskId, projectId }, cancellationToken: ct)) is null)
        {
            return Http.NotFound("Task");
        }
        var accumulators = AgreementAccumulator.ForSchema(project.Schema);
        long tasks = 0;
        var results = new List<JsonElement>();
        await foreach (var task in ProjectAnswers.ByTaskAsync(c, projectId, taskId, ct))
        {
            if (task.Count < 2)
            {
                continue;
            }
            tasks++;
            var docs = task.Select(a => JsonDocument.Parse(a.ResultJson)).ToList();
            try
            {
                results.Clear();
                results.AddRange(docs.Select(d => d.RootElement));
                foreach (var a in accumulators)
                {
                    a.AddTask(results);
                }
            }
            finally
            {
                foreach (var d in docs)
                {
                    d.Dispose();
                }
            }
        }
        var controls = accumulators.Select(a => a.Result()).ToList();
        if (format == "csv")
        {
            var sb = new StringBuilder("control,type,metric,value,tasks,pairs\n");
            foreach (var control in controls)
            {
                foreach (var (metric, value) in control.Metrics)
                {
                    sb.Append(CsvCells.Escape(control.Name)).Append(',').Append(Wire.Name(control.Type)).Append(',').Append(metric).Append(',')
                        .Append(value?.ToString("R", CultureInfo.InvariantCulture) ?? "").Append(',')
                        .Append(control.Tasks.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(control.Pairs.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
            return TypedResults.Text(sb.ToString(), "text/csv; charset=utf-8");
        }
        return TypedResults.Ok(new AgreementView(taskId, tasks, controls));
    }

    private static async Task<Results<Ok<AggregateView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Aggregate(
        long projectId, AggregateRequest? request, string? format, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage | Roles.Reviewer, "Only managers and reviewers see quality figures.", ct);
        if (project is null)
        {
            return problem!;
        }
        var method = TruthInference.DefaultMethod;
        if (request?.Method is { Length: > 0 } name && !TruthInference.TryParseMethod(name, out method))
        {
            return Http.Invalid("method", $"method must be one of {string.Join(", ", TruthInference.MethodNames)}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", string.Join(", ", TruthInference.MethodNames))));
        }
        if (format is not (null or "json" or "csv"))
        {
            return Http.Invalid("format", "format must be json or csv.");
        }
        var control = ChoicesControl(project.Schema, request?.Control, out var error);
        if (control is null)
        {
            return Http.Invalid("control", error!);
        }
        await using var c = await db.OpenAsync(ct);
        var truths = await ProjectAnswers.InferAsync(c, project, control, method, ct);
        if (format == "csv")
        {
            var sb = new StringBuilder("task,truth,confidence\n");
            foreach (var (taskId, label, confidence) in truths.Items)
            {
                sb.Append(taskId.ToString(CultureInfo.InvariantCulture)).Append(',').Append(CsvCells.Escape(label)).Append(',')
                    .Append(confidence.ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
            }
            return TypedResults.Text(sb.ToString(), "text/csv; charset=utf-8");
        }
        return TypedResults.Ok(new AggregateView(
            TruthInference.NameOf(truths.Method), control.Name,
            truths.Items.Select(i => new AggregateItem(i.TaskId, i.Label, i.Confidence)).ToList(),
            truths.Workers.Select(w => new AggregateWorker(w.UserId, w.Name, w.Skill)).ToList()));
    }

    /// <summary>The named choices control, or the schema's first one when no name is given.</summary>
    internal static ControlDef? ChoicesControl(LabelSchema schema, string? name, out string? error)
    {
        error = null;
        var control = name is null
            ? schema.Controls.FirstOrDefault(c => c.Type == ControlType.Choices)
            : schema.Controls.FirstOrDefault(c => c.Name == name);
        if (control is null)
        {
            error = name is null ? "The project's schema has no choices control." : $"The schema has no control '{name}'.";
            return null;
        }
        if (control.Type != ControlType.Choices)
        {
            error = $"Control '{name}' is not a choices control; truth inference runs on choices.";
            return null;
        }
        return control;
    }
}
