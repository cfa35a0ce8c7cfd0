using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Tests.Park;

public abstract class PayTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };
    private static readonly object _neg = new { label = new[] { "neg" } };

    private static string ThisMonth(ServerFixture fx) => fx.Time.GetUtcNow().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private static decimal D(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A vendor of three (two annotators in a team, one reviewer) on a contract at 0.035 a unit,
    /// paying 0.02 by default, 0.025 to the team and 0.03 to the reviewer.</summary>
    private async Task<(ParkScene Scene, Vendor Vendor, ContractView Contract, TeamView Team)> WorkedAsync(int tasks = 8)
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: tasks, review: ReviewPolicy.All);
        var vendor = await scene.VendorAsync(3, Roles.Annotator | Roles.Reviewer);
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams",
            new { name = "一组", leadUserId = vendor.People[0].Id, memberIds = new[] { vendor.People[0].Id, vendor.People[1].Id } });
        var offer = await scene.OfferAsync(vendor, quota: tasks);
        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [vendor.People[2]], team.Id);
        var contract = await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        await SetRatesAsync(vendor.Admin, contract.Id, new { rate = "0.02" }, new { teamId = team.Id, rate = "0.025" }, new { userId = vendor.People[2].Id, rate = "0.03" });
        return (scene, vendor, contract, team);
    }

    private static async Task<PayRatesRequest> SetRatesAsync(Person p, long contract, params object[] rates)
    {
        using var r = await p.Http.PutAsJsonAsync($"api/contracts/{contract}/pay-rates", new { rates }, HttpJson.Options);
        return await r.OkAsync<PayRatesRequest>("pay rates");
    }

    [Fact]
    public async Task AcceptedWorkEarnsRejectedEarnsNothingAndAFixSplitsTheUnit()
    {
        var (scene, vendor, contract, team) = await WorkedAsync();
        var (a, b, reviewer) = (vendor.People[0], vendor.People[1], vendor.People[2]);
        var (_, a1) = await a.AnnotateAsync(scene.Project, _pos);
        var (_, a2) = await a.AnnotateAsync(scene.Project, _pos);
        var (_, b1) = await b.AnnotateAsync(scene.Project, _pos);
        var (_, b2) = await b.AnnotateAsync(scene.Project, _pos);
        var (_, b3) = await b.AnnotateAsync(scene.Project, _pos);
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a2}/review", new { action = "reject", comment = "不对" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{b1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{b2}/review", new { action = "fix", result = _neg });
        // b3 is not judged yet: in no statement.
        var month = ThisMonth(fx);

        var v = await vendor.Admin.Http.GetOkAsync<StatementView>($"api/organizations/{vendor.Org.Id}/statements/{month}");
        var bill = Assert.Single(v.Bill);
        // Three accepted units (one of them fixed) at 0.035: 0.105 → 0.11; the rejected one bills nothing.
        Assert.Equal((contract.Id, "3", "0.035", "0.11"), (bill.ContractId, bill.Units, bill.Price, bill.Amount));
        var pay = v.Pay!.ToDictionary(p => (p.UserId, p.Role));
        Assert.Equal(("1", "0.025", "0.03"), (pay[(a.Id, "annotating")].Units, pay[(a.Id, "annotating")].Rate, pay[(a.Id, "annotating")].Amount)); // team rate
        Assert.Equal(("1.5", "0.04"), (pay[(b.Id, "annotating")].Units, pay[(b.Id, "annotating")].Amount));  // 1.5 × 0.025 = 0.0375
        Assert.Equal(("0.5", "0.03", "0.02"), (pay[(reviewer.Id, "fixing")].Units, pay[(reviewer.Id, "fixing")].Rate, pay[(reviewer.Id, "fixing")].Amount));
        Assert.Equal(3, v.Pay!.Count);
        // The people's lines add up to the vendor's internal total; the vendor's lines to the client's bill.
        Assert.Equal(D(v.PayTotal!), v.Pay!.Sum(p => D(p.Amount)));
        var client = await scene.ClientAdmin.Http.GetOkAsync<StatementView>($"api/organizations/{scene.Client.Id}/statements/{month}");
        Assert.Null(client.Pay);
        Assert.Equal(D(client.BillTotal), v.Bill.Where(l => l.ClientOrganizationId == scene.Client.Id).Sum(l => D(l.Amount)));
        Assert.Equal("0.11", client.BillTotal);

        var mine = await b.Http.GetOkAsync<StatementView>($"api/me/statements/{month}");
        Assert.All(mine.Pay!, p => Assert.Equal(b.Id, p.UserId));
        Assert.Equal("0.04", mine.PayTotal);
        Assert.Empty(mine.Bill);

        using var csv = await vendor.Admin.Http.GetAsync($"api/organizations/{vendor.Org.Id}/statements/{month}?format=csv");
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("kind,client,vendor,contract,person,role,units,rate,amount", lines[0]);
        Assert.Contains($"bill,{scene.Client.Id},{vendor.Org.Id},{contract.Id},,,3,0.035,0.11", lines);
        Assert.Contains($"pay,,{vendor.Org.Id},{contract.Id},{b.Id},annotating,1.5,0.025,0.04", lines);
        _ = (b3, team);
    }

    [Fact]
    public async Task RunningTotalsFollowEverySubmitAndReviewInTheSameWrite()
    {
        var (scene, vendor, contract, team) = await WorkedAsync();
        var (a, b, reviewer) = (vendor.People[0], vendor.People[1], vendor.People[2]);
        var (_, a1) = await a.AnnotateAsync(scene.Project, _pos);
        var (_, b1) = await b.AnnotateAsync(scene.Project, _pos);
        var (_, b2) = await b.AnnotateAsync(scene.Project, _pos);
        await b.AnnotateAsync(scene.Project, _pos);
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{b1}/review", new { action = "reject", comment = "不对" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{b2}/review", new { action = "fix", result = _neg });

        async Task<long> Sum(string column, long user) => await fx.QueryScalarAsync<long>(
            $"SELECT COALESCE(SUM({column}), 0) FROM park_rollups WHERE vendor_org_id = @vendor AND user_id = @user AND team_id = @team",
            new { vendor = vendor.Org.Id, user, team = team.Id });
        Assert.Equal((1L, 1L, 0L), (await Sum("annotations", a.Id), await Sum("accepted", a.Id), await Sum("rejected", a.Id)));
        Assert.Equal((3L, 1L, 1L), (await Sum("annotations", b.Id), await Sum("accepted", b.Id), await Sum("rejected", b.Id)));
        // Billed at the contract's 0.035 per accepted unit; earned at the team's 0.025, half of it for the fix.
        Assert.Equal(350L, await Sum("billed_e4", a.Id));
        Assert.Equal(2500L, await Sum("earned_e5", a.Id));
        Assert.Equal(350L, await Sum("billed_e4", b.Id));
        Assert.Equal(1250L, await Sum("earned_e5", b.Id));
        // Each row is one day × project × vendor × site × team × annotator.
        Assert.Equal(1L, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM park_rollups WHERE user_id = @user AND project_id = @project", new { user = b.Id, project = scene.Project }));
        _ = contract;
    }

    [Fact]
    public async Task TheDashboardReadsTheRunningTotalsForTheOperatorAndTheVendorItself()
    {
        var (scene, vendor, _, _) = await WorkedAsync();
        var (a, reviewer) = (vendor.People[0], vendor.People[2]);
        var (_, a1) = await a.AnnotateAsync(scene.Project, _pos);
        var (_, a2) = await a.AnnotateAsync(scene.Project, _pos);
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a2}/review", new { action = "reject", comment = "不对" });

        var own = await vendor.Admin.Http.GetOkAsync<ParkDashboard>($"api/park/dashboard?vendor={vendor.Org.Id}");
        Assert.Equal((2L, 1L, 1L, 0.5, 1L), (own.Cards.Annotations, own.Cards.Accepted, own.Cards.Rejected, own.Cards.AcceptanceRate, own.Cards.ActiveAnnotators));
        Assert.Equal(("0.04", "0.03"), (own.Cards.Billed, own.Cards.Earned)); // 0.035 billed, 0.025 earned, each to the fen
        var day = Assert.Single(own.Days);
        Assert.Equal(DateOnly.FromDateTime(fx.Time.GetUtcNow().UtcDateTime), day.Day);
        // The day's line carries the tasks worked beside the annotations (the history chart's two lines).
        Assert.Equal((2L, 2L, 1L, 1L, 1L), (day.Tasks, day.Annotations, day.Accepted, day.Rejected, day.ActiveAnnotators));
        Assert.Equal(vendor.Org.Id, Assert.Single(own.Vendors).VendorOrganizationId);

        // Another vendor does not see it; the vendor's own must name itself; the operator sees the whole park.
        var other = await scene.VendorAsync(0);
        using (var r = await other.Admin.Http.GetAsync($"api/park/dashboard?vendor={vendor.Org.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await vendor.Admin.Http.GetAsync("api/park/dashboard"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var op = await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Manager);
        var park = await op.Http.GetOkAsync<ParkDashboard>("api/park/dashboard");
        Assert.Contains(park.Vendors, v => v.VendorOrganizationId == vendor.Org.Id && v.Annotations == 2);
        Assert.True(park.Cards.Annotations >= 2);
        Assert.Equal(own.Cards, (await op.Http.GetOkAsync<ParkDashboard>($"api/park/dashboard?vendor={vendor.Org.Id}")).Cards);
        using (var r = await op.Http.GetAsync("api/park/dashboard?from=2026-02-01&to=2026-01-01"))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("from"));
        }
    }

    [Fact]
    public async Task AClosedMonthIsFrozenAndRecomputesToTheSameFigures()
    {
        var (scene, vendor, contract, team) = await WorkedAsync(4);
        var (a, reviewer) = (vendor.People[0], vendor.People[2]);
        var (_, a1) = await a.AnnotateAsync(scene.Project, _pos);
        var (_, a2) = await a.AnnotateAsync(scene.Project, _pos);
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a2}/review", new { action = "fix", result = _neg });
        var month = ThisMonth(fx);
        var path = $"api/organizations/{vendor.Org.Id}/statements/{month}";

        // The month is not over: it cannot be closed, and the refusal names the month.
        using (var r = await vendor.Admin.Http.PostAsync($"{path}/close", null))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("month"));
        }
        var before = await vendor.Admin.Http.GetOkAsync<StatementView>(path);
        Assert.False(before.Closed);

        fx.Time.Advance(TimeSpan.FromDays(32));
        using (var r = await vendor.People[1].Http.PostAsync($"{path}/close", null))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await scene.ClientAdmin.Http.PostAsync($"{path}/close", null))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        var closed = await vendor.Admin.Http.PostOkAsync<StatementView>($"{path}/close");
        Assert.True(closed.Closed);
        // Recomputing the closed month gives the figures it had.
        Assert.Equal(before.Bill, closed.Bill);
        Assert.Equal(before.Pay!, closed.Pay!);
        Assert.Equal((before.BillTotal, before.PayTotal), (closed.BillTotal, closed.PayTotal));
        using (var r = await vendor.Admin.Http.PostAsync($"{path}/close", null))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict);
        }

        // New rates change open months only: the closed one keeps its figures.
        await SetRatesAsync(vendor.Admin, contract.Id, new { rate = "0.5" });
        var after = await vendor.Admin.Http.GetOkAsync<StatementView>(path);
        Assert.Equal(closed.Pay!, after.Pay!);
        Assert.True(after.Closed);
        var client = await scene.ClientAdmin.Http.GetOkAsync<StatementView>($"api/organizations/{scene.Client.Id}/statements/{month}");
        Assert.True(client.Closed);
        Assert.Equal(closed.BillTotal, client.BillTotal);
        _ = team;
    }

    [Fact]
    public async Task PayIsSeenOnlyInsideTheVendorAndEachPersonSeesTheirOwn()
    {
        var (scene, vendor, contract, _) = await WorkedAsync(4);
        var other = await scene.VendorAsync(1);
        var month = ThisMonth(fx);
        // The client sees the contract, not its pay rates.
        using (var r = await scene.ClientAdmin.Http.GetAsync($"api/contracts/{contract.Id}/pay-rates"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        // Another vendor sees neither the contract's rates nor the vendor's statement.
        using (var r = await other.Admin.Http.GetAsync($"api/contracts/{contract.Id}/pay-rates"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await other.Admin.Http.GetAsync($"api/organizations/{vendor.Org.Id}/statements/{month}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        // An annotator sees no rates and no statement but their own.
        using (var r = await vendor.People[0].Http.GetAsync($"api/contracts/{contract.Id}/pay-rates"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await vendor.People[0].Http.GetAsync($"api/organizations/{vendor.Org.Id}/statements/{month}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var rates = await vendor.Admin.Http.GetOkAsync<PayRatesRequest>($"api/contracts/{contract.Id}/pay-rates");
        Assert.Equal(3, rates.Rates.Length);
    }

    [Theory]
    [InlineData("""{"rates":[{"rate":"-0.01"}]}""", "rates[0].rate", "park.price_negative")]
    [InlineData("""{"rates":[{"rate":"0.00001"}]}""", "rates[0].rate", "park.price_format")]
    [InlineData("""{"rates":[{"rate":"0.01"},{"rate":"0.02"}]}""", "rates[1]", "park.rate_twice")]
    [InlineData("""{"rates":[{"userId":999999999,"rate":"0.01"}]}""", "rates[0].userId", "park.person_not_of_vendor")]
    [InlineData("""{"rates":[{"teamId":999999999,"rate":"0.01"}]}""", "rates[0].teamId", "park.team_not_of_vendor")]
    [InlineData("""{"rates":[{"teamId":1,"userId":1,"rate":"0.01"}]}""", "rates[0].userId", "park.rate_team_or_person")]
    public async Task BadRatesAreRefusedNamingTheField(string body, string field, string code)
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1);
        var vendor = await scene.VendorAsync(1);
        var offer = await scene.OfferAsync(vendor, quota: 1);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var r = await vendor.Admin.Http.PutAsync($"api/contracts/{offer.Id}/pay-rates", content);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Single(problem.Errors(field));
        Assert.Equal(code, problem.GetProperty("fields").GetProperty(field)[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("26-11")]
    [InlineData("november")]
    public async Task ABadMonthIsRefusedNamingTheField(string month)
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1);
        var vendor = await scene.VendorAsync(1);
        using var r = await vendor.Admin.Http.GetAsync($"api/organizations/{vendor.Org.Id}/statements/{month}");
        Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("month"));
    }
}

public sealed class SqlitePayTests(SqliteFixture fx) : PayTests<SqliteFixture>(fx);

public sealed class PostgresPayTests(PostgresFixture fx) : PayTests<PostgresFixture>(fx);
