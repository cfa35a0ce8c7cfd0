namespace Yunzhong.Server.Tests.Park;

public abstract class ContractTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };

    private Task<long> UsedAsync(long contract) => fx.QueryScalarAsync<long>("SELECT used FROM contracts WHERE id = @contract", new { contract });

    [Fact]
    public async Task AVendorsAnnotatorWorksTheProjectWithoutJoiningTheClientOnlyWhileTheContractIsActive()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6);
        var vendor = await scene.VendorAsync(1);
        var annotator = vendor.People[0];
        var otherProject = await TestData.ProjectAsync(scene.ClientAdmin, scene.Client.Id);
        var offer = await scene.OfferAsync(vendor, quota: 10);
        Assert.Equal(ContractState.Proposed, offer.State);
        Assert.Equal("0.035", offer.UnitPrice);

        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [annotator]);
        // Accepted and staffed, but not started: nothing to see yet.
        using (var r = await annotator.Http.PostAsync($"api/projects/{scene.Project}/queue/next", null))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.DoesNotContain(await annotator.Http.GetOkAsync<List<ProjectView>>("api/projects"), p => p.Id == scene.Project);

        await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        Assert.Contains(await annotator.Http.GetOkAsync<List<ProjectView>>("api/projects"), p => p.Id == scene.Project);
        var lease = (await annotator.NextAsync(scene.Project))!;
        using (var r = await annotator.Http.PutAsJsonAsync($"api/assignments/{lease.AssignmentId}/draft", new { result = _pos }))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using (var r = await annotator.SubmitAsync(lease.AssignmentId, _pos))
        {
            await r.OkAsync<SubmitResponse>("submit");
        }
        // The lease says which contract it was worked under.
        Assert.Equal(offer.Id, await fx.QueryScalarAsync<long>("SELECT contract_id FROM assignments WHERE id = @id", new { id = lease.AssignmentId }));
        Assert.Equal(1, await UsedAsync(offer.Id));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM memberships WHERE organization_id = @org AND user_id = @user",
            new { org = scene.Client.Id, user = annotator.Id }));

        // Only the work: never the project's figures, exports, other projects, the client's members or the contract's price.
        foreach (var path in new[] { $"api/projects/{scene.Project}/stats", $"api/projects/{scene.Project}/exports", $"api/projects/{scene.Project}/quality/annotators",
                     $"api/contracts/{offer.Id}" })
        {
            using var r = await annotator.Http.GetAsync(path);
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await annotator.Http.GetAsync($"api/projects/{otherProject}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await annotator.Http.GetAsync($"api/organizations/{scene.Client.Id}/members"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Empty(await annotator.Http.GetOkAsync<List<ContractView>>("api/contracts"));
    }

    [Fact]
    public async Task TheQueueStopsServingAVendorWhoseQuotaIsUsedUpAndAGivenBackLeaseReturnsItsUnit()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 10);
        var vendor = await scene.VendorAsync(1);
        var contract = await scene.ActiveContractAsync(vendor, quota: 2);
        var annotator = vendor.People[0];
        var first = (await annotator.NextAsync(scene.Project))!;
        NextResponse second;
        using (var r = await annotator.Http.PostAsync($"api/projects/{scene.Project}/queue/next?exclude={first.AssignmentId}", null))
        {
            second = await r.OkAsync<NextResponse>("second");
        }
        Assert.Equal(2, await UsedAsync(contract.Id));
        using (var r = await annotator.Http.PostAsync($"api/projects/{scene.Project}/queue/next?exclude={first.AssignmentId},{second.AssignmentId}", null))
        {
            // Both leases are excluded and the quota is used: refused, naming why.
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("quota", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        using (var r = await annotator.Http.PostAsync($"api/assignments/{first.AssignmentId}/release", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        Assert.Equal(1, await UsedAsync(contract.Id));
        // A second vendor on the same project is not held back by the first one's quota.
        var other = await scene.VendorAsync(1);
        await scene.ActiveContractAsync(other, quota: 5);
        Assert.NotNull(await other.People[0].NextAsync(scene.Project));
    }

    [Fact]
    public async Task ClosingTheContractEndsItsLeasesAndGivesTheUnitsBack()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 5);
        var vendor = await scene.VendorAsync(1);
        var contract = await scene.ActiveContractAsync(vendor, quota: 5);
        var lease = (await vendor.People[0].NextAsync(scene.Project))!;
        Assert.Equal(1, await UsedAsync(contract.Id));
        var closed = await ParkScene.ActAsync(scene.ClientAdmin, contract.Id, ContractEvent.Close);
        Assert.Equal(ContractState.Closed, closed.State);
        Assert.Equal(0, closed.Used);
        using (var r = await vendor.People[0].SubmitAsync(lease.AssignmentId, _pos))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal("revoked", await fx.QueryScalarAsync<string>("SELECT status FROM assignments WHERE id = @id", new { id = lease.AssignmentId }));
        Assert.Equal(5, await fx.QueryScalarAsync<long>("SELECT SUM(remaining) FROM tasks WHERE project_id = @p", new { p = scene.Project }));
    }

    [Fact]
    public async Task TakingSomeoneOffTheContractOrItsTeamEndsTheirLeases()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6);
        var vendor = await scene.VendorAsync(2);
        var (a, b) = (vendor.People[0], vendor.People[1]);
        var offer = await scene.OfferAsync(vendor, quota: 6);
        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams", new { name = "一组", leadUserId = b.Id, memberIds = new[] { b.Id } });
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [a], team.Id);
        await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        var leaseA = (await a.NextAsync(scene.Project))!;
        var leaseB = (await b.NextAsync(scene.Project))!;
        Assert.Equal(team.Id, await fx.QueryScalarAsync<long>("SELECT team_id FROM assignments WHERE id = @id", new { id = leaseB.AssignmentId }));

        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [], team.Id);
        Assert.Equal("revoked", await fx.QueryScalarAsync<string>("SELECT status FROM assignments WHERE id = @id", new { id = leaseA.AssignmentId }));
        Assert.Equal("leased", await fx.QueryScalarAsync<string>("SELECT status FROM assignments WHERE id = @id", new { id = leaseB.AssignmentId }));
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/teams/{team.Id}", new { name = "一组", leadUserId = vendor.Admin.Id, memberIds = Array.Empty<long>() }, HttpJson.Options))
        {
            await r.OkAsync<TeamView>("team");
        }
        Assert.Equal("revoked", await fx.QueryScalarAsync<string>("SELECT status FROM assignments WHERE id = @id", new { id = leaseB.AssignmentId }));
        Assert.Equal(0, await UsedAsync(offer.Id));
        using var refused = await b.Http.PostAsync($"api/projects/{scene.Project}/queue/next", null);
        await refused.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OnlyTheRightPartyMovesAContractAndDeclinedIsFinal()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1);
        var vendor = await scene.VendorAsync(1);
        var offer = await scene.OfferAsync(vendor, quota: 3);
        using (var r = await scene.ClientAdmin.Http.PostAsJsonAsync($"api/contracts/{offer.Id}/transition", new { @event = ContractEvent.Accept }, HttpJson.Options))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict); // the client cannot accept its own offer
        }
        using (var r = await vendor.People[0].Http.PostAsJsonAsync($"api/contracts/{offer.Id}/transition", new { @event = ContractEvent.Accept }, HttpJson.Options))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden); // the vendor's admin accepts, not its annotators
        }
        Assert.Equal(ContractState.Declined, (await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Decline)).State);
        using (var r = await vendor.Admin.Http.PostAsJsonAsync($"api/contracts/{offer.Id}/transition", new { @event = ContractEvent.Accept }, HttpJson.Options))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict);
        }
        // Both parties' admins see it with its price; nobody else.
        Assert.Equal("0.035", (await vendor.Admin.Http.GetOkAsync<ContractView>($"api/contracts/{offer.Id}")).UnitPrice);
        Assert.Contains(await scene.ClientAdmin.Http.GetOkAsync<List<ContractView>>("api/contracts"), c => c.Id == offer.Id);
    }

    [Fact]
    public async Task VendorsNeverSeeEachOthersContractsOrWork()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6, overlap: 2, review: ReviewPolicy.All);
        var a = await scene.VendorAsync(1, Roles.Annotator | Roles.Reviewer);
        var b = await scene.VendorAsync(1, Roles.Annotator | Roles.Reviewer);
        var ca = await scene.ActiveContractAsync(a, quota: 10);
        var cb = await scene.ActiveContractAsync(b, quota: 10);
        var (_, annotationOfA) = await a.People[0].AnnotateAsync(scene.Project, _pos);

        using (var r = await b.Admin.Http.GetAsync($"api/contracts/{ca.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.DoesNotContain(await b.Admin.Http.GetOkAsync<List<ContractView>>("api/contracts"), c => c.Id == ca.Id);
        Assert.Contains(await b.Admin.Http.GetOkAsync<List<ContractView>>("api/contracts"), c => c.Id == cb.Id);
        // B's reviewer finds none of A's annotations to review, and cannot judge one by id.
        using (var r = await b.People[0].Http.PostAsync($"api/projects/{scene.Project}/review/next", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using (var r = await b.People[0].Http.PostAsJsonAsync($"api/annotations/{annotationOfA}/review", new { action = "accept" }, HttpJson.Options))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await b.Admin.Http.GetAsync($"api/organizations/{a.Org.Id}/sites"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await b.Admin.Http.GetAsync($"api/organizations/{a.Org.Id}/teams"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        // A's own reviewer... is A's only annotator, who never reviews their own work; the client's admin can.
        var item = await scene.ClientAdmin.Http.PostOkAsync<ReviewItem>($"api/projects/{scene.Project}/review/next");
        Assert.Equal(annotationOfA, item.AnnotationId);
    }

    [Fact]
    public async Task BadTermsAreRefusedNamingTheField()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 4);
        var vendor = await scene.VendorAsync(2);
        var other = await scene.VendorAsync(1);
        var http = scene.ClientAdmin.Http;
        async Task Refused(HttpResponseMessage r, string field, string code)
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorKeys());
            Assert.Equal(code, problem.GetProperty("fields").GetProperty(field)[0].GetProperty("code").GetString());
            r.Dispose();
        }
        object Offer(long quota = 5, string price = "1.5", int days = 10, long? vendorOrg = null) => new
        {
            projectId = scene.Project, vendorOrganizationId = vendorOrg ?? vendor.Org.Id, quota, unitPrice = price, deadline = DateTimeOffset.UtcNow.AddDays(days),
        };
        await Refused(await http.PostAsJsonAsync("api/contracts", Offer(price: "-0.5"), HttpJson.Options), "unitPrice", "park.price_negative");
        await Refused(await http.PostAsJsonAsync("api/contracts", Offer(price: "0.00001"), HttpJson.Options), "unitPrice", "park.price_format");
        await Refused(await http.PostAsJsonAsync("api/contracts", Offer(days: -1), HttpJson.Options), "deadline", "park.deadline_past");
        await Refused(await http.PostAsJsonAsync("api/contracts", Offer(quota: 0), HttpJson.Options), "quota", "park.quota_too_small");
        await Refused(await http.PostAsJsonAsync("api/contracts", Offer(vendorOrg: scene.Client.Id), HttpJson.Options), "vendorOrganizationId", "park.not_a_vendor");

        var contract = await scene.ActiveContractAsync(vendor, quota: 4);
        await vendor.People[0].AnnotateAsync(scene.Project, _pos);
        await vendor.People[1].NextAsync(scene.Project);
        await Refused(await http.PatchAsJsonAsync($"api/contracts/{contract.Id}", new { quota = 1 }, HttpJson.Options), "quota", "park.quota_below_used");
        await Refused(await http.PatchAsJsonAsync($"api/contracts/{contract.Id}", new { deadline = DateTimeOffset.UtcNow.AddDays(-2) }, HttpJson.Options), "deadline", "park.deadline_past");
        Assert.Equal(2, (await http.PatchOkAsync<ContractView>($"api/contracts/{contract.Id}", new { quota = 2, unitPrice = "0.12" })).Quota);
        await Refused(await vendor.Admin.Http.PutAsJsonAsync($"api/contracts/{contract.Id}/staff", new { userIds = new[] { other.People[0].Id }, teamIds = Array.Empty<long>() }, HttpJson.Options), "userIds", "park.person_not_of_vendor");
        await Refused(await vendor.Admin.Http.PostAsJsonAsync($"api/organizations/{vendor.Org.Id}/sites", new { name = "北区", countyCode = "140213", seats = 0 }, HttpJson.Options), "seats", "park.seats_range");
        await Refused(await vendor.Admin.Http.PostAsJsonAsync($"api/organizations/{vendor.Org.Id}/sites", new { name = "北区", countyCode = "平城", seats = 3 }, HttpJson.Options), "countyCode", "park.county_unknown");
        await Refused(await vendor.Admin.Http.PostAsJsonAsync($"api/organizations/{vendor.Org.Id}/teams", new { name = "x", leadUserId = other.Admin.Id, memberIds = Array.Empty<long>() }, HttpJson.Options), "leadUserId", "park.person_not_of_vendor");
    }

    [Fact]
    public async Task ASiteThatBlocksPastItsSeatsTurnsAwayTheNextPersonAndReportsSeatsInUse()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6);
        var vendor = await scene.VendorAsync(2);
        var site = await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites",
            new { name = "云冈一号职场", countyCode = "140214", seats = 1, opens = "00:00", closes = "23:59", blockOverSeats = true });
        Assert.Equal("云冈区", site.County.NameZh);
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = vendor.People.Select(p => p.Id).ToArray() }, HttpJson.Options))
        {
            Assert.Equal(2, (await r.OkAsync<SiteView>("place")).People);
        }
        await scene.ActiveContractAsync(vendor, quota: 6);
        var lease = (await vendor.People[0].NextAsync(scene.Project))!;
        Assert.Equal(site.Id, await fx.QueryScalarAsync<long>("SELECT site_id FROM assignments WHERE id = @id", new { id = lease.AssignmentId }));
        using (var r = await vendor.People[1].Http.PostAsync($"api/projects/{scene.Project}/queue/next", null))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("云冈一号职场", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        // The seated annotator carries on.
        using (var r = await vendor.People[0].Http.PostAsync($"api/projects/{scene.Project}/queue/next?exclude={lease.AssignmentId}", null))
        {
            await r.OkAsync<NextResponse>("seated");
        }
        var sites = await vendor.Admin.Http.GetOkAsync<List<SiteView>>($"api/organizations/{vendor.Org.Id}/sites");
        Assert.Equal(1, Assert.Single(sites).SeatsInUse);
        Assert.Contains(await vendor.Admin.Http.GetOkAsync<List<County>>("api/park/counties"), c => c.NameZh == "左云县");
    }

    [Fact]
    public async Task ATeamLeadSeesTheTeamsWorkAndQualityAndOthersDoNot()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6, review: ReviewPolicy.All);
        var vendor = await scene.VendorAsync(2);
        var (lead, member) = (vendor.People[0], vendor.People[1]);
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams",
            new { name = "质检一组", leadUserId = lead.Id, memberIds = new[] { member.Id } });
        var offer = await scene.OfferAsync(vendor, quota: 6);
        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [], team.Id);
        await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        var (_, first) = await member.AnnotateAsync(scene.Project, _pos);
        var (_, second) = await member.AnnotateAsync(scene.Project, _pos);
        await scene.ClientAdmin.Http.PostOkAsync<ReviewResponse>($"api/annotations/{first}/review", new { action = "accept" });
        await scene.ClientAdmin.Http.PostOkAsync<ReviewResponse>($"api/annotations/{second}/review", new { action = "reject", comment = "再看看" });

        var work = await lead.Http.GetOkAsync<TeamWork>($"api/teams/{team.Id}/work?contractId={offer.Id}");
        var m = Assert.Single(work.Members, x => x.UserId == member.Id);
        Assert.Equal((2L, 1L, 1L), (m.Annotations, m.Accepted, m.Rejected));
        Assert.Equal(0.5, m.AcceptanceRate);
        Assert.Null(m.GoldAccuracy);
        using var r = await member.Http.GetAsync($"api/teams/{team.Id}/work");
        await r.ProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteContractTests(SqliteFixture fx) : ContractTests<SqliteFixture>(fx);

public sealed class PostgresContractTests(PostgresFixture fx) : ContractTests<PostgresFixture>(fx);
