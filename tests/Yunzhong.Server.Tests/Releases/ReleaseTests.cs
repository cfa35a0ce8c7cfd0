using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Releases;

namespace Yunzhong.Server.Tests.Releases;

/// <summary>Releases of projects, grants of access and the catalogue, on a real store, through the API.</summary>
public abstract class ReleaseTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };
    private static readonly object _neg = new { label = new[] { "neg" } };

    /// <summary>A client's admin with a project of 5 tasks, 3 of them answered (2 pos, 1 neg).</summary>
    private async Task<(Org Org, Person Admin, long Project)> AnsweredProjectAsync()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(5));
        await admin.AnnotateAsync(project, _pos);
        await admin.AnnotateAsync(project, _neg);
        await admin.AnnotateAsync(project, _pos);
        return (org, admin, project);
    }

    private static Task<ReleaseView> ReleaseAsync(Person p, long project, params string[] formats) =>
        p.Http.ReleaseOkAsync(project, new { formats, licence = "CC-BY-4.0" });

    /// <summary>Downloads a whole release through a fresh link into a new folder.</summary>
    internal static async Task<string> DownloadAsync(HttpClient http, long release)
    {
        var link = await http.PostOkAsync<LinkView>($"api/releases/{release}/links");
        var dir = Directory.CreateTempSubdirectory("yz-release-").FullName;
        foreach (var own in new[] { ReleaseFormat.StatementName, ReleaseFormat.SignatureName, ReleaseFormat.ManifestName })
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, own), await http.GetByteArrayAsync($"{link.Url.TrimStart('/')}/{own}"));
        }
        var (_, files) = ReleaseFormat.ReadManifest(await File.ReadAllBytesAsync(Path.Combine(dir, ReleaseFormat.ManifestName)));
        foreach (var f in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, f.Path))!);
            await File.WriteAllBytesAsync(Path.Combine(dir, f.Path), await http.GetByteArrayAsync($"{link.Url.TrimStart('/')}/{string.Join('/', f.Path.Split('/').Select(Uri.EscapeDataString))}"));
        }
        return dir;
    }

    private async Task<IReadOnlyList<PublicKey>> ParkKeysAsync()
    {
        var json = await fx.Client().GetStringAsync("api/keys"); // no sign-in needed
        return SignatureFile.ReadKeys(json);
    }

    [Fact]
    public async Task AReleaseOfAcceptedWorkIsNumberedSignedAndVerifiesWithThePublishedKey()
    {
        var (org, admin, project) = await AnsweredProjectAsync();
        var release = await ReleaseAsync(admin, project, "jsonl", "csv");
        Assert.Equal((1, 3L, 3L), (release.Number, release.Items, release.Annotations));
        Assert.Equal(["annotations.csv", "annotations.jsonl", "items.tsv"], release.Files.Select(f => f.Path));
        Assert.Equal(2, release.Labels!.Value.GetProperty("label").GetProperty("pos").GetInt64());
        Assert.Equal(1, release.Labels!.Value.GetProperty("label").GetProperty("neg").GetInt64());
        Assert.Equal(0, release.Labels!.Value.GetProperty("label").GetProperty("neu").GetInt64());
        Assert.Equal(project, release.Provenance!.Value.GetProperty("project").GetProperty("id").GetInt64());
        Assert.True(release.Quality!.Value.TryGetProperty("agreement", out _));
        Assert.All(release.Files, f => Assert.True(File.Exists(Path.Combine(fx.DataDir, "blobs", "sha256", f.Sha256[..2], f.Sha256[2..]))));

        var dir = await DownloadAsync(admin.Http, release.Id);
        try
        {
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, await ParkKeysAsync());
            Assert.True(check.Ok, string.Join("; ", check.Problems));
            Assert.Equal(release.MerkleRoot, check.Statement!.MerkleRoot);
            Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "annotations.jsonl")).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        var audit = await admin.Http.GetOkAsync<List<AuditEntryView>>($"api/organizations/{org.Id}/audit?limit=500");
        Assert.Contains(audit, e => e.Action == "release.create" && e.Subject == $"release:{release.Id}");
        Assert.Contains(audit, e => e.Action == "release.download" && e.Details.GetProperty("path").GetString() == "annotations.jsonl");
        Assert.Equal([release.Id], (await admin.Http.GetOkAsync<List<ReleaseView>>($"api/projects/{project}/releases")).Select(r => r.Id));
    }

    [Fact]
    public async Task ReleasesShareUnchangedFilesAndTheDiffNamesTheAddedItems()
    {
        var (_, admin, project) = await AnsweredProjectAsync();
        var first = await ReleaseAsync(admin, project, "jsonl");
        var same = await ReleaseAsync(admin, project, "jsonl");
        Assert.Equal(2, same.Number);
        Assert.Equal(first.Files.Select(f => f.Sha256), same.Files.Select(f => f.Sha256));
        Assert.Equal(first.MerkleRoot, same.MerkleRoot);

        var (task, _) = await admin.AnnotateAsync(project, _neg);
        var third = await ReleaseAsync(admin, project, "jsonl");
        Assert.Equal(3, third.Number);
        Assert.NotEqual(first.MerkleRoot, third.MerkleRoot);
        var diff = await admin.Http.GetOkAsync<ReleaseDiff>($"api/releases/{third.Id}/diff?from={first.Id}");
        Assert.Equal((1L, 0L, 0L, 3L), (diff.Added, diff.Removed, diff.Changed, diff.Unchanged));
        Assert.Equal([task], diff.AddedIds);
        var back = await admin.Http.GetOkAsync<ReleaseDiff>($"api/releases/{first.Id}/diff?from={third.Id}");
        Assert.Equal((0L, 1L), (back.Added, back.Removed));

        var other = await (await AnsweredProjectAsync()).Admin.Http.GetAsync($"api/releases/{third.Id}/diff?from={first.Id}");
        await other.ProblemAsync(HttpStatusCode.NotFound);
        var elsewhere = await AnsweredProjectAsync();
        var otherProject = await ReleaseAsync(elsewhere.Admin, elsewhere.Project, "jsonl");
        var invalid = await (await admin.Http.GetAsync($"api/releases/{third.Id}/diff?from={otherProject.Id}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["from"], invalid.ErrorKeys());
    }

    [Fact]
    public async Task AConsensusReleaseCarriesEachTasksConsensusInItsJsonLines()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var second = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id, overlap: 2);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(2));
        for (var i = 0; i < 2; i++)
        {
            await admin.AnnotateAsync(project, _pos);
            await second.AnnotateAsync(project, i == 0 ? _pos : _neg);
        }
        var release = await admin.Http.ReleaseOkAsync(project, new { source = "consensus", formats = new[] { "jsonl" }, licence = "CC-BY-4.0" });
        Assert.Equal((ReleaseSource.Consensus, 2L, 4L), (release.Source, release.Items, release.Annotations));
        var agreement = release.Quality!.Value.GetProperty("agreement")[0];
        Assert.Equal(2, agreement.GetProperty("tasks").GetInt64());
        var dir = await DownloadAsync(admin.Http, release.Id);
        try
        {
            var lines = File.ReadAllLines(Path.Combine(dir, "annotations.jsonl")).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
            Assert.Equal(2, lines.Count);
            Assert.All(lines, l => Assert.Equal(JsonValueKind.Object, l.GetProperty("consensus").ValueKind));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task BadReleaseRequestsAreRefusedNamingTheFieldAndLeaveNoRelease()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(3));

        async Task<JsonElement> RefusedAsync(object body)
        {
            using var r = await admin.Http.PostAsJsonAsync($"api/projects/{project}/releases", body, HttpJson.Options);
            return await r.ProblemAsync(HttpStatusCode.BadRequest);
        }
        var nothing = await RefusedAsync(new { formats = new[] { "jsonl" }, licence = "CC-BY-4.0" });
        Assert.Equal(["source"], nothing.ErrorKeys());
        Assert.Equal("release.nothing_accepted", nothing.GetProperty("fields").GetProperty("source")[0].GetProperty("code").GetString());
        Assert.Equal(["formats"], (await RefusedAsync(new { formats = new[] { "xml" }, licence = "CC-BY-4.0" })).ErrorKeys().Select(k => k.Split('/', '[', '.')[0].TrimStart('/')).Distinct());
        Assert.Equal(["formats"], (await RefusedAsync(new { licence = "CC-BY-4.0" })).ErrorKeys());
        Assert.Equal(["licence"], (await RefusedAsync(new { formats = new[] { "jsonl" } })).ErrorKeys());
        Assert.Equal(["formats"], (await RefusedAsync(new { source = "consensus", formats = new[] { "csv" }, licence = "x" })).ErrorKeys());
        Assert.Empty(await admin.Http.GetOkAsync<List<ReleaseView>>($"api/projects/{project}/releases"));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM releases WHERE project_id = @project", new { project }));

        var annotator = await org.PersonAsync(Roles.Annotator);
        await (await annotator.Http.PostAsJsonAsync($"api/projects/{project}/releases", new { formats = new[] { "jsonl" }, licence = "x" }, HttpJson.Options))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnotherOrganisationIsGrantedDownloadsWithItsOwnLinkAndIsRefusedOnceRevoked()
    {
        var (org, owner, project) = await AnsweredProjectAsync();
        var release = await ReleaseAsync(owner, project, "jsonl", "csv");
        await owner.Http.PutAsJsonAsync($"api/projects/{project}/card", new
        {
            titleEn = "Reviews", titleZh = "评论情感", descriptionEn = "", descriptionZh = "", modality = "text", licence = "CC-BY-4.0", visibility = "park",
        }, HttpJson.Options);
        var buyer = await fx.NewOrgAsync();
        var buyerAdmin = await buyer.PersonAsync(Roles.Admin);
        var colleague = await buyer.PersonAsync(Roles.Manager);

        // Nothing granted yet: the release is not theirs to read.
        await (await buyerAdmin.Http.PostAsync($"api/releases/{release.Id}/links", null)).ProblemAsync(HttpStatusCode.NotFound);
        var own = await (await owner.Http.PostAsJsonAsync($"api/releases/{release.Id}/grants",
            new { organizationId = org.Id, purpose = "训练", days = 30, formats = new[] { "jsonl" } }, HttpJson.Options)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("grant.own_organization", own.GetProperty("fields").GetProperty("organizationId")[0].GetProperty("code").GetString());
        var unknown = await (await buyerAdmin.Http.PostAsJsonAsync("api/releases/999999/grants",
            new { organizationId = buyer.Id, purpose = "训练", days = 30, formats = new[] { "jsonl" } }, HttpJson.Options)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("release.not_found", unknown.GetProperty("code").GetString());

        using var asked = await buyerAdmin.Http.PostAsJsonAsync($"api/releases/{release.Id}/grants",
            new { organizationId = buyer.Id, purpose = "训练客服模型", days = 30, formats = new[] { "jsonl" } }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await asked.ReadAsync<GrantView>();
        Assert.Equal(GrantStatus.Requested, request.Status);
        Assert.Contains(await owner.Http.GetOkAsync<List<GrantView>>($"api/organizations/{org.Id}/grants"), g => g.Id == request.Id);
        var granted = await owner.Http.PostOkAsync<GrantView>($"api/grants/{request.Id}/decision", new { grant = true });
        Assert.Equal(GrantStatus.Granted, granted.Status);
        Assert.True(granted.ExpiresAt > DateTimeOffset.UtcNow.AddDays(29));
        await (await owner.Http.PostAsJsonAsync($"api/grants/{request.Id}/decision", new { grant = false }, HttpJson.Options)).ProblemAsync(HttpStatusCode.Conflict);

        var link = await buyerAdmin.Http.PostOkAsync<LinkView>($"api/releases/{release.Id}/links");
        Assert.Equal(request.Id, link.GrantId);
        var jsonl = await buyerAdmin.Http.GetStringAsync($"{link.Url.TrimStart('/')}/annotations.jsonl");
        Assert.Equal(3, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var csv = await (await buyerAdmin.Http.GetAsync($"{link.Url.TrimStart('/')}/annotations.csv")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("grant.format_not_granted", csv.GetProperty("code").GetString());
        var notYours = await (await colleague.Http.GetAsync($"{link.Url.TrimStart('/')}/annotations.jsonl")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("link.not_yours", notYours.GetProperty("code").GetString());
        var forged = await (await buyerAdmin.Http.GetAsync($"{link.Url.TrimStart('/')[..^3]}AAA/annotations.jsonl")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("link.invalid", forged.GetProperty("code").GetString());

        await owner.Http.PostOkAsync<GrantView>($"api/grants/{request.Id}/revoke", new { reason = "合同终止" });
        var revoked = await (await buyerAdmin.Http.GetAsync($"{link.Url.TrimStart('/')}/annotations.jsonl")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("grant.revoked", revoked.GetProperty("code").GetString());
        var noLink = await (await buyerAdmin.Http.PostAsync($"api/releases/{release.Id}/links", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("grant.revoked", noLink.GetProperty("code").GetString());
        await (await owner.Http.PostAsJsonAsync($"api/grants/{request.Id}/revoke", new { }, HttpJson.Options)).ProblemAsync(HttpStatusCode.Conflict);

        var audit = await owner.Http.GetOkAsync<List<AuditEntryView>>($"api/organizations/{org.Id}/audit?limit=500");
        Assert.Equal(["grant.request", "grant.grant", "release.download", "grant.revoke"],
            audit.Where(e => e.Subject == $"grant:{request.Id}" || (e.Action == "release.download" && e.Details.GetProperty("grant").ValueKind == JsonValueKind.Number))
                .Select(e => e.Action));
        var operatorAdmin = await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Admin);
        Assert.True((await operatorAdmin.Http.GetOkAsync<AuditApi.AuditCheck>("api/audit/verify")).Ok);
    }

    [Fact]
    public async Task AnExpiredLinkAndAnExpiredGrantAnswer403WithTheirCodes()
    {
        var (_, owner, project) = await AnsweredProjectAsync();
        var release = await ReleaseAsync(owner, project, "jsonl");
        await owner.Http.PutAsJsonAsync($"api/projects/{project}/card", new
        {
            titleEn = "Reviews", titleZh = "评论", modality = "text", licence = "CC-BY-4.0", visibility = "public",
        }, HttpJson.Options);
        var buyer = await fx.NewOrgAsync();
        var buyerAdmin = await buyer.PersonAsync(Roles.Admin);
        var request = await buyerAdmin.Http.PostOkAsync<GrantView>($"api/releases/{release.Id}/grants",
            new { organizationId = buyer.Id, purpose = "评测", days = 1, formats = new[] { "jsonl" } });
        await owner.Http.PostOkAsync<GrantView>($"api/grants/{request.Id}/decision", new { grant = true });
        var link = await buyerAdmin.Http.PostOkAsync<LinkView>($"api/releases/{release.Id}/links");

        fx.Time.Advance(SignedLinks.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await (await buyerAdmin.Http.GetAsync($"{link.Url.TrimStart('/')}/annotations.jsonl")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("link.expired", expired.GetProperty("code").GetString());

        fx.Time.Advance(TimeSpan.FromDays(1));
        var lapsed = await (await buyerAdmin.Http.PostAsync($"api/releases/{release.Id}/links", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("grant.expired", lapsed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task CardsAreSeenAsTheirVisibilitySaysAndFoundBySearchAndModality()
    {
        var (org, owner, project) = await AnsweredProjectAsync();
        await ReleaseAsync(owner, project, "jsonl");
        var title = $"煤矿安全帽 {Guid.NewGuid():N}";
        async Task<CardView> PutAsync(string visibility)
        {
            using var r = await owner.Http.PutAsJsonAsync($"api/projects/{project}/card", new
            {
                titleEn = "Mine helmets", titleZh = title, descriptionEn = "Helmets underground", descriptionZh = "井下安全帽", modality = "image",
                licence = "CC-BY-4.0", visibility,
            }, HttpJson.Options);
            return await r.OkAsync<CardView>("card");
        }
        var card = await PutAsync("private");
        Assert.Equal(3, card.Latest!.Items);
        Assert.Equal(3, card.Sample!.Count);
        Assert.Single(card.Releases!);

        var stranger = await (await fx.NewOrgAsync()).PersonAsync(Roles.Admin);
        var anonymous = fx.Client();
        await (await stranger.Http.GetAsync($"api/catalogue/{project}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(await stranger.Http.GetOkAsync<List<CardView>>($"api/catalogue?q={Uri.EscapeDataString(title)}"), c => c.ProjectId == project);

        await PutAsync("park");
        var seen = await stranger.Http.GetOkAsync<CardView>($"api/catalogue/{project}");
        Assert.False(seen.Mine);
        Assert.Null(seen.Latest!.Provenance);
        await (await anonymous.GetAsync($"api/catalogue/{project}")).ProblemAsync(HttpStatusCode.NotFound);

        await PutAsync("public");
        Assert.Equal(title, (await anonymous.GetOkAsync<CardView>($"api/catalogue/{project}")).TitleZh);
        Assert.Contains(await anonymous.GetOkAsync<List<CardView>>($"api/catalogue?q={Uri.EscapeDataString(title)}"), c => c.ProjectId == project);
        Assert.Contains(await stranger.Http.GetOkAsync<List<CardView>>("api/catalogue?q=MINE%20helmets&modality=image"), c => c.ProjectId == project);
        Assert.DoesNotContain(await stranger.Http.GetOkAsync<List<CardView>>("api/catalogue?q=mine%20helmets&modality=audio"), c => c.ProjectId == project);

        var bad = await (await owner.Http.PutAsJsonAsync($"api/projects/{project}/card", new { titleEn = "x", modality = "image", licence = "x" }, HttpJson.Options))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["titleZh"], bad.ErrorKeys());
    }

    [Fact]
    public async Task TwoNodesOnOneDatabaseSignWithTheSameKey()
    {
        var db = fx.Services.GetRequiredService<Yunzhong.Server.Data.Db>();
        var a = new ParkKeys(db, TimeProvider.System);
        var b = new ParkKeys(db, TimeProvider.System);
        var keys = await Task.WhenAll(a.SigningKeyAsync(default), b.SigningKeyAsync(default));
        Assert.Equal(keys[0].Public.KeyId, keys[1].Public.KeyId);
        Assert.Equal(await a.LinkSecretAsync(default), await b.LinkSecretAsync(default));
        Assert.Equal(keys[0].Public.KeyId, Assert.Single(await ParkKeysAsync()).KeyId);
    }
}

public sealed class SqliteReleaseTests(SqliteFixture fx) : ReleaseTests<SqliteFixture>(fx);

public sealed class PostgresReleaseTests(PostgresFixture fx) : ReleaseTests<PostgresFixture>(fx);
