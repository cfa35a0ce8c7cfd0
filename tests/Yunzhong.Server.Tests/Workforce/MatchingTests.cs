using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Tests.Workforce;

/// <summary>A client's demand matched to vendors, the job board, and the workforce figures.</summary>
public abstract class MatchingTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task ADemandListsVendorsWithCertifiedPeopleRankedWithReasons()
    {
        var w = await WorkforceScene.CreateAsync(fx);
        var skill = await w.SkillAsync("bbox");
        var client = await fx.NewOrgAsync("client");
        var clientAdmin = await client.PersonAsync(Roles.Admin);

        // Vendor A: three annotators, two certified, placed at a site of 10 seats. Vendor B: one certified, no site. Vendor C: nobody certified.
        var a = await fx.NewOrgAsync("vendor");
        var aAdmin = await a.PersonAsync(Roles.Admin);
        var aPeople = new[] { await a.PersonAsync(Roles.Annotator), await a.PersonAsync(Roles.Annotator), await a.PersonAsync(Roles.Annotator) };
        var site = await aAdmin.Http.PostOkAsync<SiteView>($"api/organizations/{a.Id}/sites", new { name = "云冈职场", countyCode = "140214", seats = 10, opens = "00:00", closes = "23:59" });
        using (var r = await aAdmin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = aPeople.Select(p => p.Id).ToArray() }, HttpJson.Options))
        {
            await r.OkAsync<SiteView>("place");
        }
        await w.GrantAsync(aPeople[0], skill.Id, level: 2);
        await w.GrantAsync(aPeople[1], skill.Id, level: 1);
        var b = await fx.NewOrgAsync("vendor");
        await w.GrantAsync(await b.PersonAsync(Roles.Annotator), skill.Id, level: 1);
        var c = await fx.NewOrgAsync("vendor");
        await c.PersonAsync(Roles.Annotator);

        using (var r = await clientAdmin.Http.PostAsJsonAsync("api/demands", new
               {
                   clientOrganizationId = client.Id, title = "x", volume = 0, deadline = fx.Time.GetUtcNow().AddDays(-1),
                   skills = new[] { new { skillId = 987654321L, minLevel = 1 } },
               }))
        {
            var p = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["/skills/0/skillId", "deadline", "volume"], p.ErrorKeys());
            Assert.Equal("skill.unknown", p.GetProperty("fields").GetProperty("/skills/0/skillId")[0].GetProperty("code").GetString());
        }
        var demand = await clientAdmin.Http.PostOkAsync<DemandView>("api/demands", new
        {
            clientOrganizationId = client.Id, title = "自动驾驶 2D 框 五千张", volume = 5000, deadline = fx.Time.GetUtcNow().AddDays(10),
            skills = new[] { new { skillId = skill.Id, minLevel = 1 } },
        });
        var matches = await clientAdmin.Http.GetOkAsync<DemandMatches>($"api/demands/{demand.Id}/matches");
        Assert.Equal([a.Id, b.Id], matches.Vendors.Select(v => v.VendorOrganizationId));
        var first = matches.Vendors[0];
        Assert.Equal((1, 2, 10, 2), (first.Rank, first.Certified, first.FreeSeats, first.Workers));
        Assert.Equal(["match.certified", "match.free_seats"], first.Reasons.Take(2).Select(x => x.Code));
        Assert.Equal("match.no_sites", matches.Vendors[1].Reasons[1].Code);

        // A demand at level 2: only A's first annotator holds it.
        var harder = await clientAdmin.Http.PostOkAsync<DemandView>("api/demands", new
        {
            clientOrganizationId = client.Id, title = "难", volume = 10, deadline = fx.Time.GetUtcNow().AddDays(10), skills = new[] { new { skillId = skill.Id, minLevel = 2 } },
        });
        var only = Assert.Single((await clientAdmin.Http.GetOkAsync<DemandMatches>($"api/demands/{harder.Id}/matches")).Vendors);
        Assert.Equal((a.Id, 1), (only.VendorOrganizationId, only.Certified));

        // Another client does not see it; the job board shows the skill in demand to anyone.
        var stranger = await (await fx.NewOrgAsync("client")).PersonAsync(Roles.Admin);
        using (var r = await stranger.Http.GetAsync($"api/demands/{demand.Id}/matches"))
        {
            Assert.Equal("demand.not_found", (await r.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
        }
        var job = Assert.Single(await aPeople[2].Http.GetOkAsync<List<JobSkill>>("api/jobs"), j => j.SkillId == skill.Id);
        Assert.Equal((5010L, 2L, 3L, 2), (job.Volume, job.Sources, job.Holders, job.MinLevel));
        await clientAdmin.Http.PostOkAsync<DemandView>($"api/demands/{harder.Id}/close");
        job = Assert.Single(await aPeople[2].Http.GetOkAsync<List<JobSkill>>("api/jobs"), j => j.SkillId == skill.Id);
        Assert.Equal((5000L, 1L), (job.Volume, job.Sources));

        // The workforce figures: certified people per skill at A's site and its county, for the operator and for A's own admin.
        var figures = await w.OperatorManager.Http.GetOkAsync<WorkforceFigures>("api/park/workforce");
        var atSite = Assert.Single(figures.BySite, s => s.SkillId == skill.Id);
        Assert.Equal((site.Id, 2L, "云冈区"), (atSite.SiteId, atSite.Holders, atSite.County!.NameZh));
        Assert.Equal(2L, Assert.Single(figures.ByCounty, x => x.SkillId == skill.Id).Holders);
        Assert.True(figures.FirstCertificate.People >= 3);
        var own = await aAdmin.Http.GetOkAsync<WorkforceFigures>($"api/park/workforce?vendor={a.Id}");
        Assert.Equal(2, own.FirstCertificate.People);
        using (var r = await aAdmin.Http.GetAsync("api/park/workforce"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await aAdmin.Http.GetAsync($"api/park/workforce?vendor={b.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
    }
}

public sealed class SqliteMatchingTests(SqliteFixture fx) : MatchingTests<SqliteFixture>(fx);

public sealed class PostgresMatchingTests(PostgresFixture fx) : MatchingTests<PostgresFixture>(fx);
