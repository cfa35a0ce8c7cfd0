using Yunzhong.Server.Features.Projects;

namespace Yunzhong.Server.Features.Stats;

public sealed record DayCount(string Day, long Annotations);

public sealed record AnnotatorStats(long UserId, string Annotator, long Annotations, double? AvgLeadTimeSeconds);

public sealed record ProjectStats(StateCounts States, IReadOnlyList<DayCount> PerDay, IReadOnlyList<AnnotatorStats> PerAnnotator, double? AvgLeadTimeSeconds);

public static class StatsApi
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/projects/{projectId:long}/stats", Get).WithTags("Stats").WithName("getProjectStats").SignedIn().Gated();
        return app;
    }

    private static async Task<Results<Ok<ProjectStats>, ProblemHttpResult>> Get(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (allowed, problem) = await access.GateAsync(user.UserId(), projectId, (RoleNames.Manage | Roles.Reviewer), "Only managers and reviewers see project statistics.", ct);
        if (allowed is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var project = (await ProjectsApi.LoadAsync(c, projectId, ct))!;
        // Days are UTC; the bucket is computed in SQL from Unix milliseconds the same way on both engines.
        var perDay = await c.QueryAsync<(long Day, long N)>(new CommandDefinition(
            StatsSql.AnnotationsPerDaySql, new { projectId }, cancellationToken: ct));
        // A reviewer's fix is stored under the annotator (user_id) but made by the reviewer (author_id):
        // it is not the annotator's work, so it does not count toward what they did.
        var perAnnotator = await c.QueryAsync<(long UserId, string Name, long N, double? Lead)>(new CommandDefinition(
            StatsSql.PerAnnotatorSql, new { projectId }, cancellationToken: ct));
        var avg = await c.ExecuteScalarAsync<double?>(new CommandDefinition(
            StatsSql.AverageLeadTimeSql, new { projectId }, cancellationToken: ct));
        return TypedResults.Ok(new ProjectStats(
            project.Counts,
            perDay.Select(d => new DayCount(DateTimeOffset.FromUnixTimeMilliseconds(d.Day * 86_400_000).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.N)).ToList(),
            perAnnotator.Select(a => new AnnotatorStats(a.UserId, a.Name, a.N, a.Lead)).ToList(),
            avg));
    }
}
