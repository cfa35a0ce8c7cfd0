using System.Text;

namespace Yunzhong.Server.Tests.Permissions;

/// <summary>
/// Who may call what: for every route the server maps, the status each kind of caller gets, in one
/// table. The table must name every mapped route (a new endpoint without its row fails the suite)
/// and no route that is gone. Organisation A is built once per engine with one of everything; a
/// request that changes something aims at the caller's own lease, annotation or throw-away project
/// where it is expected to succeed, so the rows do not depend on each other's order.
/// </summary>
public abstract class RoleMatrixTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    /// <summary>The callers, in the order of a row's statuses. Removed: an annotator taken out of A after
    /// leasing tasks. Outsider: holds every role in another organisation. Revoked: a revoked API token and
    /// a browser session cookie after log-out (each must get the status).</summary>
    internal enum Caller { Admin, Manager, Annotator, Reviewer, Trainer, Removed, Outsider, Anonymous, Revoked }

    private static readonly Caller[] _callers = Enum.GetValues<Caller>();

    internal sealed record Row(string Statuses, string Route, Func<Scene, Caller, HttpRequestMessage> Build)
    {
        public int Expected(Caller c) => int.Parse(Statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries)[(int)c], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HttpRequestMessage Req(HttpMethod method, string path, object? body = null) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body, options: HttpJson.Options) };

    private static HttpRequestMessage Get(string path) => Req(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, object? body = null) => Req(HttpMethod.Post, path, body);

    private static readonly object _pos = new { label = new[] { "pos" } };

    private static readonly object _card = new { titleEn = "Reviews", titleZh = "评论", modality = "text", licence = "CC-BY-4.0", visibility = "park" };

    // Statuses per caller:  admin manager annotator reviewer trainer removed outsider anonymous revoked
    /// <summary>Also what <c>OpenApiTests</c> holds the document's declared answers against.</summary>
    internal static readonly Row[] Table =
    [
        // Public.
        new("200 200 200 200 200 200 200 200 200", "GET /healthz", (_, _) => Get("healthz")),
        new("200 200 200 200 200 200 200 200 200", "GET /readyz", (_, _) => Get("readyz")),
        new("200 200 200 200 200 200 200 200 200", "GET /openapi/{documentName}.json", (_, _) => Get("openapi/v1.json")),
        new("200 200 200 200 200 200 200 200 200", "POST /api/auth/login", (s, _) => Post("api/auth/login", new { email = s.LoginEmail, password = Password })),
        new("204 204 204 204 204 204 204 204 204", "POST /api/auth/logout", (_, _) => Post("api/auth/logout")),

        // The caller's own account: anyone signed in.
        new("200 200 200 200 200 200 200 401 401", "GET /api/me", (_, _) => Get("api/me")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/tokens", (_, _) => Get("api/tokens")),
        new("200 200 200 200 200 200 200 401 401", "POST /api/tokens", (_, _) => Post("api/tokens", new { name = "matrix" })),
        new("204 404 404 404 404 404 404 401 401", "DELETE /api/tokens/{id:long}", (s, _) => Req(HttpMethod.Delete, $"api/tokens/{s.AdminsSpareToken}")),
        new("200 200 200 200 200 200 200 401 401", "POST /api/schemas/check", (_, _) => Post("api/schemas/check", new { schema = TestData.ChoiceSchema })),

        // Organisations: admins change who belongs, managers see the list; only the park operator's admins open one.
        new("200 200 200 200 200 200 200 401 401", "GET /api/organizations/", (_, _) => Get("api/organizations")),
        new("403 403 403 403 403 403 403 401 401", "POST /api/organizations/", (_, _) => Post("api/organizations", new { name = "matrix", kind = "client" })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/members", (s, _) => Get($"api/organizations/{s.Org}/members")),
        new("200 403 403 403 403 404 404 401 401", "POST /api/organizations/{organizationId:long}/members",
            (s, _) => Post($"api/organizations/{s.Org}/members", new { email = $"new-{Guid.NewGuid():N}@a.test", password = Password, roles = new[] { "annotator" } })),
        new("204 403 403 403 403 404 404 401 401", "DELETE /api/organizations/{organizationId:long}/members/{userId:long}",
            (s, _) => Req(HttpMethod.Delete, $"api/organizations/{s.Org}/members/{s.Spare}")),

        // The audit trail: an organisation's admins read its entries; the whole trail is the park operator's.
        new("200 403 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/audit", (s, _) => Get($"api/organizations/{s.Org}/audit")),
        new("403 403 403 403 403 403 403 401 401", "GET /api/audit", (_, _) => Get("api/audit")),
        new("403 403 403 403 403 403 403 401 401", "GET /api/audit/verify", (_, _) => Get("api/audit/verify")),

        // Releases: the project's admins and managers make, read and link them; a link works for the one it was made for.
        new("200 200 200 200 200 200 200 200 200", "GET /api/keys", (_, _) => Get("api/keys")),
        new("202 202 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/releases",
            (s, _) => Post($"api/projects/{s.ReleaseProject}/releases", new { formats = new[] { "jsonl" }, licence = "CC-BY-4.0" })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/releases", (s, _) => Get($"api/projects/{s.ReleaseProject}/releases")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/release-jobs", (s, _) => Get($"api/projects/{s.ReleaseProject}/release-jobs")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/release-jobs/{jobId:long}", (s, _) => Get($"api/release-jobs/{s.ReleaseJob}")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/releases/{releaseId:long}", (s, _) => Get($"api/releases/{s.Release}")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/releases/{releaseId:long}/diff", (s, _) => Get($"api/releases/{s.Release}/diff?from={s.Release}")),
        new("200 200 403 403 403 404 404 401 401", "POST /api/releases/{releaseId:long}/links", (s, _) => Post($"api/releases/{s.Release}/links")),
        new("200 403 403 403 403 403 403 401 401", "GET /api/links/{token}/{**path}", (s, _) => Get($"{s.AdminsLink.TrimStart('/')}/annotations.jsonl")),
        // Grants: another organisation's admins and managers ask; the owner's decide (a request from A itself is refused by name).
        new("400 400 403 403 403 404 201 401 401", "POST /api/releases/{releaseId:long}/grants",
            (s, c) => Post($"api/releases/{s.Release}/grants", new { organizationId = c == Caller.Outsider ? s.OutsiderOrg : s.Org, purpose = "评测", days = 5, formats = new[] { "jsonl" } })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/grants", (s, _) => Get($"api/organizations/{s.Org}/grants")),
        new("400 400 403 403 403 404 404 401 401", "POST /api/grants/{grantId:long}/decision", (s, _) => Post($"api/grants/{s.Grant}/decision", new { })),
        new("409 409 403 403 403 404 404 401 401", "POST /api/grants/{grantId:long}/revoke", (s, _) => Post($"api/grants/{s.Grant}/revoke", new { })),
        // The catalogue: cards are published by the project's admins and managers; a park-wide card is seen by anyone signed in.
        new("200 200 403 403 403 404 404 401 401", "PUT /api/projects/{projectId:long}/card", (s, _) => Req(HttpMethod.Put, $"api/projects/{s.ReleaseProject}/card", _card)),
        new("200 200 200 200 200 200 200 200 200", "GET /api/catalogue", (_, _) => Get("api/catalogue")),
        new("200 200 200 200 200 200 200 404 404", "GET /api/catalogue/{projectId:long}", (s, _) => Get($"api/catalogue/{s.ReleaseProject}")),

        // Projects: every member sees them; admins and managers make and change them.
        new("200 200 200 200 200 200 200 401 401", "GET /api/projects", (s, _) => Get($"api/projects?organization={s.Org}")),
        new("201 201 403 403 403 404 404 401 401", "POST /api/projects",
            (s, _) => Post("api/projects", new { organizationId = s.Org, name = "matrix", schema = TestData.ChoiceSchema })),
        new("200 200 200 200 200 404 404 401 401", "GET /api/projects/{projectId:long}", (s, _) => Get($"api/projects/{s.Project}")),
        new("200 200 403 403 403 404 404 401 401", "PATCH /api/projects/{projectId:long}", (s, _) => Req(HttpMethod.Patch, $"api/projects/{s.Project}", new { instructions = "read twice" })),
        new("204 204 403 403 403 404 404 401 401", "DELETE /api/projects/{projectId:long}", (s, c) => Req(HttpMethod.Delete, $"api/projects/{s.Disposable(c)}")),
        new("200 200 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/imports",
            (s, _) => new(HttpMethod.Post, $"api/projects/{s.Project}/imports?format=jsonl&again=true")
            {
                Content = new StringContent("{\"data\":{\"text\":\"再来一条\"}}\n", Encoding.UTF8, "application/x-ndjson"),
            }),

        // Media: annotators need the files of their tasks.
        new("200 200 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/media/", (s, _) => Upload(s.Project)),
        new("200 200 200 200 200 404 404 401 401", "GET /api/projects/{projectId:long}/media/", (s, _) => Get($"api/projects/{s.Project}/media")),
        new("200 200 200 200 200 404 404 401 401", "GET /api/projects/{projectId:long}/media/{**name}", (s, _) => Get($"api/projects/{s.Project}/media/horse.png")),
        new("200 200 200 200 200 404 404 401 401", "HEAD /api/projects/{projectId:long}/media/{**name}", (s, _) => Req(HttpMethod.Head, $"api/projects/{s.Project}/media/horse.png")),
        // Scrub proxies, read as the video is: horse.png has none (200, status none); A's scene has no video, so a
        // chunk is 404 for everyone here and ScrubProxyTests reads one as an annotator.
        new("200 200 200 200 200 404 404 401 401", "GET /api/projects/{projectId:long}/scrub/", (s, _) => Get($"api/projects/{s.Project}/scrub?name=horse.png")),
        new("404 404 404 404 404 404 404 401 401", "GET /api/projects/{projectId:long}/scrub/{key}/{chunk:int}",
            (s, _) => Get($"api/projects/{s.Project}/scrub/{new string('a', 32)}/0")),
        new("404 404 404 404 404 404 404 401 401", "GET /api/projects/{projectId:long}/scrub/{key}/storyboard",
            (s, _) => Get($"api/projects/{s.Project}/scrub/{new string('a', 32)}/storyboard")),

        // Tasks: everyone's work for managers and reviewers; an annotator's list holds their own tasks only.
        new("200 200 200 200 403 404 404 401 401", "GET /api/projects/{projectId:long}/tasks", (s, _) => Get($"api/projects/{s.Project}/tasks")),
        new("200 200 200 200 403 404 404 401 401", "GET /api/projects/{projectId:long}/tasks/count", (s, _) => Get($"api/projects/{s.Project}/tasks/count")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/imports", (s, _) => Get($"api/projects/{s.Project}/imports")),
        // Past the gate, the text project has no image field for the file: 400 shows the role was let in.
        new("400 400 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/imports/media",
            (s, _) => Post($"api/projects/{s.Project}/imports/media", new { names = new[] { "horse.png" } })),
        new("200 200 200 200 403 404 404 401 401", "GET /api/tasks/{taskId:long}", (s, _) => Get($"api/tasks/{s.AnnotatedTask}")),
        new("200 200 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/tasks/bulk",
            (s, _) => Post($"api/projects/{s.Project}/tasks/bulk", new { ids = new[] { s.AnnotatedTask }, action = "priority", priority = 1 })),

        // The queue: annotating roles, on their own leases only; the removed annotator's leases are dead.
        new("200 200 200 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/queue/next", (s, _) => Post($"api/projects/{s.Project}/queue/next")),
        new("200 200 200 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/history", (s, _) => Get($"api/projects/{s.Project}/history")),
        // Amending: one's own unreviewed answer only; anyone else's (the annotator's, for those with none) is not there.
        new("200 200 200 404 404 404 404 401 401", "PUT /api/annotations/{annotationId:long}",
            (s, c) => Req(HttpMethod.Put, $"api/annotations/{s.ToAmend(c)}", new { result = _pos })),
        new("200 200 200 404 404 404 404 401 401", "POST /api/assignments/{assignmentId:long}/submit", (s, c) => Post($"api/assignments/{s.Lease(c, 0)}/submit", new { result = _pos })),
        new("204 204 204 404 404 404 404 401 401", "POST /api/assignments/{assignmentId:long}/skip", (s, c) => Post($"api/assignments/{s.Lease(c, 1)}/skip")),
        new("204 204 204 404 404 404 404 401 401", "POST /api/assignments/{assignmentId:long}/release", (s, c) => Post($"api/assignments/{s.Lease(c, 2)}/release")),
        new("204 204 204 404 404 404 404 401 401", "PUT /api/assignments/{assignmentId:long}/draft",
            (s, c) => Req(HttpMethod.Put, $"api/assignments/{s.Lease(c, 3)}/draft", new { result = _pos })),

        // Review: reviewing roles, never one's own work.
        new("200 200 403 200 403 404 404 401 401", "POST /api/projects/{projectId:long}/review/next", (s, _) => Post($"api/projects/{s.Project}/review/next")),
        new("200 200 403 200 403 404 404 401 401", "POST /api/annotations/{annotationId:long}/review",
            (s, c) => Post($"api/annotations/{s.ToReview(c)}/review", new { action = "accept" })),

        // Exports hold every annotator's answers: admins and managers only.
        new("202 202 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/exports", (s, _) => Post($"api/projects/{s.Project}/exports", new { format = "jsonl" })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/exports", (s, _) => Get($"api/projects/{s.Project}/exports")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/exports/{exportId:long}", (s, _) => Get($"api/exports/{s.Export}")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/exports/{exportId:long}/download", (s, _) => Get($"api/exports/{s.Export}/download")),

        // Figures about everyone's work: managers and reviewers.
        new("200 200 403 200 403 404 404 401 401", "GET /api/projects/{projectId:long}/stats", (s, _) => Get($"api/projects/{s.Project}/stats")),
        new("200 200 403 200 403 404 404 401 401", "GET /api/projects/{projectId:long}/quality/annotators", (s, _) => Get($"api/projects/{s.Project}/quality/annotators")),
        new("200 200 403 200 403 404 404 401 401", "GET /api/projects/{projectId:long}/quality/agreement",
            (s, _) => Get($"api/projects/{s.Project}/quality/agreement?taskId={s.AnnotatedTask}")),
        new("200 200 403 200 403 404 404 401 401", "POST /api/projects/{projectId:long}/quality/aggregate",
            (s, _) => Post($"api/projects/{s.Project}/quality/aggregate", new { method = "mv" })),
        // Learning: predictions from elsewhere, the queue's uncertainty measure, the loop and the model server: admins and managers.
        new("400 400 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/predictions",
            (s, _) => Post($"api/projects/{s.Project}/predictions", new { modelVersion = "m", predictions = Array.Empty<object>() })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/learning/", (s, _) => Get($"api/projects/{s.Project}/learning")),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/projects/{projectId:long}/learning/", (s, _) => Req(HttpMethod.Put, $"api/projects/{s.Project}/learning", new { })),
        new("409 409 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/learning/run", (s, _) => Post($"api/projects/{s.Project}/learning/run")),
        new("400 400 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/learning/backend/health",
            (s, _) => Post($"api/projects/{s.Project}/learning/backend/health", new { })),
        new("400 400 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/learning/backend/predict",
            (s, _) => Post($"api/projects/{s.Project}/learning/backend/predict", new { })),
        // The park. A is a vendor here: it works client K's project under contract VendorContract, and offers
        // its own project to vendor V under ClientContract. Only the two parties' admins and managers see a
        // contract; the client changes terms, the vendor's admin answers offers, its managers staff them.
        new("200 200 200 200 200 200 200 401 401", "GET /api/contracts/", (_, _) => Get("api/contracts")),
        new("201 201 403 403 403 404 404 401 401", "POST /api/contracts/", (s, _) => Post("api/contracts",
            new { projectId = s.Project, vendorOrganizationId = s.OtherVendor, quota = 5, unitPrice = "0.2", deadline = DateTimeOffset.UtcNow.AddDays(9) })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/contracts/{contractId:long}", (s, _) => Get($"api/contracts/{s.VendorContract}")),
        new("200 200 403 403 403 404 404 401 401", "PATCH /api/contracts/{contractId:long}",
            (s, _) => Req(HttpMethod.Patch, $"api/contracts/{s.ClientContract}", new { unitPrice = "0.25" })),
        // A vendor cannot start the work (409 for its admin, who may act on the contract otherwise).
        new("409 403 403 403 403 404 404 401 401", "POST /api/contracts/{contractId:long}/transition",
            (s, _) => Post($"api/contracts/{s.VendorContract}/transition", new { @event = "activate" })),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/contracts/{contractId:long}/staff",
            (s, _) => Req(HttpMethod.Put, $"api/contracts/{s.VendorContract}/staff", new { userIds = new[] { s.AnnotatorId }, teamIds = new[] { s.Team } })),
        new("200 200 200 200 200 200 200 401 401", "GET /api/park/counties", (_, _) => Get("api/park/counties")),
        // The park's directory: vendors' names and counties for whoever offers a contract; the teams the caller leads.
        new("200 200 200 200 200 200 200 401 401", "GET /api/park/vendors", (_, _) => Get("api/park/vendors")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/me/teams", (_, _) => Get("api/me/teams")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/sites", (s, _) => Get($"api/organizations/{s.Org}/sites")),
        new("201 403 403 403 403 404 404 401 401", "POST /api/organizations/{organizationId:long}/sites",
            (s, _) => Post($"api/organizations/{s.Org}/sites", new { name = "浑源职场", countyCode = "140225", seats = 12 })),
        new("200 403 403 403 403 404 404 401 401", "PUT /api/sites/{siteId:long}",
            (s, _) => Req(HttpMethod.Put, $"api/sites/{s.Site}", new { name = "平城职场", countyCode = "140213", seats = 40, opens = "00:00", closes = "23:59" })),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/sites/{siteId:long}/people",
            (s, _) => Req(HttpMethod.Put, $"api/sites/{s.Site}/people", new { userIds = new[] { s.AnnotatorId } })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/teams", (s, _) => Get($"api/organizations/{s.Org}/teams")),
        new("201 201 403 403 403 404 404 401 401", "POST /api/organizations/{organizationId:long}/teams",
            (s, _) => Post($"api/organizations/{s.Org}/teams", new { name = "二组", leadUserId = s.ReviewerId, memberIds = new[] { s.AnnotatorId } })),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/teams/{teamId:long}",
            (s, _) => Req(HttpMethod.Put, $"api/teams/{s.Team}", new { name = "一组", leadUserId = s.ReviewerId, memberIds = new[] { s.AnnotatorId } })),
        // The team's lead (the reviewer here) sees its work, as do the vendor's admins and managers.
        new("200 200 403 200 403 404 404 401 401", "GET /api/teams/{teamId:long}/work", (s, _) => Get($"api/teams/{s.Team}/work")),
        // Pay is the vendor's own: its admins and managers set and see rates and statements; only its admins close a month.
        new("200 200 403 403 403 404 404 401 401", "GET /api/contracts/{contractId:long}/pay-rates", (s, _) => Get($"api/contracts/{s.VendorContract}/pay-rates")),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/contracts/{contractId:long}/pay-rates",
            (s, _) => Req(HttpMethod.Put, $"api/contracts/{s.VendorContract}/pay-rates", new { rates = new[] { new { rate = "0.02" } } })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/statements/{month}", (s, _) => Get($"api/organizations/{s.Org}/statements/2020-01")),
        new("200 403 403 403 403 404 404 401 401", "POST /api/organizations/{organizationId:long}/statements/{month}/close",
            (s, _) => Post($"api/organizations/{s.Org}/statements/2020-01/close")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/park/dashboard", (s, _) => Get($"api/park/dashboard?vendor={s.Org}")),
        // Productivity, retention and people per county: a vendor's admins and managers (the operator's see the whole park).
        new("200 200 403 403 403 404 404 401 401", "GET /api/park/productivity", (s, _) => Get($"api/park/productivity?vendor={s.Org}")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/park/retention", (s, _) => Get($"api/park/retention?vendor={s.Org}")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/park/employment", (s, _) => Get($"api/park/employment?vendor={s.Org}")),
        // The client's admins and managers see their vendors' progress and quality on a project.
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/vendor-progress", (s, _) => Get($"api/projects/{s.Project}/vendor-progress")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/me/statements/{month}", (_, _) => Get("api/me/statements/2020-01")),

        // Training: every member takes the organisation's courses and exams; its trainers, admins and managers write them
        // and read the figures; an attempt is its taker's alone (anyone else's is not there).
        new("200 200 200 200 200 404 404 401 401", "GET /api/organizations/{organizationId:long}/courses", (s, _) => Get($"api/organizations/{s.Org}/courses")),
        new("201 201 403 403 201 404 404 401 401", "POST /api/organizations/{organizationId:long}/courses",
            (s, _) => Post($"api/organizations/{s.Org}/courses", new { title = "标注入门", skillId = s.TrainingSkill })),
        new("200 200 200 200 200 404 404 401 401", "GET /api/courses/{courseId:long}", (s, _) => Get($"api/courses/{s.Course}")),
        new("200 200 403 403 200 404 404 401 401", "PUT /api/courses/{courseId:long}", (s, _) => Req(HttpMethod.Put, $"api/courses/{s.Course}", new { title = "标注入门（修订）" })),
        new("201 201 403 403 201 404 404 401 401", "POST /api/courses/{courseId:long}/images/",
            (s, _) => new(HttpMethod.Post, $"api/courses/{s.Course}/images") { Content = Training.TrainingScene.ImageForm(Api.DemoFile("photos/media/horse.png"), "horse.png") }),
        new("200 200 200 200 200 404 404 401 401", "GET /api/courses/{courseId:long}/images/{imageId:long}", (s, _) => Get($"api/courses/{s.Course}/images/{s.CourseImage}")),
        new("201 201 403 403 201 404 404 401 401", "POST /api/courses/{courseId:long}/lessons",
            (s, _) => Post($"api/courses/{s.Course}/lessons", new { title = "第二课", body = "**要点**", practiceTaskIds = s.GoldTasks })),
        new("200 200 200 200 200 404 404 401 401", "GET /api/lessons/{lessonId:long}", (s, _) => Get($"api/lessons/{s.Lesson}")),
        new("200 200 403 403 200 404 404 401 401", "PUT /api/lessons/{lessonId:long}",
            (s, _) => Req(HttpMethod.Put, $"api/lessons/{s.Lesson}", new { title = "第一课", body = "正文", practiceTaskIds = s.GoldTasks })),
        new("200 200 200 200 200 404 404 401 401", "POST /api/practice/{practiceId:long}/check", (s, _) => Post($"api/practice/{s.Practice}/check", new { result = _pos })),
        new("200 200 403 403 200 404 404 401 401", "GET /api/organizations/{organizationId:long}/gold-tasks", (s, _) => Get($"api/organizations/{s.Org}/gold-tasks")),
        new("200 200 200 200 200 404 404 401 401", "GET /api/organizations/{organizationId:long}/exams", (s, _) => Get($"api/organizations/{s.Org}/exams")),
        new("201 201 403 403 201 404 404 401 401", "POST /api/organizations/{organizationId:long}/exams",
            (s, _) => Post($"api/organizations/{s.Org}/exams", Training.TrainingScene.Exam(s.TrainingSkill, s.GoldTasks, questions: 1))),
        new("200 200 403 403 200 404 404 401 401", "GET /api/exams/{examId:long}", (s, _) => Get($"api/exams/{s.Exam}")),
        new("200 200 403 403 200 404 404 401 401", "PUT /api/exams/{examId:long}",
            (s, _) => Req(HttpMethod.Put, $"api/exams/{s.Exam}", Training.TrainingScene.Exam(s.TrainingSkill, s.GoldTasks, questions: 2))),
        new("200 200 403 403 200 404 404 401 401", "GET /api/organizations/{organizationId:long}/exam-figures", (s, _) => Get($"api/organizations/{s.Org}/exam-figures")),
        new("201 201 201 201 201 404 404 401 401", "POST /api/exams/{examId:long}/attempts", (s, _) => Post($"api/exams/{s.StartExam}/attempts")),
        new("200 200 200 200 200 404 404 401 401", "GET /api/attempts/{attemptId:long}", (s, c) => Get($"api/attempts/{s.Attempt(c)}")),
        new("200 200 200 200 200 404 404 401 401", "POST /api/attempts/{attemptId:long}/answers",
            (s, c) => Post($"api/attempts/{s.Attempt(c)}/answers", new { position = 1, result = _pos })),
        new("200 200 200 200 200 404 404 401 401", "POST /api/attempts/{attemptId:long}/finish", (s, c) => Post($"api/attempts/{s.Attempt(c)}/finish")),
        // The workforce: the park operator keeps the catalogue (nobody here is the operator's); an organisation's
        // admins and trainers certify its people; its admins, managers and trainers see their certificates.
        new("200 200 200 200 200 200 200 401 401", "GET /api/skills/", (_, _) => Get("api/skills")),
        new("403 403 403 403 403 403 403 401 401", "POST /api/skills/", (_, _) => Post("api/skills", new { code = "matrix", nameEn = "m", nameZh = "m", maxLevel = 1 })),
        new("403 403 403 403 403 403 403 401 401", "PUT /api/skills/{skillId:long}",
            (s, _) => Req(HttpMethod.Put, $"api/skills/{s.Skill}", new { code = "matrix", nameEn = "m", nameZh = "m", maxLevel = 1 })),
        new("403 403 403 403 403 403 403 401 401", "DELETE /api/skills/{skillId:long}", (s, _) => Req(HttpMethod.Delete, $"api/skills/{s.Skill}")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/me/certificates", (_, _) => Get("api/me/certificates")),
        new("200 200 403 403 200 404 404 401 401", "GET /api/organizations/{organizationId:long}/certificates", (s, _) => Get($"api/organizations/{s.Org}/certificates")),
        new("403 403 403 403 403 403 403 401 401", "GET /api/park/certificates", (_, _) => Get("api/park/certificates")),
        new("201 403 403 403 201 404 404 401 401", "POST /api/certificates",
            (s, _) => Post("api/certificates", new { userId = s.AnnotatorId, skillId = s.Skill, level = 1 })),
        // Each caller revokes a certificate of their own to revoke (the annotator's one otherwise).
        new("200 403 403 403 200 404 404 401 401", "POST /api/certificates/{certificateId:long}/revoke",
            (s, c) => Post($"api/certificates/{s.Certificates.GetValueOrDefault(c, s.Certificates[Caller.Annotator])}/revoke")),
        new("200 200 200 200 200 404 404 401 401", "GET /api/projects/{projectId:long}/skills", (s, _) => Get($"api/projects/{s.Project}/skills")),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/projects/{projectId:long}/skills",
            (s, _) => Req(HttpMethod.Put, $"api/projects/{s.Project}/skills", new { requirements = Array.Empty<object>(), routes = Array.Empty<object>() })),
        new("200 200 200 200 200 404 404 401 401", "GET /api/contracts/{contractId:long}/skills", (s, _) => Get($"api/contracts/{s.VendorContract}/skills")),
        new("200 200 403 403 403 404 404 401 401", "PUT /api/contracts/{contractId:long}/skills",
            (s, _) => Req(HttpMethod.Put, $"api/contracts/{s.ClientContract}/skills", new { requirements = new[] { new { skillId = s.Skill, minLevel = 1 } } })),
        // Demands are the client's: its admins and managers state, match and close them; anyone reads the job board.
        new("201 201 403 403 403 404 404 401 401", "POST /api/demands",
            (s, _) => Post("api/demands", new { clientOrganizationId = s.Org, title = "matrix", volume = 10, deadline = DateTimeOffset.UtcNow.AddDays(9), skills = new[] { new { skillId = s.Skill, minLevel = 1 } } })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/demands", (s, _) => Get($"api/organizations/{s.Org}/demands")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/demands/{demandId:long}/matches", (s, _) => Get($"api/demands/{s.Demand}/matches")),
        new("200 409 403 403 403 404 404 401 401", "POST /api/demands/{demandId:long}/close", (s, _) => Post($"api/demands/{s.Demand}/close")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/jobs", (_, _) => Get("api/jobs")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/park/workforce", (s, _) => Get($"api/park/workforce?vendor={s.Org}")),
        // Compute: the registry and runtime are the server's, for anyone signed in; an organisation's admins keep its pools and
        // their power profiles, its managers read them; a project's admins and managers run models over its tasks.
        new("200 200 200 200 200 200 200 401 401", "GET /api/models", (_, _) => Get("api/models")),
        new("200 200 200 200 200 200 200 401 401", "GET /api/compute/runtime", (_, _) => Get("api/compute/runtime")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/organizations/{organizationId:long}/pools", (s, _) => Get($"api/organizations/{s.Org}/pools")),
        new("201 403 403 403 403 404 404 401 401", "POST /api/organizations/{organizationId:long}/pools",
            (s, _) => Post($"api/organizations/{s.Org}/pools", new { name = "矩阵算力池", watts = 90 })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/pools/{poolId:long}", (s, _) => Get($"api/pools/{s.Pool}")),
        new("200 403 403 403 403 404 404 401 401", "PUT /api/pools/{poolId:long}/profile",
            (s, _) => Req(HttpMethod.Put, $"api/pools/{s.Pool}/profile", new { csv = "hour_utc,price_cny_per_kwh,green_share\n2026-12-05T00:00:00Z,0.3,0.5\n" })),
        new("202 202 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/predict-jobs",
            (s, _) => Post($"api/projects/{s.ModelProject}/predict-jobs", new { modelId = s.OcrModel })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/predict-jobs", (s, _) => Get($"api/projects/{s.ModelProject}/predict-jobs")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/predict-jobs/{jobId:long}", (s, _) => Get($"api/predict-jobs/{s.PredictJob}")),
        // The scene's job has ended: those who may cancel it are told so.
        new("409 409 403 403 403 404 404 401 401", "POST /api/predict-jobs/{jobId:long}/cancel", (s, _) => Post($"api/predict-jobs/{s.PredictJob}/cancel")),
        // Webhooks (switched off, so the scene's pings and redeliveries fail at once and send nothing).
        new("200 200 403 403 403 404 404 401 401", "GET /api/projects/{projectId:long}/webhooks/", (s, _) => Get($"api/projects/{s.Project}/webhooks")),
        new("400 400 403 403 403 404 404 401 401", "POST /api/projects/{projectId:long}/webhooks/", (s, _) => Post($"api/projects/{s.Project}/webhooks", new { })),
        new("200 200 403 403 403 404 404 401 401", "GET /api/webhooks/{webhookId:long}/", (s, _) => Get($"api/webhooks/{s.Webhook}")),
        new("200 200 403 403 403 404 404 401 401", "PATCH /api/webhooks/{webhookId:long}/", (s, _) => Req(HttpMethod.Patch, $"api/webhooks/{s.Webhook}", new { })),
        new("204 204 403 403 403 404 404 401 401", "DELETE /api/webhooks/{webhookId:long}/", (s, c) => Req(HttpMethod.Delete, $"api/webhooks/{s.Webhooks[c]}")),
        new("200 200 403 403 403 404 404 401 401", "POST /api/webhooks/{webhookId:long}/secret", (s, _) => Post($"api/webhooks/{s.Webhook}/secret")),
        new("202 202 403 403 403 404 404 401 401", "POST /api/webhooks/{webhookId:long}/ping", (s, _) => Post($"api/webhooks/{s.Webhook}/ping")),
        new("200 200 403 403 403 404 404 401 401", "GET /api/webhooks/{webhookId:long}/deliveries", (s, _) => Get($"api/webhooks/{s.Webhook}/deliveries")),
        new("202 202 403 403 403 404 404 401 401", "POST /api/webhook-deliveries/{deliveryId:long}/redeliver",
            (s, _) => Post($"api/webhook-deliveries/{s.WebhookDelivery}/redeliver")),
    ];

    private const string Password = "matrix-password-2026";

    private static HttpRequestMessage Upload(long project)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Api.DemoFile("photos/media/horse.png")), "files", $"horse-{Guid.NewGuid():N}.png");
        return new(HttpMethod.Post, $"api/projects/{project}/media") { Content = form };
    }

    /// <summary>Organisation A and the callers, with what each caller's requests aim at.</summary>
    internal sealed class Scene
    {
        public long Org { get; init; }
        public long Project { get; init; }
        public long AnnotatedTask { get; init; }
        public long Export { get; init; }
        public long AdminsSpareToken { get; init; }
        public long Spare { get; init; }
        public long AnnotatorId { get; init; }
        public long ReviewerId { get; init; }
        public long OtherVendor { get; init; }
        public long VendorContract { get; init; }
        public long ClientContract { get; init; }
        public long Site { get; init; }
        public long Team { get; init; }
        public long ReleaseProject { get; init; }
        public long Release { get; init; }
        public long ReleaseJob { get; init; }
        public long Grant { get; init; }
        public long OutsiderOrg { get; init; }
        public long Skill { get; init; }
        public long Demand { get; init; }
        public required Dictionary<Caller, long> Certificates { get; init; }
        public long Pool { get; init; }
        public long ModelProject { get; init; }
        public long OcrModel { get; init; }
        public long PredictJob { get; init; }
        /// <summary>The webhook the rows aim at, and one per caller for DELETE.</summary>
        public long Webhook { get; init; }
        public required Dictionary<Caller, long> Webhooks { get; init; }
        public long WebhookDelivery { get; init; }
        public string AdminsLink { get; init; } = "";
        public string LoginEmail { get; init; } = "";
        public required Dictionary<Caller, List<HttpClient>> Clients { get; init; }
        public required Dictionary<Caller, long[]> Leases { get; init; }
        public required Dictionary<Caller, long> Reviews { get; init; }
        public required Dictionary<Caller, long> Disposables { get; init; }
        public required Dictionary<Caller, long> Amendable { get; init; }
        public long TrainingSkill { get; init; }
        public long[] GoldTasks { get; init; } = [];
        public long Course { get; init; }
        public long CourseImage { get; init; }
        public long Lesson { get; init; }
        public long Practice { get; init; }
        public long Exam { get; init; }
        public long StartExam { get; init; }
        public required Dictionary<Caller, long> Attempts { get; init; }

        /// <summary>The caller's own exam attempt, or else the annotator's (which is not theirs).</summary>
        public long Attempt(Caller c) => Attempts.GetValueOrDefault(c, Attempts[Caller.Annotator]);

        /// <summary>The caller's own i-th lease, or else the annotator's (which is not theirs).</summary>
        public long Lease(Caller c, int i) => (Leases.GetValueOrDefault(c) ?? Leases[Caller.Annotator])[i];

        /// <summary>A pending annotation for the caller to judge (another's), one each, so that one
        /// caller's accept does not change what the next one finds.</summary>
        public long ToReview(Caller c) => Reviews.GetValueOrDefault(c, Reviews[Caller.Admin]);

        /// <summary>The caller's own unreviewed answer (in a project without review, so no reviewer holds it), or else the annotator's.</summary>
        public long ToAmend(Caller c) => Amendable.GetValueOrDefault(c, Amendable[Caller.Annotator]);

        /// <summary>A project of A's for the caller to delete: their own throw-away one where they may.</summary>
        public long Disposable(Caller c) => Disposables.GetValueOrDefault(c, Project);
    }

    private async Task<Scene> SceneAsync()
    {
        var org = await fx.NewOrgAsync("vendor");
        var admin = await org.PersonAsync(Roles.Admin, Password);
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var trainer = await org.PersonAsync(Roles.Trainer);
        var removed = await org.PersonAsync(Roles.Annotator);
        var spare = await org.PersonAsync(Roles.Annotator);
        var outsiderOrg = await fx.NewOrgAsync();
        var outsider = await outsiderOrg.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator | Roles.Reviewer | Roles.Trainer);

        // Four annotating callers with four leases each, on tasks the annotator answered first: overlap 4.
        var project = await TestData.ProjectAsync(admin, org.Id, overlap: 4, review: ReviewPolicy.All);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(8));
        await admin.Http.UploadOkAsync(project, ("horse.png", Api.DemoFile("photos/media/horse.png")));
        var answered = new List<(long Task, long Annotation)>();
        for (var i = 0; i < 3; i++)
        {
            answered.Add(await annotator.AnnotateAsync(project, _pos));
        }
        var leases = new Dictionary<Caller, long[]>();
        foreach (var (caller, p) in new[] { (Caller.Admin, admin), (Caller.Manager, manager), (Caller.Annotator, annotator), (Caller.Removed, removed) })
        {
            var held = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                var lease = await p.Http.PostOkAsync<NextResponse>($"api/projects/{project}/queue/next?exclude={string.Join(',', held)}", new { });
                held.Add(lease.AssignmentId);
            }
            leases[caller] = [.. held];
        }
        // Answers to amend, one per annotating caller, in a project nobody reviews.
        var plain = await TestData.ProjectAsync(admin, org.Id, overlap: 4);
        await TestData.ImportAsync(admin.Http, plain, TestData.Texts(1));
        var amendable = new Dictionary<Caller, long>();
        foreach (var (caller, p) in new[] { (Caller.Admin, admin), (Caller.Manager, manager), (Caller.Annotator, annotator), (Caller.Removed, removed) })
        {
            amendable[caller] = (await p.AnnotateAsync(plain, _pos)).Annotation;
        }
        // Training: a course with a practice task, an exam with an open attempt for each member (the removed one's made
        // before the removal), and a second exam for the callers to start one at.
        var trainingSkill = await Training.TrainingScene.SkillAsync(fx);
        var (_, gold, _) = await Training.TrainingScene.GoldProjectAsync(fx, admin, org.Id, 2);
        var course = await trainer.Http.PostOkAsync<Features.Training.CourseView>($"api/organizations/{org.Id}/courses", new { title = "入门" });
        var lesson = await trainer.Http.PostOkAsync<Features.Training.LessonView>($"api/courses/{course.Id}/lessons", new { title = "第一课", body = "正文", practiceTaskIds = gold });
        var courseImage = await Training.TrainingScene.ImageAsync(trainer, course.Id);
        var exam = await Training.TrainingScene.ExamAsync(trainer, org.Id, Training.TrainingScene.Exam(trainingSkill, gold));
        var startExam = await Training.TrainingScene.ExamAsync(trainer, org.Id, Training.TrainingScene.Exam(trainingSkill, gold));
        var attempts = new Dictionary<Caller, long>();
        foreach (var (caller, p) in new[] { (Caller.Admin, admin), (Caller.Manager, manager), (Caller.Annotator, annotator), (Caller.Reviewer, reviewer),
            (Caller.Trainer, trainer), (Caller.Removed, removed) })
        {
            attempts[caller] = (await p.Http.PostOkAsync<Features.Training.AttemptView>($"api/exams/{exam.Exam.Id}/attempts")).Id;
        }
        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{removed.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        var (export, _) = await admin.Http.ExportAsync(project, new { format = "jsonl" });
        var spareToken = await admin.Http.PostOkAsync<CreatedToken>("api/tokens", new { name = "spare" });
        var revokedToken = await admin.Http.PostOkAsync<CreatedToken>("api/tokens", new { name = "to revoke" });
        using (var r = await admin.Http.DeleteAsync($"api/tokens/{revokedToken.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        // The park: a client's offer to A, A's offer of its project to another vendor, a site and a team of A's.
        var client = await fx.NewOrgAsync("client");
        var clientAdmin = await client.PersonAsync(Roles.Admin);
        var clientProject = await TestData.ProjectAsync(clientAdmin, client.Id);
        var vendorContract = await clientAdmin.Http.PostOkAsync<ContractView>("api/contracts",
            new { projectId = clientProject, vendorOrganizationId = org.Id, quota = 10, unitPrice = "0.1", deadline = DateTimeOffset.UtcNow.AddDays(30) });
        var otherVendor = await fx.NewOrgAsync("vendor");
        var clientContract = await admin.Http.PostOkAsync<ContractView>("api/contracts",
            new { projectId = project, vendorOrganizationId = otherVendor.Id, quota = 10, unitPrice = "0.1", deadline = DateTimeOffset.UtcNow.AddDays(30) });
        var site = await admin.Http.PostOkAsync<SiteView>($"api/organizations/{org.Id}/sites", new { name = "平城职场", countyCode = "140213", seats = 30, opens = "00:00", closes = "23:59" });
        var team = await admin.Http.PostOkAsync<TeamView>($"api/organizations/{org.Id}/teams", new { name = "一组", leadUserId = reviewer.Id, memberIds = new[] { annotator.Id } });

        // A released project of A's on a park-wide card, a request for it from a third organisation, a link of the admin's.
        var releaseProject = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, releaseProject, TestData.Texts(2));
        await admin.AnnotateAsync(releaseProject, _pos);
        var releaseJob = await admin.Http.ReleaseJobAsync(releaseProject, new { formats = new[] { "jsonl" }, licence = "CC-BY-4.0" });
        var release = await admin.Http.GetOkAsync<Features.Releases.ReleaseView>($"api/releases/{releaseJob.ReleaseId}");
        using (var r = await admin.Http.PutAsJsonAsync($"api/projects/{releaseProject}/card", _card, HttpJson.Options))
        {
            await r.OkAsync<Features.Releases.CardView>("card");
        }
        var third = await fx.NewOrgAsync();
        var grant = await (await third.PersonAsync(Roles.Admin)).Http.PostOkAsync<Features.Releases.GrantView>($"api/releases/{release.Id}/grants",
            new { organizationId = third.Id, purpose = "评测", days = 5, formats = new[] { "jsonl" } });
        var link = await admin.Http.PostOkAsync<Features.Releases.LinkView>($"api/releases/{release.Id}/links");

        // A skill of the park's, and a certificate of the annotator's for each caller who may revoke one.
        var park = await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Manager);
        var skill = await park.Http.PostOkAsync<Features.Workforce.SkillView>("api/skills", new { code = $"matrix-{Guid.NewGuid():N}", nameEn = "m", nameZh = "m", maxLevel = 2 });
        var certificates = new Dictionary<Caller, long>();
        foreach (var (caller, p) in new[] { (Caller.Admin, admin), (Caller.Trainer, trainer), (Caller.Annotator, admin) })
        {
            certificates[caller] = (await p.Http.PostOkAsync<Features.Workforce.CertificateView>("api/certificates",
                new { userId = annotator.Id, skillId = skill.Id, level = 1 })).Id;
        }
        // Compute: a pool of A's, an image project with no tasks and an ended OCR job on it.
        var pool = await admin.Http.PostOkAsync<Features.Compute.PoolView>($"api/organizations/{org.Id}/pools", new { name = "A 的算力池" });
        var modelProject = await TestData.ProjectAsync(admin, org.Id, Compute.PredictJobTests<TFixture>.ImageSchema);
        var ocr = await Compute.PredictJobTests<TFixture>.ModelIdAsync(admin.Http, Features.Compute.ModelTask.TextInImages);
        var predictJob = await admin.Http.PostOkAsync<Features.Compute.PredictJobView>($"api/projects/{modelProject}/predict-jobs", new { modelId = ocr });
        await Compute.PredictJobTests<TFixture>.WaitAsync(admin.Http, predictJob.Id);

        var (webhook, webhookDelivery) = await Webhooks.WebhookRows.InsertAsync(fx, project, admin.Id);
        var webhooks = new Dictionary<Caller, long>();
        foreach (var caller in _callers)
        {
            webhooks[caller] = (await Webhooks.WebhookRows.InsertAsync(fx, project, admin.Id)).Webhook;
        }

        return new Scene
        {
            Webhook = webhook, Webhooks = webhooks, WebhookDelivery = webhookDelivery,
            Pool = pool.Id, ModelProject = modelProject, OcrModel = ocr, PredictJob = predictJob.Id,
            AnnotatorId = annotator.Id, ReviewerId = reviewer.Id, OtherVendor = otherVendor.Id, VendorContract = vendorContract.Id,
            ClientContract = clientContract.Id, Site = site.Id, Team = team.Id,
            Skill = skill.Id, Certificates = certificates,
            Demand = (await admin.Http.PostOkAsync<Features.Workforce.DemandView>("api/demands", new
            {
                clientOrganizationId = org.Id, title = "matrix", volume = 10, deadline = DateTimeOffset.UtcNow.AddDays(9), skills = new[] { new { skillId = skill.Id, minLevel = 1 } },
            })).Id,
            ReleaseProject = releaseProject, Release = release.Id, ReleaseJob = releaseJob.Id, Grant = grant.Id, OutsiderOrg = outsiderOrg.Id, AdminsLink = link.Url,
            Org = org.Id, Project = project, AnnotatedTask = answered[0].Task, Export = export.Id,
            AdminsSpareToken = spareToken.Id, Spare = spare.Id, LoginEmail = admin.Email,
            Leases = leases,
            Amendable = amendable,
            TrainingSkill = trainingSkill, GoldTasks = gold, Course = course.Id, CourseImage = courseImage.Id, Lesson = lesson.Id, Practice = lesson.Practice[0].Id, Exam = exam.Exam.Id,
            StartExam = startExam.Exam.Id, Attempts = attempts,
            Reviews = new() { [Caller.Admin] = answered[0].Annotation, [Caller.Manager] = answered[1].Annotation, [Caller.Reviewer] = answered[2].Annotation },
            Disposables = new()
            {
                [Caller.Admin] = await TestData.ProjectAsync(admin, org.Id),
                [Caller.Manager] = await TestData.ProjectAsync(manager, org.Id),
            },
            Clients = new()
            {
                [Caller.Admin] = [admin.Http], [Caller.Manager] = [manager.Http], [Caller.Annotator] = [annotator.Http],
                [Caller.Reviewer] = [reviewer.Http], [Caller.Trainer] = [trainer.Http], [Caller.Removed] = [removed.Http],
                [Caller.Outsider] = [outsider.Http], [Caller.Anonymous] = [fx.Client()],
                [Caller.Revoked] = [fx.Client(revokedToken.Token), await LoggedOutBrowserAsync(admin)],
            },
        };
    }

    /// <summary>A browser that still sends the session cookie it had before logging out.</summary>
    private async Task<HttpClient> LoggedOutBrowserAsync(Person p)
    {
        var jar = new CookieContainer();
        using (var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = jar }) { BaseAddress = new Uri(fx.Url + "/") })
        {
            await browser.PostOkAsync("api/auth/login", new { email = p.Email, password = Password });
            var cookie = jar.GetCookieHeader(browser.BaseAddress);
            Assert.Contains("yz_session", cookie, StringComparison.Ordinal);
            using var r = await browser.PostAsync("api/auth/logout", null);
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            var stale = fx.Client();
            stale.DefaultRequestHeaders.Add("Cookie", cookie);
            return stale;
        }
    }

    [Fact]
    public void EveryMappedRouteHasARowAndEveryRowAMappedRoute()
    {
        var mapped = MappedRoutes.Of(fx.Services);
        var rows = Table.Select(r => r.Route).ToList();
        var missing = mapped.Except(rows).ToList();
        Assert.True(missing.Count == 0, "routes with no row in the role matrix (say who may call them): " + string.Join(", ", missing));
        var gone = rows.Except(mapped).ToList();
        Assert.True(gone.Count == 0, "rows for routes the server no longer maps: " + string.Join(", ", gone));
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.All(Table, r => Assert.Equal(_callers.Length, r.Statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
    }

    [Fact]
    public async Task EveryCallerGetsItsStatusOnEveryRoute()
    {
        var scene = await SceneAsync();
        var wrong = new List<string>();
        foreach (var row in Table)
        {
            foreach (var caller in _callers)
            {
                foreach (var client in scene.Clients[caller])
                {
                    using var request = row.Build(scene, caller);
                    using var r = await client.SendAsync(request);
                    var expected = row.Expected(caller);
                    var body = await r.Content.ReadAsStringAsync();
                    if ((int)r.StatusCode != expected)
                    {
                        wrong.Add($"{row.Route} as {caller}: expected {expected}, got {(int)r.StatusCode} {Truncate(body)}");
                    }
                    else if (request.Method == HttpMethod.Head)
                    {
                        // A HEAD answer has headers only: its status is all there is to check.
                    }
                    else if (expected is 403 or 404 or 409 && r.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        wrong.Add($"{row.Route} as {caller}: {expected} without a problem document");
                    }
                    else if (expected >= 400 && Api.UncodedPart(JsonSerializer.Deserialize<JsonElement>(body)) is { } uncoded)
                    {
                        wrong.Add($"{row.Route} as {caller}: {Truncate(uncoded)}");
                    }
                }
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers differ from the role matrix:\n" + string.Join("\n", wrong));
    }

    private static string Truncate(string s) => s.Length <= 160 ? s : s[..160] + "…";
}

public sealed class SqliteRoleMatrixTests(SqliteFixture fx) : RoleMatrixTests<SqliteFixture>(fx);

public sealed class PostgresRoleMatrixTests(PostgresFixture fx) : RoleMatrixTests<PostgresFixture>(fx);
