namespace Yunzhong.Server.Security;

/// <summary>
/// Bounds on what one request may make the server parse, unpack or store (configuration section
/// <c>Limits</c>, e.g. <c>Limits__ZipMaxEntries=50000</c>). Each has a default that real work stays far
/// below and that keeps one caller from taking the process, its cores or its disk: a config nested
/// 200,000 deep once overflowed the stack, a 2 MB zip stored a 2 GiB "image", and 100,000 tiny zip
/// entries kept the cores busy for 89 s. A request past a bound is answered with ProblemDetails that
/// names the setting (<c>limit</c>, e.g. <c>Limits:ZipMaxEntries</c>) and its <c>value</c>.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Deepest nesting of a label schema: elements of a Label Studio XML config, objects and
    /// arrays of the native JSON form. Label Studio's own templates nest 3 to 5 deep. At most 1,000.</summary>
    [Bounds(2, LimitsOptionsValidator.MaxSchemaDepth)]
    public int SchemaMaxDepth { get; set; } = SchemaLimits.Default.MaxDepth;

    /// <summary>Most elements of a Label Studio XML config, or values of a native JSON schema: room for
    /// taxonomies of tens of thousands of labels, and read in well under a second.</summary>
    [Bounds(2)]
    public int SchemaMaxElements { get; set; } = SchemaLimits.Default.MaxElements;

    /// <summary>Longest label schema or Label Studio XML config, in characters.</summary>
    [Bounds(1)]
    public int SchemaMaxCharacters { get; set; } = SchemaLimits.Default.MaxCharacters;

    /// <summary>Most files in one uploaded zip; counted from its directory before anything is unpacked.</summary>
    [Bounds(1)]
    public int ZipMaxEntries { get; set; } = 10_000;

    /// <summary>Largest media file, as unpacked from a zip or sent plain; counted on the bytes actually
    /// read, never on the size a zip header declares.</summary>
    [Bounds(1)]
    public long MediaMaxFileBytes { get; set; } = 2L << 30;

    /// <summary>Largest image a trainer uploads into a lesson (one file a request).</summary>
    [Bounds(1)]
    public long LessonImageMaxBytes { get; set; } = 10L << 20;

    /// <summary>Most bytes one upload request may store, all its files and unpacked zip entries together.</summary>
    [Bounds(1)]
    public long MediaMaxUploadBytes { get; set; } = 8L << 30;

    /// <summary>
    /// How many times its own size a zip may unpack to. Images, audio and video are compressed already
    /// and unpack to about their zipped size; a zip bomb unpacks to thousands of times it. The first
    /// <see cref="ZipRatioAllowanceBytes"/> unpacked are allowed whatever the ratio, so a small zip of
    /// silence (a WAV of zeros compresses a thousandfold) still goes in.
    /// </summary>
    [Bounds(1)]
    public int ZipMaxRatio { get; set; } = 100;

    /// <summary>Unpacked bytes of a zip that <see cref="ZipMaxRatio"/> does not judge.</summary>
    [Bounds(0)]
    public long ZipRatioAllowanceBytes { get; set; } = 16L << 20;

    /// <summary>Most bytes of media the projects of one organisation may hold together; an upload that
    /// would go past it is refused whole with 507 Insufficient Storage.</summary>
    [Bounds(0)]
    public long OrganizationMaxStorageBytes { get; set; } = 100L << 30;

    /// <summary>Largest request body of a route not named below (JSON: projects, schemas, submissions,
    /// drafts, reviews). A schema may hold 4,000,000 characters, three bytes each in Chinese.</summary>
    [Bounds(1024)]
    public long JsonBodyMaxBytes { get; set; } = 16L << 20;

    /// <summary>Largest task import body; imports stream, so memory does not grow with it.</summary>
    [Bounds(1024)]
    public long ImportBodyMaxBytes { get; set; } = 16L << 30;

    /// <summary>Password log-ins one client address may start per minute (an IPv6 /64 counts as one
    /// address); a work site's hundreds of people behind one address stay well inside it.</summary>
    [Bounds(1)]
    public int LoginsPerMinutePerAddress { get; set; } = 120;

    /// <summary>Password checks running at once across the server; each is a fifth of a second of one
    /// core, and the rest of the server keeps the other cores.</summary>
    [Bounds(1)]
    public int ConcurrentPasswordChecks { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Log-ins that may wait for a password check; past this, 429 at once.</summary>
    [Bounds(0)]
    public int PasswordCheckQueue { get; set; } = 64;

    /// <summary>The body bound a route carries (<see cref="BodyLimit"/>), by the setting's name.</summary>
    public long BodyMaxBytes(string setting) => setting switch
    {
        nameof(ImportBodyMaxBytes) => ImportBodyMaxBytes,
        // The files are counted against the bound as they are read; the body carries them plus the
        // multipart framing, which this leaves room for.
        nameof(MediaMaxUploadBytes) => MediaMaxUploadBytes + (1L << 20),
        nameof(LessonImageMaxBytes) => LessonImageMaxBytes + (1L << 20),
        _ => JsonBodyMaxBytes,
    };

    /// <summary>The schema bounds as the Core parsers take them.</summary>
    public SchemaLimits Schema => new() { MaxDepth = SchemaMaxDepth, MaxElements = SchemaMaxElements, MaxCharacters = SchemaMaxCharacters };

    /// <summary>The configuration key of a setting, as answers name it: <c>Limits:ZipMaxEntries</c>.</summary>
    public static string Key(string setting) => Section + ":" + setting;

    /// <summary>The setting behind a bound the schema parsers report.</summary>
    public (string Setting, int Status) For(SchemaLimit limit) => limit switch
    {
        SchemaLimit.Depth => (nameof(SchemaMaxDepth), StatusCodes.Status422UnprocessableEntity),
        SchemaLimit.Elements => (nameof(SchemaMaxElements), StatusCodes.Status422UnprocessableEntity),
        _ => (nameof(SchemaMaxCharacters), StatusCodes.Status413PayloadTooLarge),
    };

    /// <summary>
    /// The answer to a request past a bound: <paramref name="status"/> (413, 422 or 507), the setting
    /// and its value in the title and as <c>limit</c> and <c>value</c>, and under <c>errors</c> the
    /// request field that crossed it.
    /// </summary>
    public static ProblemHttpResult Exceeded(int status, string setting, long value, string field, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = $"The request goes past the limit {Key(setting)} ({value}).",
            Detail = detail,
            Extensions = { ["limit"] = Key(setting), ["value"] = value },
        });

    /// <summary>The answer to a schema document refused for its size; <paramref name="field"/> is
    /// the request field that held it.</summary>
    public ProblemHttpResult Exceeded(SchemaLimitBreach breach, string field)
    {
        var (setting, status) = For(breach.Limit);
        return Exceeded(status, setting, breach.Value, field, breach.Message);
    }
}

