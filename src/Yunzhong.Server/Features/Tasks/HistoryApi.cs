namespace Yunzhong.Server.Features.Tasks;

/// <summary>One of the caller's own answers in a project, newest first (the version in force:
/// a reviewer's fix shows, the answer it replaced does not).</summary>
/// <param name="Status">submitted (no review), pending (waiting for a reviewer), accepted, rejected.</param>
public sealed record HistoryItem(
    long AnnotationId, long TaskId, string? Key, int Version, AnnotationStatus Status, JsonElement Result, double? LeadTimeSeconds, DateTimeOffset CreatedAt);

public sealed record HistoryView(IReadOnlyList<HistoryItem> Items);

/// <summary>An annotator's own recent work in a project: what they answered and where it stands.</summary>
public static class HistoryApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Tasks").SignedIn()
            .MapGet("/projects/{projectId:long}/history", History).WithName("listMyRecentWork").Gated().FieldErrors();
        return app;
    }

    /// <summary>The caller's own answers only, whatever their role; 404 to other organisations, 403 to people who do not annotate.</summary>
    private static async Task<Results<Ok<HistoryView>, ProblemHttpResult, ValidationProblem>> History(
        long projectId, int? limit, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Http.Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
        }
        var me = user.UserId();
        var (project, problem) = await access.GateAsync(me, projectId, RoleNames.Annotate, "Only annotators have a history of their own work.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long Id, long TaskId, string? Key, long Version, string Status, string ResultJson, double? LeadTime, long CreatedAt)>(
            new CommandDefinition(TasksSql.HistorySql, new { projectId, me, take = limit ?? DefaultLimit }, cancellationToken: ct));
        return TypedResults.Ok(new HistoryView(rows.Select(r => new HistoryItem(
            r.Id, r.TaskId, r.Key, (int)r.Version, Wire.Parse<AnnotationStatus>(r.Status), Http.Json(r.ResultJson), r.LeadTime, Http.Time(r.CreatedAt))).ToList()));
    }
}
