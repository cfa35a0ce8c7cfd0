using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Yunzhong.Server.Features.Webhooks;

/// <summary>
/// Sends webhook deliveries: each turn it writes deliveries for the annotations made since each
/// subscribed webhook's cursor (<see cref="FeedAsync"/>), then claims due deliveries and posts them,
/// signed, in parallel. A 2xx answer delivers; anything else (an error status, a redirect, which is
/// never followed, a refused address, no answer in <see cref="WebhookOptions.Timeout"/>) is retried
/// after the next of <see cref="WebhookOptions.Retries"/>, then ends <c>failed</c>. Any node may run it:
/// claims and cursor moves are conditional updates.
/// </summary>
internal sealed class WebhookWorker : BackgroundService
{
    private const int ClaimBatch = 16;
    private const int FeedBatch = 200;

    private readonly SemaphoreSlim _wake = new(0);
    private readonly Db _db;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookWorker> _log;
    private readonly HttpClient _http;

    public WebhookWorker(Db db, WebhookAddresses addresses, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookWorker> log)
    {
        _db = db;
        _options = options.Value;
        _time = time;
        _log = log;
        _http = Outbound.OutboundHttp.Create(addresses, _options.Timeout);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Yunzhong-Webhooks/1.0");
    }

    public void Wake() => _wake.Release();

