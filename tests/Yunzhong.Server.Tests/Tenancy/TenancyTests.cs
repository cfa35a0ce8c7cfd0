using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Yunzhong.Server.Tests.Tenancy;

/// <summary>
/// Invariant 5 on every endpoint: the table below has one probe per route the server maps, and the
/// sweep fails when the server maps a route the table lacks (or the table names a route that is
/// gone), so a new endpoint cannot ship untested. A user of organisation B, holding every role in B,
/// must get 404 for organisation A's resources, exactly what a missing resource gets, and must
/// change nothing of A's; a caller without credentials gets 401.
/// </summary>
public abstract class TenancyTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const Roles Everything = Roles.Admin | Roles.Manager | Roles.Annotator | Roles.Reviewer;

    /// <summary>Routes anyone may call, with the reason.</summary>
    private static readonly Dictionary<string, string> _public = new()
    {
        ["GET /healthz"] = "load balancers probe it",
        ["GET /readyz"] = "load balancers probe it; names what is wrong in plain words, never a path or host",
        ["POST /api/auth/login"] = "how a browser gets its session",
        ["POST /api/auth/logout"] = "clears the caller's own cookie; nothing to protect",
        ["GET /openapi/{documentName}.json"] = "the API description is public",
        ["GET /"] = "placeholder page when the browser UI is not built",
        ["GET /api/keys"] = "the park's public keys, so anyone can check a release's signature",
        ["GET /api/catalogue"] = "the catalogue: public cards for anyone, more for those signed in (ReleaseTests checks who sees what)",
        ["GET /api/catalogue/{projectId:long}"] = "a card as the catalogue shows it, by the same rule",
    };

    /// <summary>The ids of one organisation's resources that requests are aimed at.</summary>
    /// <param name="Vendor">A vendor working A's project under <paramref name="Contract"/>, with a site and a team.</param>
    internal sealed record Ids(
        long Org, long Project, long Task, long Assignment, long Annotation, long Export, long Token, string Media, long Member,
        long Vendor = 0, long Contract = 0, long Site = 0, long Team = 0, long Release = 0, long Grant = 0, string Link = "",
        long Course = 0, long Lesson = 0, long Practice = 0, long Exam = 0, long Attempt = 0, long GoldTask = 0, long Skill = 0, long ReleaseJob = 0, long Pool = 0, long PredictJob = 0,
        long Webhook = 0, long WebhookDelivery = 0, long CourseImage = 0);

    internal enum Expect { NotFound, Custom }

    internal sealed record Probe(string Route, Func<Ids, HttpRequestMessage> Build, Expect Expect, Func<HttpResponseMessage, Ids, Task>? Check = null);

    private static HttpRequestMessage Req(HttpMethod method, string path, object? body = null) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body, options: HttpJson.Options) };

    private static HttpRequestMessage Raw(HttpMethod method, string path, HttpContent content) => new(method, path) { Content = content };

    private static MultipartFormDataContent PngForm()
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Api.DemoFile("photos/media/horse.png")), "files", "intruder.png");
        return form;
    }

    /// <summary>Also what <c>OpenApiTests</c> holds the document's declared 404s against.</summary>
    internal static readonly Probe[] Probes =
    [
        new("GET /api/me", _ => Req(HttpMethod.Get, "api/me"), Expect.Custom, async (r, a) =>
        {
            var me = await r.OkAsync<MeResponse>("me");
            Assert.DoesNotContain(me.Organizations, o => o.Id == a.Org);
        }),
        new("GET /api/tokens", _ => Req(HttpMethod.Get, "api/tokens"), Expect.Custom, async (r, a) =>
        {
            var list = await r.OkAsync<List<TokenView>>("tokens");
            Assert.DoesNotContain(list, t => t.Id == a.Token);
        }),
        new("POST /api/tokens", _ => Req(HttpMethod.Post, "api/tokens", new { name = "mine" }), Expect.Custom, (r, _) =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode); // the caller's own token; nothing of A's is touched
            return Task.CompletedTask;
        }),
        new("DELETE /api/tokens/{id:long}", a => Req(HttpMethod.Delete, $"api/tokens/{a.Token}"), Expect.NotFound),
        new("GET /api/organizations/", _ => Req(HttpMethod.Get, "api/organizations"), Expect.Custom, async (r, a) =>
        {
            var list = await r.OkAsync<List<OrganizationMembership>>("organizations");
            Assert.DoesNotContain(list, o => o.Id == a.Org);
        }),
        new("POST /api/organizations/", _ => Req(HttpMethod.Post, "api/organizations", new { name = "new org", kind = "client" }), Expect.Custom,
            async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)), // only the park operator's admins open organisations
        new("GET /api/organizations/{organizationId:long}/members", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/members"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/members",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Org}/members", new { email = $"mole-{Guid.NewGuid():N}@b.test", password = "password-123", roles = new[] { "admin" } }),
            Expect.NotFound),
        new("DELETE /api/organizations/{organizationId:long}/members/{userId:long}",
            a => Req(HttpMethod.Delete, $"api/organizations/{a.Org}/members/{a.Member}"), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/audit", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/audit"), Expect.NotFound),
        new("GET /api/audit", _ => Req(HttpMethod.Get, "api/audit"), Expect.Custom,
            async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)), // the whole trail is the park operator's
        new("GET /api/audit/verify", _ => Req(HttpMethod.Get, "api/audit/verify"), Expect.Custom,
            async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)),
        new("GET /api/projects", a => Req(HttpMethod.Get, $"api/projects?organization={a.Org}"), Expect.Custom, async (r, _) =>
        {
            Assert.Empty(await r.OkAsync<List<ProjectView>>("projects"));
        }),
        new("POST /api/projects",
            a => Req(HttpMethod.Post, "api/projects", new { organizationId = a.Org, name = "planted", schema = TestData.ChoiceSchema }), Expect.NotFound),
        new("GET /api/projects/{projectId:long}", a => Req(HttpMethod.Get, $"api/projects/{a.Project}"), Expect.NotFound),
        new("PATCH /api/projects/{projectId:long}", a => Req(HttpMethod.Patch, $"api/projects/{a.Project}", new { name = "hijacked", overlap = 3 }), Expect.NotFound),
        new("DELETE /api/projects/{projectId:long}", a => Req(HttpMethod.Delete, $"api/projects/{a.Project}"), Expect.NotFound),
        new("POST /api/schemas/check", _ => Req(HttpMethod.Post, "api/schemas/check", new { schema = TestData.ChoiceSchema }), Expect.Custom, (r, _) =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode); // a pure function of the body; no organisation's data
            return Task.CompletedTask;
        }),
        new("POST /api/projects/{projectId:long}/imports",
            a => Raw(HttpMethod.Post, $"api/projects/{a.Project}/imports?format=jsonl", new StringContent("{\"data\":{\"text\":\"planted\"}}\n", Encoding.UTF8, "application/x-ndjson")),
            Expect.NotFound),
        new("POST /api/projects/{projectId:long}/media/", a => Raw(HttpMethod.Post, $"api/projects/{a.Project}/media", PngForm()), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/media/", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/media"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/media/{**name}", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/media/{a.Media}"), Expect.NotFound),
        // A HEAD answer has no body: the same 404 as for a name that does not exist is all it can say.
        new("HEAD /api/projects/{projectId:long}/media/{**name}", a => Req(HttpMethod.Head, $"api/projects/{a.Project}/media/{a.Media}"), Expect.Custom,
            (r, _) => { Assert.Equal(HttpStatusCode.NotFound, r.StatusCode); return Task.CompletedTask; }),
        new("GET /api/projects/{projectId:long}/scrub/", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/scrub?name={a.Media}"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/scrub/{key}/{chunk:int}", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/scrub/{new string('a', 32)}/0"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/scrub/{key}/storyboard", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/scrub/{new string('a', 32)}/storyboard"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/tasks", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/tasks"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/tasks/count", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/tasks/count"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/imports", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/imports"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/imports/media",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/imports/media", new { names = new[] { a.Media } }), Expect.NotFound),
        new("GET /api/tasks/{taskId:long}", a => Req(HttpMethod.Get, $"api/tasks/{a.Task}"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/tasks/bulk",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/tasks/bulk", new { ids = new[] { a.Task }, action = "delete" }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/queue/next", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/queue/next"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/history", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/history"), Expect.NotFound),
        new("POST /api/assignments/{assignmentId:long}/submit",
            a => Req(HttpMethod.Post, $"api/assignments/{a.Assignment}/submit", new { result = new { label = new[] { "neg" } } }), Expect.NotFound),
        new("POST /api/assignments/{assignmentId:long}/skip", a => Req(HttpMethod.Post, $"api/assignments/{a.Assignment}/skip"), Expect.NotFound),
        new("POST /api/assignments/{assignmentId:long}/release", a => Req(HttpMethod.Post, $"api/assignments/{a.Assignment}/release"), Expect.NotFound),
        new("PUT /api/assignments/{assignmentId:long}/draft",
            a => Req(HttpMethod.Put, $"api/assignments/{a.Assignment}/draft", new { result = new { label = new[] { "neg" } } }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/review/next", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/review/next"), Expect.NotFound),
        new("PUT /api/annotations/{annotationId:long}",
            a => Req(HttpMethod.Put, $"api/annotations/{a.Annotation}", new { result = new { label = new[] { "neg" } } }), Expect.NotFound),
        new("POST /api/annotations/{annotationId:long}/review",
            a => Req(HttpMethod.Post, $"api/annotations/{a.Annotation}/review", new { action = "accept" }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/exports", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/exports", new { format = "jsonl" }), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/exports", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/exports"), Expect.NotFound),
        new("GET /api/exports/{exportId:long}", a => Req(HttpMethod.Get, $"api/exports/{a.Export}"), Expect.NotFound),
        new("GET /api/exports/{exportId:long}/download", a => Req(HttpMethod.Get, $"api/exports/{a.Export}/download"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/stats", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/stats"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/quality/annotators", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/quality/annotators"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/quality/agreement",
            a => Req(HttpMethod.Get, $"api/projects/{a.Project}/quality/agreement?taskId={a.Task}"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/quality/aggregate",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/quality/aggregate", new { method = "majority" }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/predictions", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/predictions",
            new { modelVersion = "m", predictions = new[] { new { taskId = a.Task, result = new { label = new[] { "pos" } }, score = 0.5 } } }), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/learning/", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/learning"), Expect.NotFound),
        new("PUT /api/projects/{projectId:long}/learning/", a => Req(HttpMethod.Put, $"api/projects/{a.Project}/learning", new { loopEvery = 5 }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/learning/run", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/learning/run"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/learning/backend/health",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/learning/backend/health", new { url = "http://127.0.0.1:9/" }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/learning/backend/predict",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/learning/backend/predict", new { limit = 5 }), Expect.NotFound),
        // The park: A's contract with its vendor, the vendor's sites and teams.
        new("GET /api/contracts/", _ => Req(HttpMethod.Get, "api/contracts"), Expect.Custom, async (r, a) =>
        {
            Assert.DoesNotContain(await r.OkAsync<List<ContractView>>("contracts"), c => c.Id == a.Contract);
        }),
        new("POST /api/contracts/", a => Req(HttpMethod.Post, "api/contracts",
            new { projectId = a.Project, vendorOrganizationId = a.Vendor, quota = 5, unitPrice = "1", deadline = DateTimeOffset.UtcNow.AddDays(9) }), Expect.NotFound),
        new("GET /api/contracts/{contractId:long}", a => Req(HttpMethod.Get, $"api/contracts/{a.Contract}"), Expect.NotFound),
        new("PATCH /api/contracts/{contractId:long}", a => Req(HttpMethod.Patch, $"api/contracts/{a.Contract}", new { quota = 1 }), Expect.NotFound),
        new("POST /api/contracts/{contractId:long}/transition", a => Req(HttpMethod.Post, $"api/contracts/{a.Contract}/transition", new { @event = "close" }), Expect.NotFound),
        new("PUT /api/contracts/{contractId:long}/staff",
            a => Req(HttpMethod.Put, $"api/contracts/{a.Contract}/staff", new { userIds = Array.Empty<long>(), teamIds = Array.Empty<long>() }), Expect.NotFound),
        new("GET /api/models", _ => Req(HttpMethod.Get, "api/models"), Expect.Custom, async (r, _) =>
        {
            Assert.Equal(2, (await r.OkAsync<List<Features.Compute.ModelView>>("models")).Count); // the server's shipped models, nobody's data
        }),
        new("GET /api/compute/runtime", _ => Req(HttpMethod.Get, "api/compute/runtime"), Expect.Custom, async (r, _) =>
        {
            await r.OkAsync<Features.Compute.PredictJobsApi.RuntimeView>("runtime"); // the server's own provider, nobody's data
        }),
        new("GET /api/organizations/{organizationId:long}/pools", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/pools"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/pools", a => Req(HttpMethod.Post, $"api/organizations/{a.Org}/pools", new { name = "planted" }), Expect.NotFound),
        new("GET /api/pools/{poolId:long}", a => Req(HttpMethod.Get, $"api/pools/{a.Pool}"), Expect.NotFound),
        new("PUT /api/pools/{poolId:long}/profile",
            a => Req(HttpMethod.Put, $"api/pools/{a.Pool}/profile", new { csv = "hour_utc,price_cny_per_kwh,green_share\n2026-12-05T00:00:00Z,9,0\n" }), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/predict-jobs", a => Req(HttpMethod.Post, $"api/projects/{a.Project}/predict-jobs", new { modelId = 1 }), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/predict-jobs", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/predict-jobs"), Expect.NotFound),
        new("GET /api/predict-jobs/{jobId:long}", a => Req(HttpMethod.Get, $"api/predict-jobs/{a.PredictJob}"), Expect.NotFound),
        new("POST /api/predict-jobs/{jobId:long}/cancel", a => Req(HttpMethod.Post, $"api/predict-jobs/{a.PredictJob}/cancel"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/webhooks/", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/webhooks"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/webhooks/",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/webhooks", new { url = "http://example.com/hook", events = new[] { "export_finished" } }), Expect.NotFound),
        new("GET /api/webhooks/{webhookId:long}/", a => Req(HttpMethod.Get, $"api/webhooks/{a.Webhook}"), Expect.NotFound),
        new("PATCH /api/webhooks/{webhookId:long}/", a => Req(HttpMethod.Patch, $"api/webhooks/{a.Webhook}", new { active = true }), Expect.NotFound),
        new("DELETE /api/webhooks/{webhookId:long}/", a => Req(HttpMethod.Delete, $"api/webhooks/{a.Webhook}"), Expect.NotFound),
        new("POST /api/webhooks/{webhookId:long}/secret", a => Req(HttpMethod.Post, $"api/webhooks/{a.Webhook}/secret"), Expect.NotFound),
        new("POST /api/webhooks/{webhookId:long}/ping", a => Req(HttpMethod.Post, $"api/webhooks/{a.Webhook}/ping"), Expect.NotFound),
        new("GET /api/webhooks/{webhookId:long}/deliveries", a => Req(HttpMethod.Get, $"api/webhooks/{a.Webhook}/deliveries"), Expect.NotFound),
        new("POST /api/webhook-deliveries/{deliveryId:long}/redeliver", a => Req(HttpMethod.Post, $"api/webhook-deliveries/{a.WebhookDelivery}/redeliver"), Expect.NotFound),
        new("GET /api/park/counties", _ => Req(HttpMethod.Get, "api/park/counties"), Expect.Custom, async (r, _) =>
        {
            Assert.Equal(10, (await r.OkAsync<List<County>>("counties")).Count); // a fixed list, nobody's data
        }),
        new("GET /api/park/vendors", _ => Req(HttpMethod.Get, "api/park/vendors"), Expect.Custom, async (r, a) =>
        {
            // The park's directory: vendors' names and their sites' counties only, never a client like A.
            var vendors = await r.OkAsync<List<VendorListing>>("vendors");
            Assert.Contains(vendors, v => v.Id == a.Vendor);
            Assert.DoesNotContain(vendors, v => v.Id == a.Org);
        }),
        new("GET /api/me/teams", _ => Req(HttpMethod.Get, "api/me/teams"), Expect.Custom, async (r, a) =>
        {
            Assert.DoesNotContain(await r.OkAsync<List<LedTeam>>("led teams"), t => t.Id == a.Team || t.OrganizationId == a.Vendor);
        }),
        new("GET /api/organizations/{organizationId:long}/sites", a => Req(HttpMethod.Get, $"api/organizations/{a.Vendor}/sites"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/sites",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Vendor}/sites", new { name = "planted", countyCode = "140213", seats = 5 }), Expect.NotFound),
        new("PUT /api/sites/{siteId:long}", a => Req(HttpMethod.Put, $"api/sites/{a.Site}", new { name = "planted", countyCode = "140213", seats = 5 }), Expect.NotFound),
        new("PUT /api/sites/{siteId:long}/people", a => Req(HttpMethod.Put, $"api/sites/{a.Site}/people", new { userIds = Array.Empty<long>() }), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/teams", a => Req(HttpMethod.Get, $"api/organizations/{a.Vendor}/teams"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/teams",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Vendor}/teams", new { name = "planted", leadUserId = a.Member, memberIds = Array.Empty<long>() }), Expect.NotFound),
        new("PUT /api/teams/{teamId:long}",
            a => Req(HttpMethod.Put, $"api/teams/{a.Team}", new { name = "taken", leadUserId = a.Member, memberIds = Array.Empty<long>() }), Expect.NotFound),
        new("GET /api/teams/{teamId:long}/work", a => Req(HttpMethod.Get, $"api/teams/{a.Team}/work"), Expect.NotFound),
        new("POST /api/projects/{projectId:long}/releases",
            a => Req(HttpMethod.Post, $"api/projects/{a.Project}/releases", new { formats = new[] { "jsonl" }, licence = "x" }), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/releases", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/releases"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/release-jobs", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/release-jobs"), Expect.NotFound),
        new("GET /api/release-jobs/{jobId:long}", a => Req(HttpMethod.Get, $"api/release-jobs/{a.ReleaseJob}"), Expect.NotFound),
        new("GET /api/releases/{releaseId:long}", a => Req(HttpMethod.Get, $"api/releases/{a.Release}"), Expect.NotFound),
        new("GET /api/releases/{releaseId:long}/diff", a => Req(HttpMethod.Get, $"api/releases/{a.Release}/diff?from={a.Release}"), Expect.NotFound),
        new("POST /api/releases/{releaseId:long}/links", a => Req(HttpMethod.Post, $"api/releases/{a.Release}/links"), Expect.NotFound),
        new("GET /api/links/{token}/{**path}", a => Req(HttpMethod.Get, $"{a.Link.TrimStart('/')}/annotations.jsonl"), Expect.Custom, async (r, _) =>
        {
            // A link is bound to the person it was made for: another's gets 403 with the link's code.
            Assert.Equal("link.not_yours", (await r.ProblemAsync(HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        }),
        new("POST /api/releases/{releaseId:long}/grants",
            a => Req(HttpMethod.Post, $"api/releases/{a.Release}/grants", new { organizationId = a.Org, purpose = "x", days = 1, formats = new[] { "jsonl" } }),
            Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/grants", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/grants"), Expect.NotFound),
        new("POST /api/grants/{grantId:long}/decision", a => Req(HttpMethod.Post, $"api/grants/{a.Grant}/decision", new { grant = true }), Expect.NotFound),
        new("POST /api/grants/{grantId:long}/revoke", a => Req(HttpMethod.Post, $"api/grants/{a.Grant}/revoke", new { }), Expect.NotFound),
        new("PUT /api/projects/{projectId:long}/card",
            a => Req(HttpMethod.Put, $"api/projects/{a.Project}/card", new { titleEn = "x", titleZh = "x", modality = "text", licence = "x", visibility = "public" }),
            Expect.NotFound),
        new("GET /api/contracts/{contractId:long}/pay-rates", a => Req(HttpMethod.Get, $"api/contracts/{a.Contract}/pay-rates"), Expect.NotFound),
        new("PUT /api/contracts/{contractId:long}/pay-rates",
            a => Req(HttpMethod.Put, $"api/contracts/{a.Contract}/pay-rates", new { rates = new[] { new { rate = "9" } } }), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/statements/{month}", a => Req(HttpMethod.Get, $"api/organizations/{a.Vendor}/statements/2020-01"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/statements/{month}/close",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Vendor}/statements/2020-01/close"), Expect.NotFound),
        new("GET /api/park/dashboard", a => Req(HttpMethod.Get, $"api/park/dashboard?vendor={a.Vendor}"), Expect.NotFound),
        new("GET /api/park/productivity", a => Req(HttpMethod.Get, $"api/park/productivity?team={a.Team}"), Expect.NotFound),
        new("GET /api/park/retention", a => Req(HttpMethod.Get, $"api/park/retention?site={a.Site}"), Expect.NotFound),
        new("GET /api/park/employment", a => Req(HttpMethod.Get, $"api/park/employment?vendor={a.Vendor}"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/vendor-progress", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/vendor-progress"), Expect.NotFound),
        new("GET /api/me/statements/{month}", _ => Req(HttpMethod.Get, $"api/me/statements/{DateTime.UtcNow:yyyy-MM}"), Expect.Custom, async (r, _) =>
        {
            var mine = await r.OkAsync<StatementView>("my statement");
            Assert.Empty(mine.Bill); // nobody's lines but the caller's own, who worked for no vendor here
            Assert.Empty(mine.Pay!);
        }),
        // Training: an organisation's courses, lessons, practice, exams and attempts are its members' alone.
        new("GET /api/organizations/{organizationId:long}/courses", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/courses"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/courses",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Org}/courses", new { title = "intruder" }), Expect.NotFound),
        new("GET /api/courses/{courseId:long}", a => Req(HttpMethod.Get, $"api/courses/{a.Course}"), Expect.NotFound),
        new("PUT /api/courses/{courseId:long}", a => Req(HttpMethod.Put, $"api/courses/{a.Course}", new { title = "intruder" }), Expect.NotFound),
        new("POST /api/courses/{courseId:long}/lessons", a => Req(HttpMethod.Post, $"api/courses/{a.Course}/lessons", new { title = "x", body = "x" }), Expect.NotFound),
        new("POST /api/courses/{courseId:long}/images/", a => Raw(HttpMethod.Post, $"api/courses/{a.Course}/images",
            Training.TrainingScene.ImageForm(Api.DemoFile("photos/media/horse.png"), "intruder.png")), Expect.NotFound),
        new("GET /api/courses/{courseId:long}/images/{imageId:long}", a => Req(HttpMethod.Get, $"api/courses/{a.Course}/images/{a.CourseImage}"), Expect.NotFound),
        new("GET /api/lessons/{lessonId:long}", a => Req(HttpMethod.Get, $"api/lessons/{a.Lesson}"), Expect.NotFound),
        new("PUT /api/lessons/{lessonId:long}", a => Req(HttpMethod.Put, $"api/lessons/{a.Lesson}", new { title = "x", body = "x" }), Expect.NotFound),
        new("POST /api/practice/{practiceId:long}/check",
            a => Req(HttpMethod.Post, $"api/practice/{a.Practice}/check", new { result = new { label = new[] { "pos" } } }), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/gold-tasks", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/gold-tasks"), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/exams", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/exams"), Expect.NotFound),
        new("POST /api/organizations/{organizationId:long}/exams",
            a => Req(HttpMethod.Post, $"api/organizations/{a.Org}/exams", Training.TrainingScene.Exam(a.Skill, [a.GoldTask], questions: 1)), Expect.NotFound),
        new("GET /api/exams/{examId:long}", a => Req(HttpMethod.Get, $"api/exams/{a.Exam}"), Expect.NotFound),
        new("PUT /api/exams/{examId:long}", a => Req(HttpMethod.Put, $"api/exams/{a.Exam}", Training.TrainingScene.Exam(a.Skill, [a.GoldTask], questions: 1)), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/exam-figures", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/exam-figures"), Expect.NotFound),
        new("POST /api/exams/{examId:long}/attempts", a => Req(HttpMethod.Post, $"api/exams/{a.Exam}/attempts"), Expect.NotFound),
        new("GET /api/attempts/{attemptId:long}", a => Req(HttpMethod.Get, $"api/attempts/{a.Attempt}"), Expect.NotFound),
        new("POST /api/attempts/{attemptId:long}/answers",
            a => Req(HttpMethod.Post, $"api/attempts/{a.Attempt}/answers", new { position = 1, result = new { label = new[] { "pos" } } }), Expect.NotFound),
        new("POST /api/attempts/{attemptId:long}/finish", a => Req(HttpMethod.Post, $"api/attempts/{a.Attempt}/finish"), Expect.NotFound),
        // The workforce: the catalogue is the park's (read by all, kept by the operator); A's certificates,
        // requirements and routes are A's.
        new("GET /api/skills/", _ => Req(HttpMethod.Get, "api/skills"), Expect.Custom, async (r, _) => await r.OkAsync<List<Features.Workforce.SkillView>>("skills")),
        new("POST /api/skills/", _ => Req(HttpMethod.Post, "api/skills", new { code = "planted", nameEn = "x", nameZh = "x", maxLevel = 1 }), Expect.Custom,
            async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)),
        new("PUT /api/skills/{skillId:long}", _ => Req(HttpMethod.Put, "api/skills/1", new { code = "planted", nameEn = "x", nameZh = "x", maxLevel = 1 }), Expect.Custom,
            async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)),
        new("DELETE /api/skills/{skillId:long}", _ => Req(HttpMethod.Delete, "api/skills/1"), Expect.Custom, async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)),
        new("GET /api/me/certificates", _ => Req(HttpMethod.Get, "api/me/certificates"), Expect.Custom,
            async (r, _) => Assert.Empty(await r.OkAsync<List<Features.Workforce.CertificateView>>("my certificates"))),
        new("GET /api/organizations/{organizationId:long}/certificates", a => Req(HttpMethod.Get, $"api/organizations/{a.Vendor}/certificates"), Expect.NotFound),
        new("GET /api/park/certificates", _ => Req(HttpMethod.Get, "api/park/certificates"), Expect.Custom, async (r, _) => await r.ProblemAsync(HttpStatusCode.Forbidden)),
        new("POST /api/certificates", a => Req(HttpMethod.Post, "api/certificates", new { userId = a.Member, skillId = 1, level = 1 }), Expect.NotFound),
        new("POST /api/certificates/{certificateId:long}/revoke", _ => Req(HttpMethod.Post, "api/certificates/987654321/revoke"), Expect.NotFound),
        new("GET /api/projects/{projectId:long}/skills", a => Req(HttpMethod.Get, $"api/projects/{a.Project}/skills"), Expect.NotFound),
        new("PUT /api/projects/{projectId:long}/skills",
            a => Req(HttpMethod.Put, $"api/projects/{a.Project}/skills", new { requirements = Array.Empty<object>(), routes = Array.Empty<object>() }), Expect.NotFound),
        new("GET /api/contracts/{contractId:long}/skills", a => Req(HttpMethod.Get, $"api/contracts/{a.Contract}/skills"), Expect.NotFound),
        new("PUT /api/contracts/{contractId:long}/skills",
            a => Req(HttpMethod.Put, $"api/contracts/{a.Contract}/skills", new { requirements = Array.Empty<object>() }), Expect.NotFound),
        new("POST /api/demands", a => Req(HttpMethod.Post, "api/demands",
            new { clientOrganizationId = a.Org, title = "planted", volume = 5, deadline = DateTimeOffset.UtcNow.AddDays(9), skills = Array.Empty<object>() }), Expect.NotFound),
        new("GET /api/organizations/{organizationId:long}/demands", a => Req(HttpMethod.Get, $"api/organizations/{a.Org}/demands"), Expect.NotFound),
        new("GET /api/demands/{demandId:long}/matches", _ => Req(HttpMethod.Get, "api/demands/987654321/matches"), Expect.NotFound),
        new("POST /api/demands/{demandId:long}/close", _ => Req(HttpMethod.Post, "api/demands/987654321/close"), Expect.NotFound),
        new("GET /api/jobs", _ => Req(HttpMethod.Get, "api/jobs"), Expect.Custom, async (r, _) => await r.OkAsync<List<Features.Workforce.JobSkill>>("jobs")),
        new("GET /api/park/workforce", a => Req(HttpMethod.Get, $"api/park/workforce?vendor={a.Vendor}"), Expect.NotFound),
    ];

    private List<string> MappedRoutes() => Infrastructure.MappedRoutes.Of(fx.Services);

    [Fact]
    public void EveryMappedEndpointIsInTheSweepOrListedAsPublic()
    {
        var mapped = MappedRoutes();
        var known = Probes.Select(p => p.Route).Concat(_public.Keys).ToHashSet();
        var untested = mapped.Where(m => !known.Contains(m)).ToList();
        Assert.True(untested.Count == 0, "endpoints with no tenancy probe: " + string.Join(", ", untested));
        var gone = Probes.Select(p => p.Route).Where(r => !mapped.Contains(r)).ToList();
        Assert.True(gone.Count == 0, "probes for routes the server no longer maps: " + string.Join(", ", gone));
        Assert.Equal(Probes.Length, Probes.Select(p => p.Route).Distinct().Count());
    }

    [Fact]
    public async Task EveryApiEndpointIsDescribedInTheOpenApiDocument()
    {
        using var anonymous = fx.Client();
        var paths = (await anonymous.GetOkAsync("openapi/v1.json")).GetProperty("paths");
        var missing = new List<string>();
        foreach (var route in MappedRoutes().Where(r => r.Contains(" /api/", StringComparison.Ordinal)))
        {
            var (method, pattern) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
            // Route syntax to OpenAPI syntax: no constraints, no catch-all stars, no trailing slash.
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([A-Za-z]+)(:[a-z]+)?\}", "{$1}").TrimEnd('/');
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
            {
                missing.Add(route);
            }
        }
        Assert.True(missing.Count == 0, "not in the OpenAPI document: " + string.Join(", ", missing));
    }

    /// <summary>Organisation A with one of everything: a project under full review, tasks, a live lease with a
    /// draft, a pending annotation, a media file, a finished export and an API token.</summary>
    private async Task<(Ids Ids, Person Admin, string Token)> OrganisationAAsync()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Everything);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id, review: ReviewPolicy.All);
        await TestData.ImportAsync(admin.Http, project, ["第一条", "第二条", "第三条"]);
        await admin.Http.UploadOkAsync(project, ("horse.png", Api.DemoFile("photos/media/horse.png")));
        var (task, annotation) = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        var lease = (await annotator.NextAsync(project))!;
        using (var r = await annotator.Http.PutAsJsonAsync($"api/assignments/{lease.AssignmentId}/draft", new { result = new { label = new[] { "neu" } } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        var (job, _) = await admin.Http.ExportAsync(project, new { format = "jsonl" });
        var token = await admin.Http.PostOkAsync<CreatedToken>("api/tokens", new { name = "a's script" });

        // A's project worked by a vendor under a contract, from a site, in a team.
        var vendor = await fx.NewOrgAsync("vendor");
        var vendorAdmin = await vendor.PersonAsync(Roles.Admin);
        var vendorAnnotator = await vendor.PersonAsync(Roles.Annotator | Roles.Reviewer);
        var site = await vendorAdmin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Id}/sites", new { name = "平城职场", countyCode = "140213", seats = 4, opens = "00:00", closes = "23:59" });
        using (var r = await vendorAdmin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = new[] { vendorAnnotator.Id } }, HttpJson.Options))
        {
            await r.OkAsync<SiteView>("site people");
        }
        var team = await vendorAdmin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Id}/teams",
            new { name = "一组", leadUserId = vendorAnnotator.Id, memberIds = new[] { vendorAnnotator.Id } });
        var contract = await admin.Http.PostOkAsync<ContractView>("api/contracts",
            new { projectId = project, vendorOrganizationId = vendor.Id, quota = 2, unitPrice = "0.5", deadline = DateTimeOffset.UtcNow.AddDays(30) });
        await vendorAdmin.Http.PostOkAsync<ContractView>($"api/contracts/{contract.Id}/transition", new { @event = "accept" });
        using (var r = await vendorAdmin.Http.PutAsJsonAsync($"api/contracts/{contract.Id}/staff", new { userIds = Array.Empty<long>(), teamIds = new[] { team.Id } }, HttpJson.Options))
        {
            await r.OkAsync<ContractView>("staff");
        }
        await admin.Http.PostOkAsync<ContractView>($"api/contracts/{contract.Id}/transition", new { @event = "activate" });
        Assert.NotNull(await vendorAnnotator.NextAsync(project));

        // A release of another project of A's, on a park-wide card, asked for by a third organisation; a download link of A's admin.
        var released = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, released, ["发布"]);
        await admin.AnnotateAsync(released, new { label = new[] { "pos" } });
        var releaseJob = await admin.Http.ReleaseJobAsync(released, new { formats = new[] { "jsonl" }, licence = "CC-BY-4.0" });
        var release = await admin.Http.GetOkAsync<Features.Releases.ReleaseView>($"api/releases/{releaseJob.ReleaseId}");
        using (var r = await admin.Http.PutAsJsonAsync($"api/projects/{released}/card",
            new { titleEn = "A", titleZh = "甲", modality = "text", licence = "CC-BY-4.0", visibility = "park" }, HttpJson.Options))
        {
            await r.OkAsync<Features.Releases.CardView>("card");
        }
        var third = await fx.NewOrgAsync();
        var grant = await (await third.PersonAsync(Roles.Admin)).Http.PostOkAsync<Features.Releases.GrantView>($"api/releases/{release.Id}/grants",
            new { organizationId = third.Id, purpose = "评测", days = 5, formats = new[] { "jsonl" } });
        var link = await admin.Http.PostOkAsync<Features.Releases.LinkView>($"api/releases/{release.Id}/links");

        // A course with a practice task, and an exam with an attempt of A's annotator still open.
        var skill = await Training.TrainingScene.SkillAsync(fx);
        var (_, gold, _) = await Training.TrainingScene.GoldProjectAsync(fx, admin, org.Id, 2);
        var course = await admin.Http.PostOkAsync<Features.Training.CourseView>($"api/organizations/{org.Id}/courses", new { title = "入门" });
        var lesson = await admin.Http.PostOkAsync<Features.Training.LessonView>($"api/courses/{course.Id}/lessons", new { title = "一", body = "正文", practiceTaskIds = gold });
        var courseImage = await Training.TrainingScene.ImageAsync(admin, course.Id);
        var exam = await Training.TrainingScene.ExamAsync(admin, org.Id, Training.TrainingScene.Exam(skill, gold));
        var attempt = await annotator.Http.PostOkAsync<Features.Training.AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        // A compute pool with a profile, and a pre-annotation job (ended) on an image project of A's.
        var pool = await admin.Http.PostOkAsync<Features.Compute.PoolView>($"api/organizations/{org.Id}/pools", new { name = "A 的算力池" });
        await admin.Http.PutOkAsync<Features.Compute.PoolProfileView>($"api/pools/{pool.Id}/profile",
            new { csv = "hour_utc,price_cny_per_kwh,green_share\n2026-12-05T00:00:00Z,0.3,0.5\n" });
        var ocrProject = await TestData.ProjectAsync(admin, org.Id, Compute.PredictJobTests<TFixture>.ImageSchema);
        var ocr = await Compute.PredictJobTests<TFixture>.ModelIdAsync(admin.Http, Features.Compute.ModelTask.TextInImages);
        var predictJob = await admin.Http.PostOkAsync<Features.Compute.PredictJobView>($"api/projects/{ocrProject}/predict-jobs", new { modelId = ocr });
        await Compute.PredictJobTests<TFixture>.WaitAsync(admin.Http, predictJob.Id);
        var (webhook, webhookDelivery) = await Webhooks.WebhookRows.InsertAsync(fx, project, admin.Id);
        return (new Ids(org.Id, project, task, lease.AssignmentId, annotation, job.Id, token.Id, "horse.png", annotator.Id, vendor.Id, contract.Id, site.Id, team.Id,
            release.Id, grant.Id, link.Url, course.Id, lesson.Id, lesson.Practice[0].Id, exam.Exam.Id, attempt.Id, gold[0], skill, releaseJob.Id, pool.Id, predictJob.Id,
            webhook, webhookDelivery, courseImage.Id), admin, token.Token);
    }

    private static readonly Ids _missing = new(8_000_000_001, 8_000_000_002, 8_000_000_003, 8_000_000_004, 8_000_000_005, 8_000_000_006, 8_000_000_007, "none.png", 8_000_000_008,
        8_000_000_009, 8_000_000_010, 8_000_000_011, 8_000_000_012, 8_000_000_013, 8_000_000_014, "/api/links/none",
        8_000_000_015, 8_000_000_016, 8_000_000_017, 8_000_000_018, 8_000_000_019, 8_000_000_020, 8_000_000_021,
        Pool: 8_000_000_023, PredictJob: 8_000_000_024, Webhook: 8_000_000_025, WebhookDelivery: 8_000_000_026);

    /// <summary>Everything of A's that any endpoint could change, as text.</summary>
    private async Task<string> SnapshotAsync(Ids a)
    {
        var parts = new List<string>();
        async Task Add(string sql) => parts.AddRange((await fx.QueryAsync<object>(sql, new { org = a.Org, project = a.Project, vendor = a.Vendor }))
            .Select(r => r.ToString()!));
        await Add("SELECT * FROM organizations WHERE id = @org");
        await Add("SELECT * FROM memberships WHERE organization_id = @org ORDER BY user_id");
        await Add("SELECT t.* FROM api_tokens t JOIN memberships m ON m.user_id = t.user_id WHERE m.organization_id = @org ORDER BY t.id");
        await Add("SELECT * FROM projects WHERE organization_id = @org ORDER BY id");
        await Add("SELECT * FROM tasks WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM predictions WHERE task_id IN (SELECT id FROM tasks WHERE project_id = @project) ORDER BY id");
        await Add("SELECT * FROM webhooks WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE project_id = @project) ORDER BY id");
        await Add("SELECT * FROM assignments WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM annotations WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM reviews WHERE task_id IN (SELECT id FROM tasks WHERE project_id = @project) ORDER BY id");
        await Add("SELECT * FROM media WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM exports WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM contracts WHERE project_id = @project ORDER BY id");
        await Add("SELECT * FROM contract_people WHERE contract_id IN (SELECT id FROM contracts WHERE project_id = @project) ORDER BY contract_id, user_id");
        await Add("SELECT * FROM contract_teams WHERE contract_id IN (SELECT id FROM contracts WHERE project_id = @project) ORDER BY contract_id, team_id");
        await Add("SELECT * FROM sites WHERE organization_id = @vendor ORDER BY id");
        await Add("SELECT * FROM memberships WHERE organization_id = @vendor ORDER BY user_id");
        await Add("SELECT * FROM teams WHERE organization_id = @vendor ORDER BY id");
        await Add("SELECT * FROM team_members WHERE team_id IN (SELECT id FROM teams WHERE organization_id = @vendor) ORDER BY team_id, user_id");
        await Add("SELECT r.* FROM releases r JOIN projects p ON p.id = r.project_id WHERE p.organization_id = @org ORDER BY r.id");
        await Add("SELECT g.* FROM grants g JOIN releases r ON r.id = g.release_id JOIN projects p ON p.id = r.project_id WHERE p.organization_id = @org ORDER BY g.id");
        await Add("SELECT c.* FROM dataset_cards c JOIN projects p ON p.id = c.project_id WHERE p.organization_id = @org ORDER BY c.project_id");
        await Add("SELECT * FROM courses WHERE organization_id = @org ORDER BY id");
        await Add("SELECT l.* FROM lessons l JOIN courses c ON c.id = l.course_id WHERE c.organization_id = @org ORDER BY l.id");
        await Add("SELECT * FROM training_tasks WHERE organization_id = @org ORDER BY id");
        await Add("SELECT * FROM exams WHERE organization_id = @org ORDER BY id");
        await Add("SELECT x.* FROM exam_pool x JOIN exams e ON e.id = x.exam_id WHERE e.organization_id = @org ORDER BY x.exam_id, x.training_task_id");
        await Add("SELECT a.* FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE e.organization_id = @org ORDER BY a.id");
        await Add("SELECT q.* FROM exam_questions q JOIN exam_attempts a ON a.id = q.attempt_id JOIN exams e ON e.id = a.exam_id WHERE e.organization_id = @org ORDER BY q.attempt_id, q.position");
        await Add("SELECT * FROM compute_pools WHERE organization_id = @org ORDER BY id");
        await Add("SELECT h.* FROM power_hours h JOIN compute_pools c ON c.id = h.pool_id WHERE c.organization_id = @org ORDER BY h.pool_id, h.hour_at");
        await Add("SELECT j.* FROM prediction_jobs j JOIN projects p ON p.id = j.project_id WHERE p.organization_id = @org ORDER BY j.id");
        var blobs = Path.Combine(fx.DataDir, "blobs", "media", a.Project.ToString(System.Globalization.CultureInfo.InvariantCulture));
        parts.AddRange(Directory.Exists(blobs) ? Directory.GetFiles(blobs).Order(StringComparer.Ordinal) : []);
        return string.Join("\n", parts);
    }

    [Fact]
    public async Task AnotherOrganisationsUserGetsNotFoundForEveryResourceAndChangesNothing()
    {
        var (a, admin, token) = await OrganisationAAsync();
        var orgB = await fx.NewOrgAsync();
        var intruder = await orgB.PersonAsync(Everything);
        await TestData.ProjectAsync(intruder, orgB.Id); // B is a working organisation of its own
        var before = await SnapshotAsync(a);
        Assert.Contains("horse.png", before, StringComparison.Ordinal); // the snapshot sees A's data
        Assert.Contains("neu", before, StringComparison.Ordinal);

        foreach (var probe in Probes)
        {
            using var r = await intruder.Http.SendAsync(probe.Build(a));
            if (probe.Expect == Expect.Custom)
            {
                await probe.Check!(r, a);
                continue;
            }
            var problem = await r.ProblemAsync(HttpStatusCode.NotFound);
            // Nothing tells A's resources from ones that do not exist.
            using var absent = await intruder.Http.SendAsync(probe.Build(_missing));
            var absentProblem = await absent.ProblemAsync(HttpStatusCode.NotFound);
            Assert.True(problem.GetProperty("title").GetString() == absentProblem.GetProperty("title").GetString(),
                $"{probe.Route}: '{problem.GetProperty("title")}' for A's resource, '{absentProblem.GetProperty("title")}' for a missing one");
        }

        Assert.Equal(before, await SnapshotAsync(a));
        // A's people and token still work.
        using var check = new HttpClient { BaseAddress = new Uri(fx.Url + "/") };
        check.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(a.Project, (await check.GetOkAsync<ProjectView>($"api/projects/{a.Project}")).Id);
        Assert.Equal(3, (await admin.Http.GetOkAsync<TaskPage>($"api/projects/{a.Project}/tasks")).Items.Count);
    }

    [Fact]
    public async Task RequestsWithoutValidCredentialsGetUnauthorizedEverywhereButThePublicRoutes()
    {
        var (a, _, _) = await OrganisationAAsync();
        var before = await SnapshotAsync(a);
        using var anonymous = fx.Client();
        using var forged = fx.Client("yz_" + new string('A', 43));
        foreach (var probe in Probes)
        {
            foreach (var client in new[] { anonymous, forged })
            {
                using var r = await client.SendAsync(probe.Build(a));
                Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{probe.Route}: {(int)r.StatusCode} without valid credentials");
            }
        }
        Assert.Equal(before, await SnapshotAsync(a));
        using var health = await anonymous.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var openapi = await anonymous.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openapi.StatusCode);
    }

    [Fact]
    public async Task UnauthorizedAnswerIsAProblemDocument()
    {
        using var anonymous = fx.Client();
        using var r = await anonymous.GetAsync("api/me");
        var problem = await r.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }
}

public sealed class SqliteTenancyTests(SqliteFixture fx) : TenancyTests<SqliteFixture>(fx);

public sealed class PostgresTenancyTests(PostgresFixture fx) : TenancyTests<PostgresFixture>(fx);
