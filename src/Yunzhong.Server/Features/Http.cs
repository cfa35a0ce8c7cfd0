namespace Yunzhong.Server.Features;

/// <summary>Small pieces every feature's endpoints share.</summary>
internal static class Http
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: 404, title: $"{what} not found.");

    public static ProblemHttpResult Forbidden(string why) =>
        TypedResults.Problem(statusCode: 403, title: why);

    public static ProblemHttpResult Conflict(string why) =>
        TypedResults.Problem(statusCode: 409, title: why);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IEnumerable<SchemaError> errors, string title = "The request is not valid.") =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Path.Length == 0 ? "/" : e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title);

    /// <summary>
    /// Tenancy and roles in one place: a project the caller's organisations do not hold answers 404,
    /// exactly like a missing one; a member without one of the <paramref name="required"/> roles
    /// answers 403 with <paramref name="forbidden"/>. <paramref name="notFound"/> names what the
    /// caller asked for when it was reached through the project (an export, an assignment).
    /// </summary>
    public static async Task<(ProjectConfig? Project, ProblemHttpResult? Problem)> GateAsync(
        this Access access, long userId, long projectId, Roles required, string forbidden, CancellationToken ct, string notFound = "Project")
    {
        var (project, _, problem) = await WorkGateAsync(access, userId, projectId, required, forbidden, ct, notFound);
        return (project, problem);
    }

    /// <summary><see cref="GateAsync"/> that also says which contract (with site and team) the caller works
    /// the project under; null for the project's own members.</summary>
    public static async Task<(ProjectConfig? Project, ContractWork? Work, ProblemHttpResult? Problem)> WorkGateAsync(
        this Access access, long userId, long projectId, Roles required, string forbidden, CancellationToken ct, string notFound = "Project")
    {
        var found = await access.ForProjectAsync(userId, projectId, ct);
        if (found is null)
        {
            return (null, null, NotFound(notFound));
        }
        return (found.Value.Roles & required) == 0 ? (null, null, Forbidden(forbidden)) : (found.Value.Project, found.Value.Work, null);
    }

    /// <summary>Stored JSON comes back as an element the serializer writes through unchanged.</summary>
    public static JsonElement Json(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    public static JsonElement? JsonOrNull(string? json) => json is null ? null : Json(json);

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
