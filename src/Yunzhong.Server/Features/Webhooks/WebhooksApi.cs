using System.Text.Json.Nodes;

namespace Yunzhong.Server.Features.Webhooks;

/// <param name="Url">Where deliveries are posted: http or https, on the operator's allow-list.</param>
/// <param name="Events">What it announces (at least one; not <c>ping</c>).</param>
/// <param name="Active">Whether it sends; a webhook switched back on announces from then on.</param>
public sealed record WebhookRequest(string? Url = null, WebhookEvent[]? Events = null, bool? Active = null);

/// <param name="SecretHint">The secret's last four characters, to tell secrets apart.</param>
/// <param name="Secret">The signing secret, given only when the webhook is made and when the secret is changed.</param>
public sealed record WebhookView(long Id, long ProjectId, string Url, IReadOnlyList<WebhookEvent> Events, bool Active, string SecretHint,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Secret = null);

/// <param name="HostsAllowed">Whether the operator allows any host at all (without one no webhook can be added).</param>
/// <param name="Events">The events a webhook may announce.</param>
public sealed record WebhookList(bool HostsAllowed, IReadOnlyList<WebhookEvent> Events, IReadOnlyList<WebhookView> Webhooks);

public enum WebhookDeliveryStatus { Pending, Delivered, Failed }

/// <param name="Attempts">Attempts made so far.</param>
/// <param name="NextAttemptAt">When a pending delivery is tried (again).</param>
/// <param name="ResponseStatus">The receiver's last HTTP status, if it answered.</param>
/// <param name="Error">Why the last attempt failed.</param>
/// <param name="Payload">The JSON body posted.</param>
public sealed record WebhookDeliveryView(long Id, long WebhookId, WebhookEvent Event, WebhookDeliveryStatus Status, int Attempts, DateTimeOffset? NextAttemptAt,
    int? ResponseStatus, string? Error, long? DurationMs, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, JsonElement Payload);

public sealed record WebhookDeliveryCreated(long Id);

/// <summary>
/// A project's webhooks: signed (HMAC-SHA256) deliveries of its events to URLs on the operator's
/// allow-list, retried with back-off, with a delivery log. Only the project organisation's admins
/// and managers see or change them.
/// </summary>
public static class WebhooksApi
{
    private const string OnlyManagers = "Only admins and managers set a project's webhooks.";
    private const int MaxPerProject = 20;
    private const int MaxUrl = 2000;

    internal sealed class Row
    {
        public long Id { get; set; }
        public long ProjectId { get; set; }
        public string Url { get; set; } = "";
        public string Secret { get; set; } = "";
        public string Events { get; set; } = "";
        public long Active { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }

