using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Features.Webhooks;

namespace Yunzhong.Server.Tests.Webhooks;

/// <summary>A receiver of our own on loopback: records every request; answers what <see cref="Answer"/> says (200 by default);
/// <c>/moved</c> redirects to a path that counts if it is ever reached.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, string url) => (_app, Url) = (app, url);

    public sealed record Received(string Path, string Event, string Delivery, string Signature, string Body);

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The status to answer the next requests with.</summary>
    public int Answer { get; set; } = 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            self!.Requests.Enqueue(new Received(http.Request.Path, http.Request.Headers["Yunzhong-Event"].ToString(),
                http.Request.Headers["Yunzhong-Delivery"].ToString(), http.Request.Headers["Yunzhong-Signature"].ToString(), body));
            if (http.Request.Path.StartsWithSegments("/moved"))
            {
                return Results.Redirect("/landed");
            }
            return Results.StatusCode(self.Answer);
        });
        await app.StartAsync();
        self = new WebhookReceiver(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return self;
    }

    /// <summary>Waits until <paramref name="count"/> requests arrived (at most 20 s).</summary>
    public async Task<List<Received>> WaitForAsync(int count, Func<Received, bool>? which = null)
    {
        for (var i = 0; i < 200; i++)
        {
            var got = Requests.Where(which ?? (_ => true)).ToList();
            if (got.Count >= count)
            {
                return got;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{count} webhook requests did not arrive; got {Requests.Count}: {string.Join(", ", Requests.Select(r => r.Event))}");
        return [];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Webhooks: this server's operator allows 127.0.0.1 by name and any public host; retries come quickly.</summary>
public abstract class WebhookTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Org Org, Person Manager, long Project)> SetUpAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        return (org, manager, project);
    }

    private static Task<WebhookView> CreateAsync(Person manager, long project, string url, params string[] events) =>
        manager.Http.PostOkAsync<WebhookView>($"api/projects/{project}/webhooks", new { url, events });

    /// <summary>The signature as a receiver checks it: HMAC-SHA256 under the secret of "t." + body.</summary>
    private static bool Verifies(string secret, WebhookReceiver.Received r)
    {
        var parts = r.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(parts["t"] + "." + r.Body));
        return CryptographicOperations.FixedTimeEquals(mac, Convert.FromHexString(parts["v1"]));
    }

    private static async Task<WebhookDeliveryView[]> DeliveriesAsync(Person manager, long webhook, Func<WebhookDeliveryView[], bool> until)
    {
        WebhookDeliveryView[] log = [];
        for (var i = 0; i < 200; i++)
        {
            log = await manager.Http.GetOkAsync<WebhookDeliveryView[]>($"api/webhooks/{webhook}/deliveries");
            if (until(log))
            {
                return log;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"the delivery log never got there: {JsonSerializer.Serialize(log)}");
        return log;
    }

    [Fact]
    public void TheSignatureIsHmacSha256OfTimeDotBodyAsComputedElsewhere()
    {
        // Computed with Python's hmac module: hmac.new(b'whsec_test', b'1700000000.{"event":"ping"}', sha256).hexdigest()
        Assert.Equal("t=1700000000,v1=aa8efe37b751e71157c508c5ac4acb1e9fe5225db98355dfc00f4b680afbc447",
            WebhookOutbox.Signature("whsec_test", 1700000000, """{"event":"ping"}"""u8));
    }

    [Fact]
    public async Task APingIsDeliveredSignedAndLoggedAndANewSecretSignsWhatFollows()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, manager, project) = await SetUpAsync();
        var hook = await CreateAsync(manager, project, receiver.Url + "/hooks", "annotation_submitted");
        Assert.StartsWith("whsec_", hook.Secret, StringComparison.Ordinal);
        Assert.Equal(hook.Secret![^4..], hook.SecretHint);
        // The list never shows the secret again.
        var list = await manager.Http.GetOkAsync<WebhookList>($"api/projects/{project}/webhooks");
        Assert.True(list.HostsAllowed);
        Assert.Null(Assert.Single(list.Webhooks).Secret);

        var ping = await manager.Http.PostOkAsync<WebhookDeliveryCreated>($"api/webhooks/{hook.Id}/ping");
        var got = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(("/hooks", "ping", ping.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (got.Path, got.Event, got.Delivery));
        Assert.True(Verifies(hook.Secret, got), got.Signature);
        using var body = JsonDocument.Parse(got.Body);
        Assert.Equal(("ping", project, hook.Id), (body.RootElement.GetProperty("event").GetString(), body.RootElement.GetProperty("projectId").GetInt64(),
            body.RootElement.GetProperty("webhookId").GetInt64()));
        var log = await DeliveriesAsync(manager, hook.Id, l => l.Any(d => d.Status == WebhookDeliveryStatus.Delivered));
        var delivered = Assert.Single(log);
        Assert.Equal((WebhookEvent.Ping, 1, 200), (delivered.Event, delivered.Attempts, delivered.ResponseStatus));

        var changed = await manager.Http.PostOkAsync<WebhookView>($"api/webhooks/{hook.Id}/secret");
        Assert.NotEqual(hook.Secret, changed.Secret);
        await manager.Http.PostOkAsync<WebhookDeliveryCreated>($"api/webhooks/{hook.Id}/ping");
        var second = (await receiver.WaitForAsync(2))[1];
        Assert.True(Verifies(changed.Secret!, second));
        Assert.False(Verifies(hook.Secret, second));
    }

    [Fact]
    public async Task EachEventGoesToTheWebhooksThatNameItAndOnlyThose()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (org, manager, project) = await SetUpAsync();
        await CreateAsync(manager, project, receiver.Url + "/work", "annotation_submitted", "annotation_reviewed");
        await CreateAsync(manager, project, receiver.Url + "/data", "tasks_imported", "export_finished");
        // Another project's webhook hears nothing of this one.
        var (_, otherManager, otherProject) = await SetUpAsync();
        await CreateAsync(otherManager, otherProject, receiver.Url + "/other", "annotation_submitted", "tasks_imported", "annotation_reviewed", "export_finished");

        await TestData.ImportAsync(manager.Http, project, ["好吃 😋", "太贵了"]);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var (task, annotation) = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{annotation}/review", new { action = "accept" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var (job, _) = await manager.Http.ExportAsync(project, new { format = "jsonl" });

        var work = await receiver.WaitForAsync(2, r => r.Path == "/work");
        var data = await receiver.WaitForAsync(2, r => r.Path == "/data");
        Assert.Equal(["annotation_reviewed", "annotation_submitted"], work.Select(r => r.Event).Order());
        Assert.Equal(["export_finished", "tasks_imported"], data.Select(r => r.Event).Order());
        var submitted = JsonDocument.Parse(work.Single(r => r.Event == "annotation_submitted").Body).RootElement.GetProperty("annotation");
        Assert.Equal((annotation, task, annotator.Id), (submitted.GetProperty("id").GetInt64(), submitted.GetProperty("taskId").GetInt64(), submitted.GetProperty("annotatorId").GetInt64()));
        var reviewed = JsonDocument.Parse(work.Single(r => r.Event == "annotation_reviewed").Body).RootElement.GetProperty("review");
        Assert.Equal(("accept", "accepted"), (reviewed.GetProperty("action").GetString(), reviewed.GetProperty("annotationStatus").GetString()));
        var imported = JsonDocument.Parse(data.Single(r => r.Event == "tasks_imported").Body).RootElement.GetProperty("import");
        Assert.Equal(2, imported.GetProperty("tasks").GetInt32());
        var export = JsonDocument.Parse(data.Single(r => r.Event == "export_finished").Body).RootElement.GetProperty("export");
        Assert.Equal((job.Id, "done"), (export.GetProperty("id").GetInt64(), export.GetProperty("status").GetString()));
        await Task.Delay(500);
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/other");
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task AFailedDeliveryIsRetriedThenFailsAndCanBeSentAgainByHand()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = 500;
        var (_, manager, project) = await SetUpAsync();
        var hook = await CreateAsync(manager, project, receiver.Url + "/flaky", "export_finished");
        var ping = await manager.Http.PostOkAsync<WebhookDeliveryCreated>($"api/webhooks/{hook.Id}/ping");
        // One attempt and one per retry (the fixture waits 100 ms twice), then failed.
        var failed = await DeliveriesAsync(manager, hook.Id, l => l.Any(d => d.Status == WebhookDeliveryStatus.Failed));
        var first = Assert.Single(failed);
        Assert.Equal((3, 500), (first.Attempts, first.ResponseStatus));
        Assert.Contains("500", first.Error, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Requests.Count(r => r.Delivery == ping.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        receiver.Answer = 204;
        var again = await manager.Http.PostOkAsync<WebhookDeliveryCreated>($"api/webhook-deliveries/{ping.Id}/redeliver");
        var log = await DeliveriesAsync(manager, hook.Id, l => l.Any(d => d.Id == again.Id && d.Status == WebhookDeliveryStatus.Delivered));
        Assert.Equal([again.Id, ping.Id], log.Select(d => d.Id));
        Assert.Equal(WebhookDeliveryStatus.Failed, log[1].Status);
        var resent = receiver.Requests.Last();
        Assert.Equal(receiver.Requests.First().Body, resent.Body);
    }

    [Fact]
    public async Task ARedirectIsNeverFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, manager, project) = await SetUpAsync();
        var hook = await CreateAsync(manager, project, receiver.Url + "/moved", "export_finished");
        await manager.Http.PostOkAsync<WebhookDeliveryCreated>($"api/webhooks/{hook.Id}/ping");
        var failed = Assert.Single(await DeliveriesAsync(manager, hook.Id, l => l.Any(d => d.Status == WebhookDeliveryStatus.Failed)));
        Assert.Equal(302, failed.ResponseStatus);
        Assert.Contains("redirect", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/landed");
    }

    [Theory]
    [InlineData("http://10.0.0.1/hook", "webhook.address_refused")]
    [InlineData("http://169.254.169.254/latest/meta-data", "webhook.address_refused")]
    [InlineData("http://[::1]/hook", "webhook.address_refused")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "webhook.address_refused")]
    [InlineData("http://192.168.1.1/hook", "webhook.address_refused")]
    [InlineData("http://localhost/hook", "webhook.address_refused")]
    [InlineData("ftp://example.com/hook", "webhook.url_invalid")]
    [InlineData("http://user:pw@example.com/hook", "webhook.url_invalid")]
    [InlineData("http://example.com/hook?token=1", "webhook.url_invalid")]
    public async Task UrlsOffTheAllowListOrAtNonPublicAddressesAreRefused(string url, string code)
    {
        var (_, manager, project) = await SetUpAsync();
        using var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/webhooks", new { url, events = new[] { "export_finished" } });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(code, problem.GetProperty("fields").GetProperty("url")[0].GetProperty("code").GetString());
        Assert.Empty((await manager.Http.GetOkAsync<WebhookList>($"api/projects/{project}/webhooks")).Webhooks);
    }

    [Fact]
    public async Task AWebhookNamesAtLeastOneEventAndPingIsNotOne()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, manager, project) = await SetUpAsync();
        foreach (var events in new[] { Array.Empty<string>(), ["ping"] })
        {
            using var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/webhooks", new { url = receiver.Url, events });
            Assert.Equal("webhook.no_events", (await r.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("fields").GetProperty("events")[0].GetProperty("code").GetString());
        }
        using var unknown = await manager.Http.PostAsync($"api/projects/{project}/webhooks",
            new StringContent($$"""{"url":"{{receiver.Url}}","events":["annotation_submitted, export_finished"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("field.one_of", (await unknown.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("fields").EnumerateObject().Single().Value[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task ASwitchedOffWebhookSendsNothingAndSwitchedOnAnnouncesOnlyWhatFollows()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (org, manager, project) = await SetUpAsync();
        await TestData.ImportAsync(manager.Http, project, ["一", "二"]);
        var hook = await CreateAsync(manager, project, receiver.Url + "/w", "annotation_submitted");
        await manager.Http.PatchOkAsync<WebhookView>($"api/webhooks/{hook.Id}", new { active = false });
        var annotator = await org.PersonAsync(Roles.Annotator);
        await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        await Task.Delay(300);
        await manager.Http.PatchOkAsync<WebhookView>($"api/webhooks/{hook.Id}", new { active = true });
        var (_, second) = await annotator.AnnotateAsync(project, new { label = new[] { "neg" } });
        var got = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(second, JsonDocument.Parse(got.Body).RootElement.GetProperty("annotation").GetProperty("id").GetInt64());
        await Task.Delay(500);
        Assert.Single(receiver.Requests);
    }
}

public sealed class WebhookSqliteFixture : SqliteFixture
{
    protected override void Configure(WebApplicationBuilder builder) => Quick(builder);

    internal static void Quick(WebApplicationBuilder builder) =>
        builder.Services.Configure<WebhookOptions>(o =>
        {
            o.AllowedHosts = ["127.0.0.1", "*"];
            o.Retries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)];
            o.Settle = TimeSpan.FromMilliseconds(200);
            o.Timeout = TimeSpan.FromSeconds(5);
        });
}

public sealed class WebhookPostgresFixture : PostgresFixture
{
    protected override void Configure(WebApplicationBuilder builder) => WebhookSqliteFixture.Quick(builder);
}

public sealed class SqliteWebhookTests(WebhookSqliteFixture fx) : WebhookTests<WebhookSqliteFixture>(fx);

public sealed class PostgresWebhookTests(WebhookPostgresFixture fx) : WebhookTests<WebhookPostgresFixture>(fx);

/// <summary>A webhook written straight into the database, for scenes whose server allows no host (the role and tenancy tables).</summary>
internal static class WebhookRows
{
    public static async Task<(long Webhook, long Delivery)> InsertAsync(ServerFixture fx, long project, long userId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var webhook = await fx.QueryScalarAsync<long>(
            """
            INSERT INTO webhooks (project_id, url, secret, events, active, annotation_cursor_at, annotation_cursor, created_by, created_at, updated_at)
            VALUES (@project, 'http://127.0.0.1:9/hook', 'whsec_scene', 'export_finished', 0, @now, 0, @userId, @now, @now) RETURNING id
            """, new { project, userId, now });
        var delivery = await fx.QueryScalarAsync<long>(
            """
            INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at, finished_at)
            VALUES (@webhook, 'ping', '{"event":"ping"}', 'failed', 1, @now, @now, @now) RETURNING id
            """, new { webhook, now });
        return (webhook, delivery);
    }
}
