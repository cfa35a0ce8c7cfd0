using System.Text.Json.Serialization;
using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Projects;

public sealed record ReviewSettings(ReviewPolicy Policy, int Percent);

/// <summary>Gold mixing and dynamic overlap; see <see cref="QualitySettings"/>. A missing value keeps the current one.</summary>
/// <param name="DynamicOverlap">False switches dynamic overlap off (clearing <paramref name="OverlapMax"/> and
/// <paramref name="ConfidenceTarget"/>, which null alone would keep); true or absent leaves the pair to decide.</param>
public sealed record QualityRequest(
    int? GoldRate = null, double? GoldThreshold = null, int? GoldMinimum = null, int? OverlapMax = null, double? ConfidenceTarget = null, bool? DynamicOverlap = null);

public sealed record ProjectRequest(
    long OrganizationId, string? Name = null, string? Instructions = null, JsonElement? Schema = null, string? LabelStudioXml = null,
    int? Overlap = null, int? LeaseSeconds = null, TaskOrder? Order = null, ReviewSettings? Review = null, QualityRequest? Quality = null);

/// <param name="Schema">A new schema (or <paramref name="LabelStudioXml"/>). Once the project has annotations, only a change
/// that keeps every existing result valid is taken (see <see cref="SchemaChange"/>): fields, optional controls, labels and
/// options may be added, none removed or changed in kind.</param>
/// <param name="Archived">True archives the project (its work stays; no more tasks are handed out), false takes it out of the archive.</param>
public sealed record ProjectPatch(
    string? Name = null, string? Instructions = null, JsonElement? Schema = null, string? LabelStudioXml = null, int? Overlap = null, int? LeaseSeconds = null, TaskOrder? Order = null,
    ReviewSettings? Review = null, QualityRequest? Quality = null, bool? Archived = null);

/// <summary>A project's tasks per state, keyed by the <see cref="TaskState"/> wire names (<c>counts["in_progress"]</c>), and in all.</summary>
public sealed record StateCounts(
    long Total,
    [property: JsonPropertyName("new")] long New,
    [property: JsonPropertyName("in_progress")] long InProgress,
    [property: JsonPropertyName("annotated")] long Annotated,
    [property: JsonPropertyName("in_review")] long InReview,
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("rejected")] long Rejected)
{
    public long Of(TaskState state) => state switch
    {
        TaskState.New => New,
        TaskState.InProgress => InProgress,
        TaskState.Annotated => Annotated,
        TaskState.InReview => InReview,
        TaskState.Accepted => Accepted,
        _ => Rejected,
    };
}

/// <param name="ArchivedAt">When the project was archived; null while it is active.</param>
/// <param name="HasAnnotations">Whether any annotation exists: from then on a schema change must keep them valid (see <see cref="ProjectPatch"/>).</param>
public sealed record ProjectView(
    long Id, long OrganizationId, string Name, string Instructions, JsonElement Schema, int Overlap, int LeaseSeconds,
    TaskOrder Order, ReviewSettings Review, QualitySettings Quality, DateTimeOffset CreatedAt, StateCounts Counts,
    DateTimeOffset? ArchivedAt = null, bool HasAnnotations = false);

public sealed record SchemaCheckRequest(JsonElement? Schema = null, string? LabelStudioXml = null);

/// <summary>One problem of a checked schema: where (a JSON pointer into the schema), the English
/// message for API users, and the code with its params (where in words included) that clients translate.</summary>
public sealed record SchemaIssue(string Path, string Message, string Code, IReadOnlyDictionary<string, object?> Params);

public sealed record UnmappedTagView(string Tag, string? Name);

public sealed record SchemaCheckResponse(JsonElement? Schema, IReadOnlyList<UnmappedTagView> Unmapped, IReadOnlyList<SchemaIssue> Errors);

public static class ProjectsApi
{
    /// <summary>
    /// The order as the projects table holds it. Stored before the API's names became snake_case, and
    /// read by the queue and migration 0005, <c>leastAnnotated</c> stays as it was; the others are the wire names.
    /// </summary>
    internal static string Stored(TaskOrder order) => order == TaskOrder.LeastAnnotated ? "leastAnnotated" : Wire.Name(order);

    internal static TaskOrder OrderOf(string stored) => stored == "leastAnnotated" ? TaskOrder.LeastAnnotated : Wire.Parse<TaskOrder>(stored);