    public override void Dispose()
    {
        _http.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => JobLoop.RunAsync(TurnAsync, _wake, _time, _log, stoppingToken);

    /// <summary>One turn; true when there may be more to do at once.</summary>
    internal async Task<bool> TurnAsync(CancellationToken ct)
    {
        var fed = await FeedAsync(ct);
        var sent = await SendDueAsync(ct);
        return fed || sent;
    }

    // Classes with setters rather than records: Dapper converts each column (INTEGER is 32-bit on
    // PostgreSQL, 64-bit on SQLite) where a record's constructor would have to match exactly.
    private sealed class Feed
    {
        public long Id { get; set; }
        public long ProjectId { get; set; }
        public long AnnotationCursorAt { get; set; }
        public long AnnotationCursor { get; set; }
    }

    private sealed class NewAnnotation
    {
        public long Id { get; set; }
        public long TaskId { get; set; }
        public long UserId { get; set; }
        public string Status { get; set; } = "";
        public long Version { get; set; }
        public long CreatedAt { get; set; }
        public string? TaskKey { get; set; }
    }

    /// <summary>Writes a delivery for each settled annotation past each subscribed webhook's cursor; true when a batch was full.</summary>
    private async Task<bool> FeedAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenAsync(ct);
        var feeds = (await c.QueryAsync<Feed>(new CommandDefinition(WebhooksSql.FeedsSql, cancellationToken: ct))).ToList();
        var more = false;
        foreach (var feed in feeds)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var settled = now - (long)_options.Settle.TotalMilliseconds;
            var rows = (await c.QueryAsync<NewAnnotation>(new CommandDefinition(WebhooksSql.NewAnnotationsSql, new
            {
                projectId = feed.ProjectId, at = feed.AnnotationCursorAt, cursor = feed.AnnotationCursor, settled, limit = FeedBatch,
            }, cancellationToken: ct))).ToList();
            if (rows.Count == 0)
            {
                continue;
            }
            await using var tx = await _db.BeginWriteAsync(c, ct);
            var last = rows[^1];
            var moved = await c.ExecuteAsync(new CommandDefinition(WebhooksSql.AdvanceSql, new
            {
                id = feed.Id, toAt = last.CreatedAt, to = last.Id, at = feed.AnnotationCursorAt, cursor = feed.AnnotationCursor,
            }, tx, cancellationToken: ct));
            if (moved == 0)
            {
                continue; // another node announced these first
            }
            foreach (var a in rows)
            {
                var body = new JsonObject
                {
                    ["annotation"] = new JsonObject
                    {
                        ["id"] = a.Id, ["taskId"] = a.TaskId, ["taskKey"] = a.TaskKey, ["annotatorId"] = a.UserId, ["status"] = a.Status,
                        ["version"] = a.Version, ["createdAt"] = Http.Time(a.CreatedAt).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    },
                };
                await c.ExecuteAsync(new CommandDefinition(WebhooksSql.EnqueueOneSql, new
                {
                    webhookId = feed.Id, @event = Wire.Name(WebhookEvent.AnnotationSubmitted),
                    payload = WebhookOutbox.Body(WebhookEvent.AnnotationSubmitted, feed.ProjectId, body, now), now,
                }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
            more |= rows.Count == FeedBatch;
        }
        return more;
    }

    private sealed class Claimed
    {
        public long Id { get; set; }
        public long WebhookId { get; set; }
        public string Event { get; set; } = "";
        public string Payload { get; set; } = "";
        public long Attempts { get; set; }
        public string Url { get; set; } = "";
        public string Secret { get; set; } = "";
        public long Active { get; set; }
    }

    /// <summary>Claims due deliveries and sends them in parallel; true when a claim was full.</summary>
    private async Task<bool> SendDueAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        List<long> ids;
        await using (var c = await _db.OpenAsync(ct))
        await using (var tx = await _db.BeginWriteAsync(c, ct))
        {
            var until = now + (long)_options.Timeout.TotalMilliseconds + 30_000;
            ids = (await c.QueryAsync<long>(new CommandDefinition(WebhooksSql.ClaimSql, new { now, until, limit = ClaimBatch }, tx, cancellationToken: ct))).ToList();
            await tx.CommitAsync(ct);
        }
        if (ids.Count == 0)
        {
            return false;
        }
        await Task.WhenAll(ids.Select(id => SendAsync(id, ct)));
        return ids.Count == ClaimBatch;
    }

    private async Task SendAsync(long id, CancellationToken ct)
    {
        Claimed? d;
        await using (var c = await _db.OpenAsync(ct))
        {
            d = await c.QuerySingleOrDefaultAsync<Claimed>(new CommandDefinition(WebhooksSql.ClaimedSql, new { id }, cancellationToken: ct));
        }
        if (d is null)
        {
            return;
        }
        var watch = Stopwatch.StartNew();
        int? code = null;
        string? error;
        if (d.Active == 0)
        {
            error = "The webhook is switched off.";
        }
        else
        {
            (code, error) = await PostAsync(d, ct);
        }
        var ms = (long)watch.Elapsed.TotalMilliseconds;
        var finished = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var c = await _db.OpenAsync(ct))
        await using (var tx = await _db.BeginWriteAsync(c, ct))
        {
            if (error is null)
            {
                await c.ExecuteAsync(new CommandDefinition(WebhooksSql.DeliveredSql, new { id, code, ms, now = finished }, tx, cancellationToken: ct));
            }
            else
            {
                var attempt = (int)d.Attempts; // retries already waited
                long? next = d.Active != 0 && attempt < _options.Retries.Count ? finished + (long)_options.Retries[attempt].TotalMilliseconds : null;
                await c.ExecuteAsync(new CommandDefinition(WebhooksSql.AttemptFailedSql, new
                {
                    id, code, error = error.Length > 500 ? error[..500] : error, ms, next, now = finished,
                }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Posts one delivery; the status code, and why it failed (null when it did not).</summary>
    private async Task<(int? Code, string? Error)> PostAsync(Claimed d, CancellationToken ct)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(d.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Yunzhong-Event", d.Event);
        request.Headers.Add("Yunzhong-Delivery", d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Yunzhong-Signature", WebhookOutbox.Signature(d.Secret, _time.GetUtcNow().ToUnixTimeSeconds(), body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => (status, null),
                >= 300 and < 400 => (status, $"The receiver answered {status} (a redirect, which is never followed)."),
                _ => (status, $"The receiver answered {status}."),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is Outbound.OutboundConnectException refused)
        {
            return (null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return (null, $"The receiver did not answer: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"The receiver did not answer within {_options.Timeout.TotalSeconds:0} s.");
        }
    }
}
