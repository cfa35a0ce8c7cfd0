using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Yunzhong.Core.Formats;

namespace Yunzhong.Server.Features;

/// <summary>
/// Every ProblemDetails the API answers carries a stable, dotted <c>code</c> and the <c>params</c> its
/// message needs, besides the English <c>title</c>/<c>detail</c> kept for API users; a validation
/// problem also carries <c>fields</c>: for each key of <c>errors</c>, the code and params of each of
/// its messages. Clients translate the code; they never show a field path. The helpers of
/// <see cref="Http"/> set precise codes; <see cref="Describe"/>, run on every problem written,
/// fills in a code by status where none was set (a 401 from the authentication handler, a 404 of an
/// unknown route, a 413 of the body bound). <see cref="All"/> is the list clients translate, published
/// in the OpenAPI document as the <c>ProblemCode</c> enum.
/// </summary>
public static class ProblemCodes
{
    public const string CodeKey = "code";
    public const string ParamsKey = "params";
    public const string FieldsKey = "fields";

    // Requests as a whole.
    public const string RequestInvalid = "request.invalid";
    public const string RequestNotJson = "request.not_json";
    public const string RequestBodyMismatch = "request.body_mismatch";
    public const string RequestUnreadable = "request.unreadable";
    public const string MethodNotAllowed = "request.method_not_allowed";
    public const string UnsupportedMediaType = "request.unsupported_media_type";
    public const string RouteNotFound = "route.not_found";
    public const string Conflict = "request.conflict";

    // One field of a request.
    public const string FieldInvalid = "field.invalid";
    public const string FieldOneOf = "field.one_of";
    public const string FieldRange = "field.range";
    public const string FieldTooLong = "field.too_long";
    public const string FieldRequired = "field.required";
    public const string FieldWrongType = "field.wrong_type";
    public const string FieldLength = "field.length";
    public const string FieldEmail = "field.email";
    public const string FieldPasswordShort = "field.password_short";

    // Signing in and roles.
    public const string AuthRequired = "auth.required";
    public const string AuthWrongCredentials = "auth.wrong_credentials";
    public const string AuthTooManyWrongPasswords = "auth.too_many_wrong_passwords";
    public const string AuthSiteFull = "auth.site_full";
    public const string AccessForbidden = "access.forbidden";
    public const string AccessOwnWork = "access.own_work_only";
    public const string ReviewOwnWork = "review.own_work";

    // Features.
    public const string ProjectInvalid = "project.invalid";
    public const string SchemaInvalid = "schema.invalid";
    public const string QueueTooManyHeld = "queue.too_many_held";
    public const string QueueBelowGoldThreshold = "queue.below_gold_threshold";
    public const string QueueLeaseExpired = "queue.lease_expired";
    public const string QueueQuotaUsedUp = "queue.quota_used_up";
    public const string QueueSiteFull = "queue.site_full";
    public const string QueueSiteClosed = "queue.site_closed";
    public const string QueueContractPastDeadline = "queue.contract_past_deadline";
    public const string QueueSkillRequired = "queue.skill_required";
    public const string SkillCodeInvalid = "skill.code_invalid";
    public const string SkillCodeTaken = "skill.code_taken";
    public const string SkillInUse = "skill.in_use";
    public const string SkillLevelInUse = "skill.level_in_use";
    public const string SkillUnknown = "skill.unknown";
    public const string SkillLevelOutOfRange = "skill.level_out_of_range";
    public const string SkillRoutesTooMany = "skill.routes_too_many";
    public const string SkillDuplicate = "skill.duplicate";
    public const string CertificateRevoked = "certificate.revoked";
    public const string DemandClosed = "demand.closed";
    public const string ProjectArchived = "project.archived";
    public const string QueueAccessChanged = "queue.access_changed";
    public const string QueueAlreadySubmitted = "queue.already_submitted";
    public const string QueueNotLeased = "queue.not_leased";
    public const string QueueIdempotencyKeyReused = "queue.idempotency_key_reused";
    public const string ReviewAlreadyJudged = "review.already_judged";
    public const string ReviewCommentNeeded = "review.comment_needed";
    public const string ReviewFixNeedsResult = "review.fix_needs_result";
    public const string AnnotationReviewed = "annotation.reviewed";
    public const string AnnotationReplaced = "annotation.replaced";
    public const string AnnotationUnderReview = "annotation.under_review";
    public const string OrganizationLastAdmin = "organization.last_admin";
    public const string ImportRowsInvalid = "import.rows_invalid";
    public const string ImportEmpty = "import.empty";
    public const string ImportUnknownFormat = "import.unknown_format";
    public const string ImportRow = "import.row_invalid";
    public const string ImportMapInvalid = "import.map_invalid";
    public const string MediaInvalid = "media.invalid";
    public const string MediaNoFile = "media.no_file";
    public const string MediaNotUploaded = "media.not_uploaded";
    public const string MediaNoField = "media.no_field";
    public const string ReleaseNothingAccepted = "release.nothing_accepted";
    public const string GrantOwnOrganization = "grant.own_organization";
    public const string GrantNotRequested = "grant.not_requested";
    public const string GrantNotGranted = "grant.not_granted";
    public const string ProfileInvalid = "compute.profile_invalid";
    public const string ProfileRow = "compute.profile_row";
    public const string ModelNoMatchingField = "compute.no_matching_field";
    public const string ModelUnavailable = "compute.model_unavailable";
    public const string DeadlineUnmet = "compute.deadline_unmet";
    public const string JobEnded = "compute.job_ended";
    public const string GrantRevoked = "grant.revoked";
    public const string GrantExpired = "grant.expired";
    public const string GrantFormatNotGranted = "grant.format_not_granted";
    public const string LinkInvalid = "link.invalid";
    public const string LinkExpired = "link.expired";
    public const string LinkNotYours = "link.not_yours";
    public const string TrainingNotGold = "training.not_gold";
    public const string ExamAttemptOpen = "exam.attempt_open";
    public const string ExamNoAttemptsLeft = "exam.no_attempts_left";
    public const string ExamCoolingDown = "exam.cooling_down";
    public const string ExamAttemptExpired = "exam.attempt_expired";
    public const string ExamAttemptFinished = "exam.attempt_finished";
    public const string ExamAlreadyAnswered = "exam.already_answered";

