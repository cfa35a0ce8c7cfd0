namespace Yunzhong.Server.Tests.Park;

/// <summary>The park's directory: the vendors a client picks from when offering, and the teams a lead finds.</summary>
public abstract class DirectoryTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task TheVendorListNamesEveryVendorWithItsSitesCountiesAndNoOtherKind()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1);
        var vendor = await scene.VendorAsync(0);
        await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", new { name = "灵丘职场", countyCode = "140224", seats = 5 });
        await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", new { name = "平城职场", countyCode = "140213", seats = 5 });
        await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", new { name = "平城二号", countyCode = "140213", seats = 5 });
        var bare = await scene.VendorAsync(0);

        var list = await scene.ClientAdmin.Http.GetOkAsync<List<VendorListing>>("api/park/vendors");
        Assert.Equal(["140213", "140224"], Assert.Single(list, v => v.Id == vendor.Org.Id).Counties);
        Assert.Empty(Assert.Single(list, v => v.Id == bare.Org.Id).Counties);
        Assert.DoesNotContain(list, v => v.Id == scene.Client.Id);
    }

    [Fact]
    public async Task ALeadFindsTheTeamsTheyLeadAndAMemberFindsNone()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1);
        var vendor = await scene.VendorAsync(2);
        var (lead, member) = (vendor.People[0], vendor.People[1]);
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams",
            new { name = "灵丘一组", leadUserId = lead.Id, memberIds = new[] { member.Id } });

        var led = Assert.Single(await lead.Http.GetOkAsync<List<LedTeam>>("api/me/teams"));
        Assert.Equal((team.Id, vendor.Org.Id, "灵丘一组"), (led.Id, led.OrganizationId, led.Name));
        Assert.Empty(await member.Http.GetOkAsync<List<LedTeam>>("api/me/teams"));

        // A lead taken out of the vendor no longer finds its team.
        using (var r = await vendor.Admin.Http.DeleteAsync($"api/organizations/{vendor.Org.Id}/members/{lead.Id}"))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        Assert.Empty(await lead.Http.GetOkAsync<List<LedTeam>>("api/me/teams"));
    }
}

public sealed class SqliteDirectoryTests(SqliteFixture fx) : DirectoryTests<SqliteFixture>(fx);

public sealed class PostgresDirectoryTests(PostgresFixture fx) : DirectoryTests<PostgresFixture>(fx);