/// <summary>Endpoint metadata: the <see cref="LimitsOptions"/> setting that bounds this route's request
/// body; a route without it gets <see cref="LimitsOptions.JsonBodyMaxBytes"/>.</summary>
public sealed record BodyLimit(string Setting)
{
    /// <summary>Sets each request's body bound from its route, before anything reads the body, and
    /// keeps the setting's name for the 413 answer (<see cref="Features.BadRequests"/>).</summary>
    public static IApplicationBuilder UseBodyLimits(IApplicationBuilder app)
    {
        // Read per request (IOptions keeps the one validated value), not here: building the pipeline
        // must not validate the options before the host's start does, with its own error.
        var options = app.ApplicationServices.GetRequiredService<IOptions<LimitsOptions>>();
        return app.Use((ctx, next) =>
        {
            var limits = options.Value;
            var setting = ctx.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Setting ?? nameof(LimitsOptions.JsonBodyMaxBytes);
            if (ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            {
                body.MaxRequestBodySize = limits.BodyMaxBytes(setting);
                ctx.Items[typeof(BodyLimit)] = setting;
            }
            return next(ctx);
        });
    }

    /// <summary>
    /// A 413 names the setting that bounded the body and its value, however it was written: by the
    /// exception handler for a body read in a handler, or by the status-code pages where the
    /// framework refused it while binding.
    /// </summary>
    public static void Describe(ProblemDetailsContext problem)
    {
        var ctx = problem.HttpContext;
        if (problem.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge
            && ctx.Items.TryGetValue(typeof(BodyLimit), out var s) && s is string setting
            && !problem.ProblemDetails.Extensions.ContainsKey("limit"))
        {
            var value = ctx.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.BodyMaxBytes(setting);
            problem.ProblemDetails.Title = $"The request goes past the limit {LimitsOptions.Key(setting)} ({value}).";
            problem.ProblemDetails.Extensions["limit"] = LimitsOptions.Key(setting);
            problem.ProblemDetails.Extensions["value"] = value;
        }
    }
}

/// <summary>Refuses at start a configuration that would switch a bound off or make it unsafe.</summary>
internal sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    /// <summary>Deeper would let the schema walks, bounded by this depth, need a stack of real size.</summary>
    public const int MaxSchemaDepth = 1_000;

    // Start-up only, once: reflection is cheap enough here and keeps each bound beside its setting.
    private static readonly (System.Reflection.PropertyInfo Property, BoundsAttribute Bounds)[] _bounded =
        typeof(LimitsOptions).GetProperties()
            .Select(p => (p, (BoundsAttribute?)Attribute.GetCustomAttribute(p, typeof(BoundsAttribute))))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.p, x.Item2!))
            .ToArray();

    public ValidateOptionsResult Validate(string? name, LimitsOptions o)
    {
        var errors = new List<string>();
        foreach (var (property, bounds) in _bounded)
        {
            var value = Convert.ToInt64(property.GetValue(o), System.Globalization.CultureInfo.InvariantCulture);
            if (value < bounds.Min || value > bounds.Max)
            {
                var rule = bounds.Max == long.MaxValue ? $"must be {bounds.Min} or more" : $"must be between {bounds.Min} and {bounds.Max}";
                errors.Add($"{LimitsOptions.Key(property.Name)} {rule}.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The values a <see cref="LimitsOptions"/> setting may take; anything else stops the server at start.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class BoundsAttribute(long min, long max = long.MaxValue) : Attribute
{
    public long Min { get; } = min;
    public long Max { get; } = max;
}
