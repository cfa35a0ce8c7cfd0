using Yunzhong.Core.Workforce;
using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Tests.Workforce;

/// <summary>The skills catalogue and certificates: who keeps, grants, revokes and sees what.</summary>
public abstract class CertificatesTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task TheOperatorKeepsTheCatalogueAndEveryoneReadsIt()
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var vendorAdmin = await (await fx.NewOrgAsync("vendor")).PersonAsync(Roles.Admin);
        var skill = await w.SkillAsync("asr", maxLevel: 3);
        Assert.Contains(await vendorAdmin.Http.GetOkAsync<List<SkillView>>("api/skills"), s => s.Id == skill.Id && s.NameZh == "方言语音·大同话");

        using (var r = await vendorAdmin.Http.PostAsJsonAsync("api/skills", new { code = $"x-{Guid.NewGuid():N}", nameEn = "x", nameZh = "x", maxLevel = 1 }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await w.OperatorManager.Http.PostAsJsonAsync("api/skills", new { code = skill.Code, nameEn = "again", nameZh = "再来", maxLevel = 1 }))
        {
            var p = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("skill.code_taken", p.GetProperty("fields").GetProperty("code")[0].GetProperty("code").GetString());
        }
        using (var r = await w.OperatorManager.Http.PostAsJsonAsync("api/skills", new { code = "方言", nameEn = "", nameZh = "方言", maxLevel = 10 }))
        {
            var p = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["code", "maxLevel", "nameEn"], p.ErrorKeys());
            Assert.Equal("skill.code_invalid", p.GetProperty("fields").GetProperty("code")[0].GetProperty("code").GetString());
        }

        // Levels in use stay; a skill in use stays in the catalogue; an unused one goes.
        var annotator = await (await fx.NewOrgAsync("vendor")).PersonAsync(Roles.Annotator);
        await w.GrantAsync(annotator, skill.Id, level: 3);
        using (var r = await w.OperatorManager.Http.PutAsJsonAsync($"api/skills/{skill.Id}",
                   new { code = skill.Code, nameEn = "Datong", nameZh = "大同话", maxLevel = 2 }, HttpJson.Options))
        {
            var p = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("skill.level_in_use", p.GetProperty("fields").GetProperty("maxLevel")[0].GetProperty("code").GetString());
        }
        var renamed = await w.OperatorManager.Http.PutOkAsync<SkillView>($"api/skills/{skill.Id}", new { code = skill.Code, nameEn = "Datong", nameZh = "大同话", maxLevel = 4 });
        Assert.Equal(("大同话", 4), (renamed.NameZh, renamed.MaxLevel));
        using (var r = await w.OperatorManager.Http.DeleteAsync($"api/skills/{skill.Id}"))
        {
            Assert.Equal("skill.in_use", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        var unused = await w.SkillAsync("unused");
        using (var r = await w.OperatorManager.Http.DeleteAsync($"api/skills/{unused.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using (var r = await w.OperatorManager.Http.DeleteAsync($"api/skills/{unused.Id}"))
        {
            Assert.Equal("skill.not_found", (await r.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task EachSeesTheirOwnTheVendorItsPeoplesAndTheParkCounts()
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var vendor = await fx.NewOrgAsync("vendor");
        var (admin, trainer, annotator, other) = (await vendor.PersonAsync(Roles.Admin), await vendor.PersonAsync(Roles.Trainer),
            await vendor.PersonAsync(Roles.Annotator), await vendor.PersonAsync(Roles.Annotator));
        var skill = await w.SkillAsync("ner", maxLevel: 2);

        // The vendor's trainer certifies its own people; an annotator certifies nobody; another vendor's trainer does not reach them.
        var granted = await trainer.Http.PostOkAsync<CertificateView>("api/certificates", new { userId = annotator.Id, skillId = skill.Id, level = 2 });
        Assert.True(granted.Valid);
        Assert.Equal(CertificateSource.Granted, granted.Source);
        using (var r = await annotator.Http.PostAsJsonAsync("api/certificates", new { userId = other.Id, skillId = skill.Id, level = 1 }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var stranger = await (await fx.NewOrgAsync("vendor")).PersonAsync(Roles.Trainer);
        using (var r = await stranger.Http.PostAsJsonAsync("api/certificates", new { userId = other.Id, skillId = skill.Id, level = 1 }))
        {
            Assert.Equal("member.not_found", (await r.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
        }
        using (var r = await stranger.Http.PostAsync($"api/certificates/{granted.Id}/revoke", null))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await trainer.Http.PostAsJsonAsync("api/certificates", new { userId = other.Id, skillId = skill.Id, level = 3 }))
        {
            var p = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("skill.level_out_of_range", p.GetProperty("fields").GetProperty("level")[0].GetProperty("code").GetString());
        }
        await w.GrantAsync(other, skill.Id, level: 1);

        Assert.Equal([granted.Id], (await annotator.Http.GetOkAsync<List<CertificateView>>("api/me/certificates")).Select(c => c.Id));
        var theirs = await admin.Http.GetOkAsync<List<CertificateView>>($"api/organizations/{vendor.Id}/certificates");
        Assert.Equal([annotator.Id, other.Id], theirs.Select(c => c.UserId).Order());
        using (var r = await annotator.Http.GetAsync($"api/organizations/{vendor.Id}/certificates"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await stranger.Http.GetAsync($"api/organizations/{vendor.Id}/certificates"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }

        var counts = await w.OperatorManager.Http.GetOkAsync<List<CertificateCount>>("api/park/certificates");
        Assert.Equal([(1, 1L), (2, 1L)], counts.Where(c => c.SkillId == skill.Id).Select(c => (c.Level, c.Holders)));
        using (var r = await admin.Http.GetAsync("api/park/certificates"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }

        // A revocation counts at once, is audited, and happens once.
        await trainer.Http.PostOkAsync<CertificateView>($"api/certificates/{granted.Id}/revoke");
        using (var r = await trainer.Http.PostAsync($"api/certificates/{granted.Id}/revoke", null))
        {
            Assert.Equal("certificate.revoked", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        Assert.False(Assert.Single(await annotator.Http.GetOkAsync<List<CertificateView>>("api/me/certificates")).Valid);
        counts = await w.OperatorManager.Http.GetOkAsync<List<CertificateCount>>("api/park/certificates");
        Assert.Equal([(1, 1L)], counts.Where(c => c.SkillId == skill.Id).Select(c => (c.Level, c.Holders)));
        Assert.Equal(2L, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE subject = @subject AND action IN ('certificate.grant', 'certificate.revoke')", new { subject = $"certificate:{granted.Id}" }));
    }
}

public sealed class SqliteCertificatesTests(SqliteFixture fx) : CertificatesTests<SqliteFixture>(fx);

public sealed class PostgresCertificatesTests(PostgresFixture fx) : CertificatesTests<PostgresFixture>(fx);
