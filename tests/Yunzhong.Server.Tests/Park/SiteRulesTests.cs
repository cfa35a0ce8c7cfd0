namespace Yunzhong.Server.Tests.Park;

/// <summary>The rules a site and a contract put on new work: sign-ins past a blocking site's seats, opening
/// hours, the contract's deadline. Its own fixture: one test moves the clock hours forward.</summary>
public abstract class SiteRulesTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Password = "a long enough password";
    private static readonly object _pos = new { label = new[] { "pos" } };

    /// <summary>The park's local time (Asia/Shanghai keeps UTC+8 all year) by the server's clock.</summary>
    private TimeOnly LocalNow => TimeOnly.FromDateTime(fx.Time.GetUtcNow().UtcDateTime.AddHours(8));

    private static async Task<SiteView> SiteAsync(Vendor vendor, object terms)
    {
        var site = await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", terms);
        using var r = await vendor.Admin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = vendor.People.Select(p => p.Id).ToArray() }, HttpJson.Options);
        await r.OkAsync<SiteView>("place");
        return site;
    }

    private async Task<HttpResponseMessage> LogInAsync(Person p)
    {
        using var browser = fx.Client();
        return await browser.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password });
    }

    [Fact]
    public async Task ABlockingSiteWithEverySeatTakenRefusesNewSignInsButNotTheSeatedOrOnceItStopsBlocking()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6);
        var org = await fx.NewOrgAsync("vendor");
        var vendor = new Vendor(org, await org.PersonAsync(Roles.Admin),
            [await org.PersonAsync(Roles.Annotator, Password), await org.PersonAsync(Roles.Annotator, Password)]);
        var terms = new { name = "天镇职场", countyCode = "140222", seats = 1, opens = "00:00", closes = "23:59", blockOverSeats = true };
        var site = await SiteAsync(vendor, terms);
        await scene.ActiveContractAsync(vendor, quota: 6);
        // Before anyone works, the one seat is free: both may sign in.
        using (var r = await LogInAsync(vendor.People[1]))
        {
            await r.OkAsync<MeResponse>("free seat");
        }
        Assert.NotNull(await vendor.People[0].NextAsync(scene.Project));

        using (var r = await LogInAsync(vendor.People[1]))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("auth.site_full", problem.GetProperty("code").GetString());
            Assert.Equal("天镇职场", problem.GetProperty("params").GetProperty("site").GetString());
            Assert.False(r.Headers.Contains("Set-Cookie"));
        }
        using (var r = await LogInAsync(vendor.People[0]))
        {
            await r.OkAsync<MeResponse>("seated");
        }
        var open = await vendor.Admin.Http.PutOkAsync<SiteView>($"api/sites/{site.Id}", terms with { blockOverSeats = false });
        Assert.True(open.OverSeats is false && open.SeatsInUse == 1 && !open.BlockOverSeats);
        using (var r = await LogInAsync(vendor.People[1]))
        {
            await r.OkAsync<MeResponse>("not blocking");
        }
    }

    [Fact]
    public async Task OutsideItsOpeningHoursASiteGetsNoNewLeaseButALeaseHeldIsNeverCut()
    {
        if (LocalNow >= new TimeOnly(23, 57))
        {
            fx.Time.Advance(TimeSpan.FromMinutes(4)); // no HH:mm window holds the last minute of the day
        }
        var scene = await ParkScene.CreateAsync(fx, tasks: 6);
        var vendor = await scene.VendorAsync(2);
        var now = LocalNow;
        var closed = now.Hour >= 1 ? (Opens: "00:00", Closes: "00:30") : (Opens: "22:00", Closes: "23:00");
        var site = await SiteAsync(vendor, new { name = "灵丘职场", countyCode = "140224", seats = 10, opens = "00:00", closes = "23:59" });
        await scene.ActiveContractAsync(vendor, quota: 6);
        var held = (await vendor.People[0].NextAsync(scene.Project))!;

        using (var bad = await vendor.Admin.Http.PutAsJsonAsync($"api/sites/{site.Id}", new { name = "灵丘职场", countyCode = "140224", seats = 10, opens = "18:00", closes = "09:00" }, HttpJson.Options))
        {
            Assert.Equal(["closes"], (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        var changed = await vendor.Admin.Http.PutOkAsync<SiteView>($"api/sites/{site.Id}",
            new { name = "灵丘职场", countyCode = "140224", seats = 10, opens = closed.Opens, closes = closed.Closes });
        Assert.Equal((closed.Opens, closed.Closes), (changed.Opens, changed.Closes));
        foreach (var (who, path) in new[] { (vendor.People[0], $"?exclude={held.AssignmentId}"), (vendor.People[1], "") })
        {
            using var r = await who.Http.PostAsync($"api/projects/{scene.Project}/queue/next{path}", null);
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("queue.site_closed", problem.GetProperty("code").GetString());
            Assert.Equal(closed.Opens, problem.GetProperty("params").GetProperty("opens").GetString());
        }
        using (var r = await vendor.People[0].SubmitAsync(held.AssignmentId, _pos))
        {
            await r.OkAsync<SubmitResponse>("held lease outside hours");
        }
    }

    [Fact]
    public async Task PastItsDeadlineAContractServesNoNewLeaseButWorkHeldIsDelivered()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6, leaseSeconds: 6 * 3600);
        var vendor = await scene.VendorAsync(2);
        var offer = await scene.ClientAdmin.Http.PostOkAsync<ContractView>("api/contracts", new
        {
            projectId = scene.Project, vendorOrganizationId = vendor.Org.Id, quota = 6, unitPrice = "0.5", deadline = fx.Time.GetUtcNow().AddHours(1),
        });
        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, vendor.People);
        await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        var held = (await vendor.People[0].NextAsync(scene.Project))!;

        fx.Time.Advance(TimeSpan.FromHours(2));
        foreach (var who in vendor.People)
        {
            using var r = await who.Http.PostAsync($"api/projects/{scene.Project}/queue/next?exclude={held.AssignmentId}", null);
            Assert.Equal("queue.contract_past_deadline", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        using (var r = await vendor.People[0].SubmitAsync(held.AssignmentId, _pos))
        {
            await r.OkAsync<SubmitResponse>("held before the deadline");
        }
        // The client moves the deadline on: the vendor's people work again.
        await scene.ClientAdmin.Http.PatchOkAsync<ContractView>($"api/contracts/{offer.Id}", new { deadline = fx.Time.GetUtcNow().AddDays(1) });
        Assert.NotNull(await vendor.People[1].NextAsync(scene.Project));
    }
}

public sealed class SqliteSiteRulesTests(SqliteFixture fx) : SiteRulesTests<SqliteFixture>(fx);

public sealed class PostgresSiteRulesTests(PostgresFixture fx) : SiteRulesTests<PostgresFixture>(fx);