    public static IEndpointRouteBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Projects").SignedIn();
        g.MapGet("/projects", List).WithName("listProjects").FieldErrors();
        // 413 or 422 also for a schema past the size bounds (LimitsOptions.Schema*).
        g.MapPost("/projects", Create).WithName("createProject").Gated().JsonBody().Problems(StatusCodes.Status422UnprocessableEntity);
        // Every member sees a project: 404 only, never 403.
        g.MapGet("/projects/{projectId:long}", Get).WithName("getProject").Problems(StatusCodes.Status404NotFound);
        g.MapPatch("/projects/{projectId:long}", Update).WithName("updateProject").Gated().JsonBody().Problems(StatusCodes.Status422UnprocessableEntity);
        g.MapDelete("/projects/{projectId:long}", Delete).WithName("deleteProject").Gated();
        g.MapPost("/schemas/check", Check).WithName("checkSchema").JsonBody().Problems(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Ok<List<ProjectView>>> List(long? organization, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = await c.QueryAsync<long>(new CommandDefinition(
            ProjectsSql.VisibleSql, new { userId = user.UserId(), organization }, cancellationToken: ct));
        var list = new List<ProjectView>();
        foreach (var id in ids)
        {
            list.Add((await LoadAsync(c, id, ct))!);
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<ProjectView>, ProblemHttpResult>> Get(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await access.ForProjectAsync(user.UserId(), projectId, ct) is null)
        {
            return Http.NotFound("Project");
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok((await LoadAsync(c, projectId, ct))!);
    }

    private static async Task<Results<Created<ProjectView>, ProblemHttpResult, ValidationProblem>> Create(
        ProjectRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, IOptions<LimitsOptions> limits,
        CancellationToken ct)
    {
        var roles = await access.RolesAsync(user.UserId(), request.OrganizationId, ct);
        if (roles == Roles.None)
        {
            return Http.NotFound("Organization");
        }
        if ((roles & RoleNames.Manage) == 0)
        {
            return Http.Forbidden("Only admins and managers create projects.");
        }
        var errors = new List<SchemaError>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            errors.Add(new("name", "A project needs a name of 1 to 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200))));
        }
        var (schema, refused) = ResolveSchema(request.Schema, request.LabelStudioXml, limits.Value, errors, required: true);
        if (refused is not null)
        {
            return refused;
        }
        var settings = CheckSettings(request.Overlap ?? 1, request.LeaseSeconds ?? 3600, request.Order ?? TaskOrder.Priority,
            request.Review ?? new ReviewSettings(ReviewPolicy.None, 0), errors);
        var quality = CheckQuality(request.Quality, QualitySettings.Default, settings.Overlap, errors);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The project is not valid.", ProblemCodes.ProjectInvalid, ProblemCodes.SchemaInvalid);
        }
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ProjectsSql.InsertSql, new
            {
                request.OrganizationId, name, instructions = request.Instructions ?? "", schema = schema!.ToJson(),
                settings.Overlap, settings.LeaseSeconds, Order = Stored(settings.Order), policy = Wire.Name(settings.Review.Policy),
                percent = settings.Review.Percent, userId = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
                quality.GoldRate, quality.GoldThreshold, quality.GoldMinimum, quality.OverlapMax, quality.ConfidenceTarget,
            }, cancellationToken: ct));
        return TypedResults.Created($"/api/projects/{id}", (await LoadAsync(c, id, ct))!);
    }

    private static async Task<Results<Ok<ProjectView>, ProblemHttpResult, ValidationProblem>> Update(
        long projectId, ProjectPatch patch, ClaimsPrincipal user, Access access, Db db, IOptions<LimitsOptions> limits, TimeProvider time,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only admins and managers change projects.", ct);
        if (project is null)
        {
            return problem!;
        }
        var p = project;
        var errors = new List<SchemaError>();
        var name = patch.Name?.Trim() ?? p.Name;
        if (name.Length is 0 or > 200)
        {
            errors.Add(new("name", "A project needs a name of 1 to 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200))));
        }
        var (newSchema, refused) = ResolveSchema(patch.Schema, patch.LabelStudioXml, limits.Value, errors, required: false);
        if (refused is not null)
        {
            return refused;
        }
        var schema = newSchema ?? p.Schema;
        await using var c = await db.OpenAsync(ct);
        if (newSchema is not null && errors.Count == 0)
        {
            await CheckSchemaChangeAsync(c, projectId, p.Schema, newSchema, patch.LabelStudioXml is null ? "/schema" : "labelStudioXml", errors, ct);
        }
        var settings = CheckSettings(patch.Overlap ?? p.Overlap, patch.LeaseSeconds ?? p.LeaseSeconds, patch.Order ?? OrderOf(p.Order),
            patch.Review ?? new ReviewSettings(Wire.Parse<ReviewPolicy>(p.ReviewPolicy), p.ReviewPercent), errors);
        var quality = CheckQuality(patch.Quality, p.Quality, settings.Overlap, errors);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The change is not valid.", ProblemCodes.ProjectInvalid, ProblemCodes.SchemaInvalid);
        }
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            // The order being left as stored, not as cached (another node may have changed it): the
            // tasks' shuffle keys and least_order flags follow the stored one. Locked on PostgreSQL
            // (on SQLite the write lock does it), so an import waits or is waited for; see TaskImporter.
            var previousOrder = await c.ExecuteScalarAsync<string>(new CommandDefinition(
                ProjectsSql.StoredOrderSql(db.Dialect), new { projectId }, tx,
                cancellationToken: ct)) ?? p.Order;
            await c.ExecuteAsync(new CommandDefinition(
                ProjectsSql.UpdateSql, new
                {
                    name, instructions = patch.Instructions ?? p.Instructions, schema = schema.ToJson(), settings.Overlap,
                    settings.LeaseSeconds, Order = Stored(settings.Order), policy = Wire.Name(settings.Review.Policy), percent = settings.Review.Percent, projectId,
                    quality.GoldRate, quality.GoldThreshold, quality.GoldMinimum, quality.OverlapMax, quality.ConfidenceTarget,
                    archived = patch.Archived, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
                }, tx, cancellationToken: ct));
            if (settings.Order == TaskOrder.Random && OrderOf(previousOrder) != TaskOrder.Random)
            {
                // Tasks enter random order only with a shuffle key (see 0004_shuffle_only_when_random).
                await c.ExecuteAsync(new CommandDefinition(
                    ProjectsSql.ShuffleSql(db.Dialect),
                    new { projectId }, tx, cancellationToken: ct));
            }
            if (settings.Order == TaskOrder.LeastAnnotated && OrderOf(previousOrder) != TaskOrder.LeastAnnotated)
            {
                // Tasks enter least-annotated order only when flagged (see 0005_least_only_when_least_annotated).
                // Leaving an order keeps keys and flags: switching back touches only tasks imported meanwhile.
                await c.ExecuteAsync(new CommandDefinition(
                    ProjectsSql.LeastOrderSql,
                    new { projectId }, tx, cancellationToken: ct));
            }
            if (settings.Order == TaskOrder.MostUncertain && OrderOf(previousOrder) != TaskOrder.MostUncertain)
            {
                // Tasks enter most-uncertain order with their keys (see 0021_learning).
                await Learning.UncertaintyKeys.RefreshProjectAsync(c, tx, projectId, schema, ct);
            }
            if (settings.Overlap != p.Overlap)
            {
                // A new overlap applies to the tasks not yet complete (see TaskStates.ChangeOverlapSql).
                await TaskStates.ChangeOverlapAsync(c, tx, projectId, settings.Overlap, ct);
            }
            if ((quality.GoldRate > 0) != (p.Quality.GoldRate > 0))
            {
                await TaskStates.SwitchControlTasksAsync(c, tx, projectId, quality.GoldRate > 0, settings.Overlap, ct);
            }
            await tx.CommitAsync(ct);
        }
        access.Forget(projectId);
        return TypedResults.Ok((await LoadAsync(c, projectId, ct))!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long projectId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, (Roles.Admin | Roles.Manager), "Only admins and managers delete projects.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ProjectsSql.DeleteSql,
            new { projectId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        access.Forget(projectId);
        return TypedResults.NoContent();
    }

    private static Results<Ok<SchemaCheckResponse>, ProblemHttpResult> Check(SchemaCheckRequest request, IOptions<LimitsOptions> limits)
    {
        var errors = new List<SchemaError>();
        IReadOnlyList<UnmappedTagView> unmapped = [];
        LabelSchema? schema = null;
        if (request.LabelStudioXml is not null)
        {
            var imported = LabelStudioConfig.Import(request.LabelStudioXml, limits.Value.Schema);
            if (imported.LimitBreached is { } breach)
            {
                return limits.Value.Exceeded(breach, "labelStudioXml");
            }
            errors.AddRange(imported.Errors);
            unmapped = imported.Unmapped.Select(u => new UnmappedTagView(u.Tag, u.Name)).ToList();
            schema = imported.Schema;
        }
        else
        {
            (schema, var refused) = ResolveSchema(request.Schema, null, limits.Value, errors, required: true, pointerPrefix: "");
            if (refused is not null)
            {
                return refused;
            }
        }
        return TypedResults.Ok(new SchemaCheckResponse(
            schema is null ? null : Http.Json(schema.ToJson()), unmapped, errors.Select(e =>
            {
                var coded = ProblemCodes.At(e.Path, e.Code ?? ProblemCodes.FieldInvalid, e.Args);
                return new SchemaIssue(e.Path, e.Message, coded.Code, coded.Params);
            }).ToList()));
    }

    /// <summary>
    /// Parses the native schema or imports the Label Studio config. Native errors are keyed by a JSON
    /// pointer: into the request body (<c>/schema/controls/1/field</c>) for project endpoints, into the
    /// schema itself (<paramref name="pointerPrefix"/> empty) for the check endpoint. A document past
    /// the size limits is not judged: it comes back as the answer to give instead (413 or 422).
    /// </summary>
    private static (LabelSchema? Schema, ProblemHttpResult? Refused) ResolveSchema(
        JsonElement? json, string? xml, LimitsOptions limits, List<SchemaError> errors, bool required, string pointerPrefix = "/schema")
    {
        if (xml is not null)
        {
            var imported = LabelStudioConfig.Import(xml, limits.Schema);
            if (imported.LimitBreached is { } breach)
            {
                return (null, limits.Exceeded(breach, "labelStudioXml"));
            }
            errors.AddRange(imported.Errors.Select(e => e with { Path = "labelStudioXml" + e.Path }));
            if (imported.Unmapped.Count > 0)
            {
                errors.Add(new("labelStudioXml", "These tags have no counterpart in the label schema: "
                    + string.Join(", ", imported.Unmapped.Select(u => u.Name is null ? u.Tag : $"{u.Tag} ({u.Name})"))
                    + ". Remove them or describe the project in the native schema."));
            }
            return (imported.Schema, null);
        }
        if (json is null || json.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            if (required)
            {
                errors.Add(new("schema", "A project needs a label schema (schema) or a Label Studio config (labelStudioXml).", ProblemCodes.FieldRequired));
            }
            return (null, null);
        }
        var parsed = LabelSchema.Parse(json.Value, limits.Schema);
        if (parsed.LimitBreached is { } tooBig)
        {
            return (null, limits.Exceeded(tooBig, "schema"));
        }
        errors.AddRange(parsed.Errors.Select(e => e with { Path = pointerPrefix + e.Path }));
        return (parsed.Schema, null);
    }

    /// <summary>
    /// Refuses a schema that would take away what the project's annotations hold (<see cref="SchemaChange.Breaks"/>).
    /// Read before the write transaction: an annotation submitted in between was validated against the
    /// old schema, which the accepted change keeps valid or which the annotation count already refused.
    /// </summary>
    private static async Task CheckSchemaChangeAsync(
        System.Data.Common.DbConnection c, long projectId, LabelSchema current, LabelSchema next, string prefix, List<SchemaError> errors, CancellationToken ct)
    {
        var annotations = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ProjectsSql.AnnotationCountSql, new { projectId }, cancellationToken: ct));
        if (annotations == 0)
        {
            return;
        }
        foreach (var e in SchemaChange.Breaks(current, next))
        {
            errors.Add(e with { Path = prefix + e.Path, Message = $"{e.Message} The project has {annotations} annotation(s); add to the schema instead, or start a new project." });
        }
    }

    private sealed record Settings(int Overlap, int LeaseSeconds, TaskOrder Order, ReviewSettings Review);

    private static Settings CheckSettings(int overlap, int leaseSeconds, TaskOrder order, ReviewSettings review, List<SchemaError> errors)
    {
        // The string-enum converter reads comma-joined names as for flags: "random, least_annotated"
        // arrives as a number no member has (see Wire.RefusesUnknownEnums, which the other bodies get;
        // checked here instead, so project routes carry no endpoint filter).
        if (!Enum.IsDefined(order))
        {
            errors.Add(new("order", $"order must be one of {Wire.List<TaskOrder>()}.", ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<TaskOrder>()))));
        }
        if (!Enum.IsDefined(review.Policy))
        {
            errors.Add(new("review.policy", $"review.policy must be one of {Wire.List<ReviewPolicy>()}.", ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<ReviewPolicy>()))));
        }
        if (overlap is < 1 or > 100)
        {
            errors.Add(new("overlap", "overlap must be between 1 and 100.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 100))));
        }
        if (leaseSeconds is < 30 or > 7 * 86_400)
        {
            errors.Add(new("leaseSeconds", "leaseSeconds must be between 30 and 604800.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 30), ("max", 604800))));
        }
        if (review.Percent is < 0 or > 100 || (review.Policy == ReviewPolicy.Sample && review.Percent == 0))
        {
            errors.Add(new("review.percent", "review.percent must be between 1 and 100 for sampled review.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 100))));
        }
        return new Settings(overlap, leaseSeconds, order, review);
    }

    private static QualitySettings CheckQuality(QualityRequest? request, QualitySettings current, int overlap, List<SchemaError> errors)
    {
        if (request is null)
        {
            return current;
        }
        var off = request.DynamicOverlap == false;
        if (off && (request.OverlapMax is not null || request.ConfidenceTarget is not null))
        {
            errors.Add(new("quality.dynamicOverlap", "quality.dynamicOverlap false switches dynamic overlap off; send no overlapMax or confidenceTarget with it."));
        }
        var q = new QualitySettings(
            request.GoldRate ?? current.GoldRate, request.GoldThreshold ?? current.GoldThreshold, request.GoldMinimum ?? current.GoldMinimum,
            off ? null : request.OverlapMax ?? current.OverlapMax, off ? null : request.ConfidenceTarget ?? current.ConfidenceTarget);
        if (q.GoldRate is < 0 or > 50)
        {
            errors.Add(new("quality.goldRate", "quality.goldRate must be a percentage between 0 and 50.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 0), ("max", 50))));
        }
        if (q.GoldThreshold is < 0 or > 1)
        {
            errors.Add(new("quality.goldThreshold", "quality.goldThreshold must be between 0 and 1.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 0), ("max", 1))));
        }
        if (q.GoldMinimum is < 1 or > 1000)
        {
            errors.Add(new("quality.goldMinimum", "quality.goldMinimum must be between 1 and 1000.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 1000))));
        }
        if ((q.OverlapMax is null) != (q.ConfidenceTarget is null))
        {
            errors.Add(new("quality.overlapMax", "Dynamic overlap needs both quality.overlapMax and quality.confidenceTarget."));
        }
        if (q.OverlapMax is { } max && (max < overlap || max > 100))
        {
            errors.Add(new("quality.overlapMax", "quality.overlapMax must be between the project's overlap and 100."));
        }
        if (q.ConfidenceTarget is < 0.5 or >= 1)
        {
            errors.Add(new("quality.confidenceTarget", "quality.confidenceTarget must be at least 0.5 and below 1."));
        }
        return q;
    }

    internal static async Task<ProjectView?> LoadAsync(System.Data.Common.DbConnection c, long projectId, CancellationToken ct)
    {
        var p = await Access.ReadRowAsync(c, projectId, ct);
        if (p is null)
        {
            return null;
        }
        return new ProjectView(p.Id, p.OrganizationId, p.Name, p.Instructions, Http.Json(p.SchemaJson), (int)p.Overlap, (int)p.LeaseSeconds,
            OrderOf(p.TaskOrder), new ReviewSettings(Wire.Parse<ReviewPolicy>(p.ReviewPolicy), (int)p.ReviewPercent),
            p.Quality, Http.Time(p.CreatedAt), await CountsAsync(c, projectId, ct),
            p.ArchivedAt is { } archived ? Http.Time(archived) : null,
            await c.ExecuteScalarAsync<long>(new CommandDefinition(ProjectsSql.AnyAnnotationSql, new { projectId }, cancellationToken: ct)) > 0);
    }

    /// <summary>Project @projectId's tasks per state.</summary>
    internal static async Task<StateCounts> CountsAsync(System.Data.Common.DbConnection c, long projectId, CancellationToken ct)
    {
        var counts = (await c.QueryAsync<(string State, long N)>(new CommandDefinition(
            ProjectsSql.StateCountsSql, new { projectId }, cancellationToken: ct)))
            .ToDictionary(r => r.State, r => r.N);
        return new StateCounts(counts.Values.Sum(), counts.GetValueOrDefault("new"), counts.GetValueOrDefault("in_progress"),
            counts.GetValueOrDefault("annotated"), counts.GetValueOrDefault("in_review"), counts.GetValueOrDefault("accepted"),
            counts.GetValueOrDefault("rejected"));
    }
}