    public const string PredictionsInvalid = "predictions.invalid";
    public const string PredictionTaskAddress = "prediction.task_address";
    public const string PredictionTaskUnknown = "prediction.task_unknown";
    public const string LearningNotTextClassification = "learning.not_text_classification";
    public const string LearningTooFewLabels = "learning.too_few_labels";
    public const string ModelServerNone = "model_server.none";
    public const string ModelServerUrlInvalid = "model_server.url_invalid";
    public const string ModelServerNotAllowed = "model_server.not_allowed";
    public const string ModelServerAddressRefused = "model_server.address_refused";
    public const string ModelServerRedirect = "model_server.redirect";
    public const string ModelServerUnreachable = "model_server.unreachable";
    public const string ModelServerBadAnswer = "model_server.bad_answer";
    public const string WebhookUrlInvalid = "webhook.url_invalid";
    public const string WebhookNotAllowed = "webhook.not_allowed";
    public const string WebhookAddressRefused = "webhook.address_refused";
    public const string WebhookUnreachable = "webhook.unreachable";
    public const string WebhookNoEvents = "webhook.no_events";
    public const string ParkPriceNegative = "park.price_negative";
    public const string ParkPriceFormat = "park.price_format";
    public const string ParkQuotaTooSmall = "park.quota_too_small";
    public const string ParkQuotaBelowUsed = "park.quota_below_used";
    public const string ParkDeadlinePast = "park.deadline_past";
    public const string ParkNotAVendor = "park.not_a_vendor";
    public const string ParkPersonNotOfVendor = "park.person_not_of_vendor";
    public const string ParkTeamNotOfVendor = "park.team_not_of_vendor";
    public const string ParkRateTeamOrPerson = "park.rate_team_or_person";
    public const string ParkRateTwice = "park.rate_twice";
    public const string ParkSeatsRange = "park.seats_range";
    public const string ParkCountyUnknown = "park.county_unknown";
    public const string ParkHours = "park.hours";
    public const string ParkMonthFormat = "park.month_format";
    public const string ParkMonthNotOver = "park.month_not_over";
    public const string ParkOneScope = "park.one_scope";

    // Limits and the server.
    public const string LimitExceeded = "limits.exceeded";
    public const string TooManyRequests = "limits.too_many_requests";
    public const string OutOfSpace = "server.out_of_space";
    public const string ServerError = "server.error";
    public const string Unavailable = "server.unavailable";

    /// <summary>What a 404 can name (<see cref="Http.NotFound"/>): each answers <c>&lt;subject&gt;.not_found</c>.</summary>
    public static readonly IReadOnlyList<string> NotFoundSubjects =
    [
        "Annotation", "Assignment", "Export", "Export file", "Finished export", "Live assignment", "Media file", "Member",
        "Organization", "Project", "Task", "Token", "Contract", "Site", "Team", "Release", "Release file", "Release job", "Grant", "Dataset card",
        "Skill", "Certificate", "Demand",
        "Course", "Lesson", "Practice task", "Exam", "Attempt",
        "Model", "Pool", "Prediction job",
        "Webhook", "Webhook delivery",
        "Scrub chunk",
    ];