        public WebhookView View(bool withSecret = false) => new(Id, ProjectId, Url,
            [.. Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Wire.Parse<WebhookEvent>)], Active != 0, Secret[^4..],
            Http.Time(CreatedAt), Http.Time(UpdatedAt), withSecret ? Secret : null);
    }

    internal sealed class DeliveryRow
    {
        public long Id { get; set; }
        public long WebhookId { get; set; }
        public string Event { get; set; } = "";
        public string Payload { get; set; } = "";
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public long NextAttemptAt { get; set; }
        public long? ResponseStatus { get; set; }
        public string? Error { get; set; }
        public long? DurationMs { get; set; }
        public long CreatedAt { get; set; }
        public long? FinishedAt { get; set; }

        public WebhookDeliveryView View() => new(Id, WebhookId, Wire.Parse<WebhookEvent>(Event), Wire.Parse<WebhookDeliveryStatus>(Status), (int)Attempts,
            Status == "pending" ? Http.Time(NextAttemptAt) : null, (int?)ResponseStatus, Error, DurationMs, Http.Time(CreatedAt),
            FinishedAt is { } f ? Http.Time(f) : null, JsonSerializer.Deserialize<JsonElement>(Payload));
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/projects/{projectId:long}/webhooks").WithTags("Webhooks").SignedIn().Gated();
        projects.MapGet("", List).WithName("listWebhooks");
        projects.MapPost("", Create).WithName("createWebhook").JsonBody().Conflicts();
        var hooks = app.MapGroup("/api/webhooks/{webhookId:long}").WithTags("Webhooks").SignedIn().Gated();
        hooks.MapGet("", Get).WithName("getWebhook");
        hooks.MapPatch("", Update).WithName("updateWebhook").JsonBody();
        hooks.MapDelete("", Delete).WithName("deleteWebhook");
        hooks.MapPost("/secret", NewSecret).WithName("changeWebhookSecret");
        hooks.MapPost("/ping", Ping).WithName("pingWebhook");
        hooks.MapGet("/deliveries", Deliveries).WithName("listWebhookDeliveries");
        app.MapPost("/api/webhook-deliveries/{deliveryId:long}/redeliver", Redeliver).WithTags("Webhooks").SignedIn().Gated().WithName("redeliverWebhook");
        return app;
    }

    private static async Task<Results<Ok<WebhookList>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, WebhookAddresses addresses, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(WebhooksSql.ListSql, new { projectId }, cancellationToken: ct));
        return TypedResults.Ok(new WebhookList(addresses.AnyAllowed, WebhookOutbox.Subscribable, [.. rows.Select(r => r.View())]));
    }

    private static async Task<Results<Created<WebhookView>, ProblemHttpResult, ValidationProblem>> Create(
        long projectId, WebhookRequest request, ClaimsPrincipal user, Access access, Db db, WebhookAddresses addresses, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        if (await CheckAsync(request.Url, request.Events, addresses, ct) is { } invalid)
        {
            return invalid;
        }
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var count = await c.ExecuteScalarAsync<long>(new CommandDefinition(WebhooksSql.CountSql, new { projectId }, tx, cancellationToken: ct));
        if (count >= MaxPerProject)
        {
            return Http.Conflict($"A project has at most {MaxPerProject} webhooks.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", MaxPerProject)));
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(WebhooksSql.InsertSql, new
        {
            projectId, url = request.Url!.Trim(), secret = WebhookOutbox.NewSecret(), events = Events(request.Events!), active = request.Active == false ? 0 : 1,
            userId = user.UserId(), now,
        }, tx, cancellationToken: ct));
        var row = await c.QuerySingleAsync<Row>(new CommandDefinition(WebhooksSql.OneSql, new { id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/webhooks/{id}", row.View(withSecret: true));
    }

    /// <summary>The webhook, if the caller may manage its project; else the problem (404 naming the webhook to outsiders).</summary>
    private static async Task<(Row? Row, ProblemHttpResult? Problem)> FindAsync(long webhookId, ClaimsPrincipal user, Access access, DbConnection c, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(WebhooksSql.OneSql, new { id = webhookId }, cancellationToken: ct));
        if (row is null)
        {
            return (null, Http.NotFound("Webhook"));
        }
        var (project, problem) = await access.GateAsync(user.UserId(), row.ProjectId, RoleNames.Manage, OnlyManagers, ct, notFound: "Webhook");
        return project is null ? (null, problem) : (row, null);
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(long webhookId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        return row is null ? problem! : TypedResults.Ok(row.View());
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult, ValidationProblem>> Update(
        long webhookId, WebhookRequest request, ClaimsPrincipal user, Access access, Db db, WebhookAddresses addresses, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        if (row is null)
        {
            return problem!;
        }
        var url = request.Url ?? row.Url;
        var events = request.Events ?? [.. row.View().Events];
        if ((request.Url is not null || request.Events is not null) && await CheckAsync(url, events, addresses, ct) is { } invalid)
        {
            return invalid;
        }
        var active = request.Active ?? row.Active != 0;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(WebhooksSql.UpdateSql, new
            {
                id = webhookId, url = url.Trim(), events = Events(events), active = active ? 1 : 0, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok((await c.QuerySingleAsync<Row>(new CommandDefinition(WebhooksSql.OneSql, new { id = webhookId }, cancellationToken: ct))).View());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long webhookId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        if (row is null)
        {
            return problem!;
        }
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(WebhooksSql.DeleteSql, new { id = webhookId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> NewSecret(
        long webhookId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        if (row is null)
        {
            return problem!;
        }
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(WebhooksSql.SecretSql, new
            {
                id = webhookId, secret = WebhookOutbox.NewSecret(), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok((await c.QuerySingleAsync<Row>(new CommandDefinition(WebhooksSql.OneSql, new { id = webhookId }, cancellationToken: ct))).View(withSecret: true));
    }

    private static async Task<Results<Accepted<WebhookDeliveryCreated>, ProblemHttpResult>> Ping(
        long webhookId, ClaimsPrincipal user, Access access, Db db, WebhookWorker worker, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        if (row is null)
        {
            return problem!;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = WebhookOutbox.Body(WebhookEvent.Ping, row.ProjectId, new JsonObject { ["webhookId"] = webhookId }, now);
        return TypedResults.Accepted((string?)null, new WebhookDeliveryCreated(await EnqueueOneAsync(c, db, webhookId, WebhookEvent.Ping, payload, now, worker, ct)));
    }

    private static async Task<Results<Ok<WebhookDeliveryView[]>, ProblemHttpResult, ValidationProblem>> Deliveries(
        long webhookId, long? before, int? limit, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (limit is < 1 or > 200)
        {
            return Http.Invalid("limit", "limit is 1 to 200.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        await using var c = await db.OpenAsync(ct);
        var (row, problem) = await FindAsync(webhookId, user, access, c, ct);
        if (row is null)
        {
            return problem!;
        }
        var rows = await c.QueryAsync<DeliveryRow>(new CommandDefinition(WebhooksSql.DeliveriesSql, new { webhookId, before, limit = limit ?? 50 }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(d => d.View()).ToArray());
    }

    private static async Task<Results<Accepted<WebhookDeliveryCreated>, ProblemHttpResult>> Redeliver(
        long deliveryId, ClaimsPrincipal user, Access access, Db db, WebhookWorker worker, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var d = await c.QuerySingleOrDefaultAsync<(long Id, long WebhookId, string Event, string Payload, long ProjectId)?>(new CommandDefinition(
            WebhooksSql.DeliverySql, new { id = deliveryId }, cancellationToken: ct));
        if (d is null)
        {
            return Http.NotFound("Webhook delivery");
        }
        var (project, problem) = await access.GateAsync(user.UserId(), d.Value.ProjectId, RoleNames.Manage, OnlyManagers, ct, notFound: "Webhook delivery");
        if (project is null)
        {
            return problem!;
        }
        // The same body again, as a delivery of its own: the log keeps what happened to the first.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return TypedResults.Accepted((string?)null, new WebhookDeliveryCreated(
            await EnqueueOneAsync(c, db, d.Value.WebhookId, Wire.Parse<WebhookEvent>(d.Value.Event), d.Value.Payload, now, worker, ct)));
    }

    private static async Task<long> EnqueueOneAsync(DbConnection c, Db db, long webhookId, WebhookEvent e, string payload, long now, WebhookWorker worker, CancellationToken ct)
    {
        long id;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            id = await c.ExecuteScalarAsync<long>(new CommandDefinition(WebhooksSql.EnqueueOneSql, new
            {
                webhookId, @event = Wire.Name(e), payload, now,
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        worker.Wake();
        return id;
    }

    private static string Events(IEnumerable<WebhookEvent> events) => string.Join(' ', events.Distinct().Order().Select(Wire.Name));

    private static async Task<ValidationProblem?> CheckAsync(string? url, WebhookEvent[]? events, WebhookAddresses addresses, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return Http.Invalid("url", "A webhook needs the URL it posts to.", ProblemCodes.FieldRequired);
        }
        if (url.Length > MaxUrl)
        {
            return Http.Invalid("url", $"A webhook URL has at most {MaxUrl} characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", MaxUrl)));
        }
        if (await addresses.CheckAsync(url.Trim(), ct) is { } refused)
        {
            return Http.Invalid("url", refused.Message, refused.Code);
        }
        if (events is null || events.Length == 0 || events.Contains(WebhookEvent.Ping))
        {
            return Http.Invalid("events", $"Name at least one event of {string.Join(", ", WebhookOutbox.Subscribable.Select(Wire.Name))}; ping is sent by hand.",
                ProblemCodes.WebhookNoEvents);
        }
        return null;
    }
}
