namespace Yunzhong.Server.Features;

/// <summary>Small pieces every feature's endpoints share.</summary>
internal static class Http
{
    // Each answer carries a stable code and its params (ProblemCodes); the English words stay for API users.

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: 404, title: $"{what} not found.", extensions: ProblemCodes.Extensions(ProblemCodes.NotFoundOf(what)));

    public static ProblemHttpResult Forbidden(string why, string code = ProblemCodes.AccessForbidden, Dictionary<string, object?>? values = null) =>
        TypedResults.Problem(statusCode: 403, title: why, extensions: ProblemCodes.Extensions(code, values));

    public static ProblemHttpResult Conflict(string why, string code = ProblemCodes.Conflict, Dictionary<string, object?>? values = null) =>
        TypedResults.Problem(statusCode: 409, title: why, extensions: ProblemCodes.Extensions(code, values));

    /// <summary>One field is wrong: <paramref name="code"/> and <paramref name="values"/> say how, for a translated message.</summary>
    public static ValidationProblem Invalid(string field, string message, string code = ProblemCodes.FieldInvalid, Dictionary<string, object?>? values = null) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            extensions: FieldExtensions([(field, code, values)]));

    /// <summary>
    /// Problems found by a check (a schema's, an annotation's): each keeps its own code where it has
    /// one, else <paramref name="fallback"/>; the problem as a whole answers <paramref name="code"/>.
    /// </summary>
    public static ValidationProblem Invalid(IEnumerable<SchemaError> errors, string title = "The request is not valid.",
        string code = ProblemCodes.RequestInvalid, string fallback = ProblemCodes.FieldInvalid)
    {
        var list = errors.Select(e => (Key: e.Path.Length == 0 ? "/" : e.Path, Error: e)).ToList();
        return TypedResults.ValidationProblem(
            list.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Error.Message).ToArray()),
            title: title,
            extensions: FieldExtensions(list.Select(e => (e.Key, e.Error.Code ?? fallback, e.Error.Args)), code));
    }

    private static Dictionary<string, object?> FieldExtensions(
        IEnumerable<(string Field, string Code, IReadOnlyDictionary<string, object?>? Values)> fields, string code = ProblemCodes.RequestInvalid)
    {
        var extensions = ProblemCodes.Extensions(code);
        extensions[ProblemCodes.FieldsKey] = fields.GroupBy(f => f.Field).ToDictionary(
            g => g.Key,
            g => g.Select(f => ProblemCodes.At(f.Field, f.Code, f.Values)).ToArray());
        return extensions;
    }

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