    /// <summary>The code of a 404 naming <paramref name="subject"/>: "Live assignment" is <c>live_assignment.not_found</c>.</summary>
    public static string NotFoundOf(string subject) =>
        NotFoundSubjects.Contains(subject) ? subject.ToLowerInvariant().Replace(' ', '_') + ".not_found" : RouteNotFound;

    /// <summary>Every code an answer can carry, sorted: the server's own, the label-schema checks' and the 404s'.</summary>
    public static IReadOnlyList<string> All { get; } =
        Constants(typeof(ProblemCodes)).Where(c => c.Contains('.', StringComparison.Ordinal))
            .Concat(Constants(typeof(SchemaErrorCodes)))
            .Concat(Constants(typeof(Yunzhong.Core.Training.ExamCodes)))
            .Concat(Constants(typeof(ImportErrorCodes)))
            .Concat(NotFoundSubjects.Select(NotFoundOf))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    // The values the limits' and imports' answers already carry at the top level.
    private static readonly string[] _topLevelParams = ["limit", "value", "retryAfterSeconds", "errorCount", "errorRows"];

    /// <summary>One coded message: a field's, or the problem's own.</summary>
    public sealed record Coded(string Code, IReadOnlyDictionary<string, object?> Params);

    /// <summary>A message of field <paramref name="field"/> (a key of <c>errors</c>): its where (<see cref="FieldParams"/>) and its own values.</summary>
    public static Coded At(string field, string code, IReadOnlyDictionary<string, object?>? values)
    {
        var all = FieldParams(field);
        foreach (var (k, v) in values ?? new Dictionary<string, object?>())
        {
            all[k] = v;
        }
        return new Coded(code, all);
    }

    /// <summary>Params as a dictionary the serializer writes as an object.</summary>
    public static Dictionary<string, object?> Params(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    /// <summary>Extensions of a problem with this code and params.</summary>
    public static Dictionary<string, object?> Extensions(string code, IReadOnlyDictionary<string, object?>? values = null) => new()
    {
        [CodeKey] = code,
        [ParamsKey] = values ?? new Dictionary<string, object?>(),
    };

    /// <summary>
    /// Run on every ProblemDetails written (<c>AddProblemDetails</c>'s customisation): keeps the code
    /// set where the problem was made, else picks one by status; gives each field error without its
    /// own code <see cref="FieldInvalid"/> naming the field.
    /// </summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var ext = problem.Extensions;
        if (!ext.ContainsKey(CodeKey))
        {
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            ext[CodeKey] = status switch
            {
                400 => RequestInvalid,
                401 => AuthRequired,
                403 => AccessForbidden,
                404 => RouteNotFound,
                405 => MethodNotAllowed,
                409 => Conflict,
                415 => UnsupportedMediaType,
                413 => LimitExceeded,
                422 when ext.ContainsKey("limit") => LimitExceeded,
                422 => RequestInvalid,
                429 => TooManyRequests,
                503 => Unavailable,
                507 when ext.ContainsKey("limit") => LimitExceeded,
                507 => OutOfSpace,
                _ => ServerError,
            };
        }
        if (!ext.ContainsKey(ParamsKey))
        {
            ext[ParamsKey] = _topLevelParams.Where(ext.ContainsKey).ToDictionary(k => k, k => ext[k]);
        }
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid && !ext.ContainsKey(FieldsKey))
        {
            ext[FieldsKey] = invalid.Errors.ToDictionary(
                e => e.Key,
                e => e.Value.Select(_ => new Coded(e.Key.StartsWith("row ", StringComparison.Ordinal) ? ImportRow : FieldInvalid, FieldParams(e.Key))).ToArray());
        }
    }

    /// <summary>
    /// Words for where a field error is, from its key: a JSON pointer (<c>/label/0/start</c>: field
    /// <c>label</c>, item 1, key <c>start</c>), a dotted name (<c>review.percent</c>) or an import row
    /// (<c>row 3: text</c>: row 3, field <c>text</c>). Clients show these, not the key.
    /// </summary>
    public static Dictionary<string, object?> FieldParams(string key)
    {
        var values = new Dictionary<string, object?>();
        if (key.StartsWith("row ", StringComparison.Ordinal))
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            values["row"] = colon < 0 ? key[4..] : key[4..colon];
            if (colon >= 0)
            {
                values["field"] = key[(colon + 1)..].Trim();
            }
            return values;
        }
        var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return values;
        }
        values["field"] = parts[0].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        if (parts.Length > 1 && int.TryParse(parts[1], out var index))
        {
            values["item"] = index + 1;
            if (parts.Length > 2)
            {
                values["key"] = parts[2];
            }
        }
        else if (parts.Length > 1)
        {
            values["key"] = parts[^1];
        }
        return values;
    }
}
