using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Tests.Park;

public abstract class ProductivityTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };

    /// <summary>A vendor of three at a site in 灵丘县 (two annotators in a team led by the first, one reviewer) on an
    /// active contract paying 0.02 a unit; the first annotator does two tasks (one accepted, one rejected), the second one.</summary>
    private async Task<(ParkScene Scene, Vendor Vendor, TeamView Team, SiteView Site)> WorkedAsync()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 6, review: ReviewPolicy.All);
        var vendor = await scene.VendorAsync(3, Roles.Annotator | Roles.Reviewer);
        var site = await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites",
            new { name = "灵丘职场", countyCode = "140224", seats = 5, opens = "00:00", closes = "23:59" });
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = vendor.People.Select(p => p.Id).ToArray() }, HttpJson.Options))
        {
            await r.OkAsync<SiteView>("place");
        }
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams",
            new { name = "一组", leadUserId = vendor.People[0].Id, memberIds = new[] { vendor.People[0].Id, vendor.People[1].Id } });
        var offer = await scene.OfferAsync(vendor, quota: 6);
        await ParkScene.ActAsync(vendor.Admin, offer.Id, ContractEvent.Accept);
        await ParkScene.StaffAsync(vendor.Admin, offer.Id, [vendor.People[2]], team.Id);
        var contract = await ParkScene.ActAsync(scene.ClientAdmin, offer.Id, ContractEvent.Activate);
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/contracts/{contract.Id}/pay-rates", new { rates = new[] { new { rate = "0.02" } } }, HttpJson.Options))
        {
            await r.OkAsync<PayRatesRequest>("rates");
        }
        var (a, b, reviewer) = (vendor.People[0], vendor.People[1], vendor.People[2]);
        var (_, a1) = await a.AnnotateAsync(scene.Project, _pos, leadTimeSeconds: 10);
        var (_, a2) = await a.AnnotateAsync(scene.Project, _pos, leadTimeSeconds: 30);
        await b.AnnotateAsync(scene.Project, _pos, leadTimeSeconds: 50);
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a1}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync<ReviewResponse>($"api/annotations/{a2}/review", new { action = "reject", comment = "不对" });
        return (scene, vendor, team, site);
    }

    /// <summary>The exact median of annotator-days' mean seconds per annotation.</summary>
    private static double? ExactMedian(IEnumerable<(long Annotations, double Seconds)> days)
    {
        var v = days.Select(d => d.Seconds / d.Annotations).Order().ToList();
        return v.Count == 0 ? null : v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }

    [Fact]
    public async Task MediansFromTheSecondsHistogramAgreeWithTheExactOnesWithinOneSecond()
    {
        var scene = await ParkScene.CreateAsync(fx, tasks: 1, review: ReviewPolicy.All);
        var vendor = await scene.VendorAsync(7);
        var site = await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", new { name = "阳高职场", countyCode = "140221", seats = 9 });
        var team = await vendor.Admin.Http.PostOkAsync<TeamView>($"api/organizations/{vendor.Org.Id}/teams",
            new { name = "快组", leadUserId = vendor.People[0].Id, memberIds = new[] { vendor.People[0].Id, vendor.People[1].Id, vendor.People[2].Id } });
        // Hand-built running totals over the last nine days (eight over, today live): each person some days, at the team or none,
        // with means of seconds per annotation that are not whole seconds.
        var today = ParkDayNumber(fx.Time.GetUtcNow());
        var rng = new Random(1204);
        var rows = new List<(long Day, long Team, long User, long Annotations, double Seconds, long Tasks)>();
        foreach (var (p, i) in vendor.People.Select((p, i) => (p, i)))
        {
            for (var day = today - 8; day <= today; day++)
            {
                if (rng.NextDouble() < 0.3)
                {
                    continue;
                }
                var annotations = rng.Next(3, 40);
                rows.Add((day, i < 3 ? team.Id : 0, p.Id, annotations, annotations * (5 + (rng.NextDouble() * 90)), annotations - 1));
            }
        }
        await using (var c = await fx.Services.GetRequiredService<Db>().OpenAsync())
        {
            await c.ExecuteAsync("""
                INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, tasks, annotations, seconds)
                VALUES (@Day, @project, @vendor, @site, @Team, @User, @Tasks, @Annotations, @Seconds)
                """, rows.Select(r => new { r.Day, project = scene.Project, vendor = vendor.Org.Id, site = site.Id, r.Team, r.User, r.Tasks, r.Annotations, r.Seconds }));
            await c.ExecuteAsync("DELETE FROM park_days_built");
        }
        var from = ParkScope.DayOf(today - 8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var v = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?vendor={vendor.Org.Id}&from={from}&by=team");

        void Near(double? exact, double? fromBuckets, string what)
        {
            Assert.True(exact is { } e && fromBuckets is { } b && Math.Abs(e - b) <= 1, $"{what}: exact {exact}, from buckets {fromBuckets}");
        }
        Assert.Equal(rows.Sum(r => r.Tasks), v.Totals.Tasks);
        Assert.Equal(rows.Sum(r => r.Annotations), v.Totals.Annotations);
        Assert.Equal(rows.Select(r => r.User).Distinct().Count(), v.Totals.ActiveAnnotators);
        Near(ExactMedian(rows.Select(r => (r.Annotations, r.Seconds))), v.Totals.MedianSecondsPerTask, "total");
        Assert.Equal(9, v.Days.Count);
        foreach (var d in v.Days)
        {
            var of = rows.Where(r => r.Day == ParkScope.DayNumber(d.Day)).ToList();
            Assert.Equal((of.Count, of.Sum(r => r.Annotations)), (d.Figures.ActiveAnnotators, d.Figures.Annotations));
            Near(ExactMedian(of.Select(r => (r.Annotations, r.Seconds))), d.Figures.MedianSecondsPerTask, d.Day.ToString());
        }
        Assert.Equal(2, v.Groups.Count);
        foreach (var g in v.Groups)
        {
            var of = rows.Where(r => r.Team.ToString(System.Globalization.CultureInfo.InvariantCulture) == g.Key).ToList();
            Assert.Equal((of.Select(r => r.User).Distinct().Count(), of.Sum(r => r.Tasks)), (g.Figures.ActiveAnnotators, g.Figures.Tasks));
            Near(ExactMedian(of.Select(r => (r.Annotations, r.Seconds))), g.Figures.MedianSecondsPerTask, "team " + g.Key);
        }

        // A later write to a built day drops it, and the next read counts it.
        await using (var c = await fx.Services.GetRequiredService<Db>().OpenAsync())
        {
            await c.ExecuteAsync("UPDATE park_rollups SET tasks = tasks + 5 WHERE day = @day AND vendor_org_id = @vendor AND user_id = @user",
                new { day = rows[0].Day, vendor = vendor.Org.Id, user = rows[0].User });
            await c.ExecuteAsync("DELETE FROM park_days_built WHERE day = @day", new { day = rows[0].Day });
        }
        var again = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?vendor={vendor.Org.Id}&from={from}");
        Assert.Equal(rows.Sum(r => r.Tasks) + 5, again.Totals.Tasks);
    }

    [Fact]
    public async Task AVendorSeesItsProductivityPerDaySiteCountyAndTeam()
    {
        var (_, vendor, team, site) = await WorkedAsync();
        var today = DateOnly.FromDateTime(fx.Time.GetUtcNow().UtcDateTime);

        var v = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?vendor={vendor.Org.Id}&by=team");
        var t = v.Totals;
        Assert.Equal((3L, 3L, 2L, 1L, 1L, 0.5), (t.Tasks, t.Annotations, t.ActiveAnnotators, t.Accepted, t.Rejected, t.AcceptanceRate));
        // Annotator a took 20 s a task on average, b 50 s: the median of the two is 35 s.
        Assert.Equal(35.0, t.MedianSecondsPerTask);
        Assert.Equal("0.02", t.Earned);
        var day = Assert.Single(v.Days);
        Assert.Equal((today, 3L), (day.Day, day.Figures.Annotations));
        var g = Assert.Single(v.Groups);
        Assert.Equal((team.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "一组", 3L), (g.Key, g.Name, g.Figures.Annotations));

        var county = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?vendor={vendor.Org.Id}&county=140224&by=site");
        Assert.Equal(3L, county.Totals.Annotations);
        Assert.Equal(("灵丘职场", 3L), (Assert.Single(county.Groups).Name, county.Groups[0].Figures.Annotations));
        var elsewhere = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?vendor={vendor.Org.Id}&county=140213");
        Assert.Equal(0L, elsewhere.Totals.Annotations);
        Assert.Empty(elsewhere.Days);

        // The team's lead sees the team, not the vendor.
        var lead = vendor.People[0];
        var mine = await lead.Http.GetOkAsync<ProductivityView>($"api/park/productivity?team={team.Id}");
        Assert.Equal((3L, vendor.Org.Id), (mine.Totals.Annotations, mine.VendorOrganizationId));
        using (var r = await lead.Http.GetAsync($"api/park/productivity?vendor={vendor.Org.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await vendor.People[2].Http.GetAsync($"api/park/productivity?team={team.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var bySite = await vendor.Admin.Http.GetOkAsync<ProductivityView>($"api/park/productivity?site={site.Id}");
        Assert.Equal(3L, bySite.Totals.Annotations);
    }

    [Fact]
    public async Task TheDashboardReadsDaysThatAreOverFromTheirBuiltTotalsAndBuildsADayWrittenAgain()
    {
        var (scene, vendor, _, site) = await WorkedAsync();
        var path = $"api/park/dashboard?vendor={vendor.Org.Id}";
        var live = await vendor.Admin.Http.GetOkAsync<ParkDashboard>(path);
        var day = ParkDayNumber(fx.Time.GetUtcNow());
        Assert.Equal(0L, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM park_days_built WHERE day = @day", new { day }));

        fx.Time.Advance(TimeSpan.FromDays(1));
        var over = await vendor.Admin.Http.GetOkAsync<ParkDashboard>(path);
        Assert.Equal(live.Cards, over.Cards);
        Assert.Equal(live.Days, over.Days);
        Assert.Equal(("140224", 3L, 1L, 2L), (Assert.Single(over.Counties).CountyCode, over.Counties[0].Annotations, over.Counties[0].Accepted, over.Counties[0].Annotators));
        Assert.Equal(1L, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM park_days_built WHERE day = @day", new { day }));
        Assert.Equal(3L, await fx.QueryScalarAsync<long>(
            "SELECT annotations FROM park_daily WHERE day = @day AND vendor_org_id = @vendor AND site_id = @site", new { day, vendor = vendor.Org.Id, site = site.Id }));

        // A day whose running totals change is built again on the next read.
        await fx.QueryScalarAsync<long?>("UPDATE park_rollups SET annotations = annotations + 5 WHERE day = @day AND vendor_org_id = @vendor AND user_id = @user",
            new { day, vendor = vendor.Org.Id, user = vendor.People[1].Id });
        await fx.QueryScalarAsync<long?>("DELETE FROM park_days_built WHERE day = @day", new { day });
        Assert.Equal(8L, (await vendor.Admin.Http.GetOkAsync<ParkDashboard>(path)).Cards.Annotations);

        // Submitting or reviewing on a day drops it from the built days (the triggers).
        var today = ParkDayNumber(fx.Time.GetUtcNow());
        await fx.QueryScalarAsync<long?>("INSERT INTO park_days_built (day) VALUES (@today)", new { today });
        await vendor.People[1].AnnotateAsync(scene.Project, _pos, leadTimeSeconds: 5);
        Assert.Equal(0L, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM park_days_built WHERE day = @today", new { today }));
        var both = await vendor.Admin.Http.GetOkAsync<ParkDashboard>(path);
        Assert.Equal((9L, 2L), (both.Cards.Annotations, both.Cards.ActiveAnnotators));
        Assert.Equal([3L + 5, 1L], both.Days.Select(d => d.Annotations));
    }

    /// <summary>The running totals are kept per statement on PostgreSQL (the queue writes a batch's
    /// submissions in one) and per row on SQLite: one statement writing several annotations counts each,
    /// and counts a task only for its annotator's first annotation of it, this statement's included.</summary>
    [Fact]
    public async Task OneStatementsAnnotationsAreEachCountedAndATaskOnlyOnceAPerson()
    {
        var (_, vendor, team, _) = await WorkedAsync();
        var (a, b) = (vendor.People[0], vendor.People[1]);
        var today = ParkDayNumber(fx.Time.GetUtcNow());
        const string totals = """
            SELECT COALESCE(SUM(tasks), 0) AS Tasks, COALESCE(SUM(annotations), 0) AS Annotations, COALESCE(SUM(seconds), 0) AS Seconds
            FROM park_rollups WHERE day = @today AND user_id = @user AND team_id = @team
            """;
        await using var c = await fx.Services.GetRequiredService<Db>().OpenAsync();
        var before = (await c.QueryAsync<(long Tasks, long Annotations, double Seconds)>(totals, new { today, user = a.Id, team = team.Id })).Single();
        var beforeB = (await c.QueryAsync<(long Tasks, long Annotations, double Seconds)>(totals, new { today, user = b.Id, team = team.Id })).Single();
        Assert.Equal((2L, 2L), (before.Tasks, before.Annotations));
        await c.ExecuteAsync("INSERT INTO park_days_built (day) VALUES (@today)", new { today });
        // a's first lease again (a task a has worked: annotations, not a task), a's second lease copied onto a
        // fresh task twice (one task, two annotations), and b's lease once more: five rows, one statement.
        var leases = (await c.QueryAsync<long>("SELECT id FROM assignments WHERE user_id = @user ORDER BY id", new { user = a.Id })).ToList();
        var leaseB = await c.QuerySingleAsync<long>("SELECT id FROM assignments WHERE user_id = @user ORDER BY id LIMIT 1", new { user = b.Id });
        var fresh = await c.QuerySingleAsync<long>(
            "SELECT id FROM tasks WHERE id NOT IN (SELECT task_id FROM assignments) ORDER BY id LIMIT 1");
        await c.ExecuteAsync("UPDATE assignments SET task_id = @fresh WHERE id = @lease", new { fresh, lease = leases[1] });
        var written = await c.ExecuteAsync("""
            INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, status, result_json, lead_time, created_at)
            SELECT s.task_id, s.project_id, s.id, s.user_id, s.user_id, 1, 'submitted', '{}', n.lead, @now
            FROM assignments s JOIN (SELECT @first AS lease, 1.0 AS lead UNION ALL SELECT @second, 2.0 UNION ALL SELECT @second, 4.0
                                     UNION ALL SELECT @leaseB, 8.0) n ON n.lease = s.id
            """, new { first = leases[0], second = leases[1], leaseB, now = fx.Time.GetUtcNow().ToUnixTimeMilliseconds() });
        Assert.Equal(4, written);

        var after = (await c.QueryAsync<(long Tasks, long Annotations, double Seconds)>(totals, new { today, user = a.Id, team = team.Id })).Single();
        var afterB = (await c.QueryAsync<(long Tasks, long Annotations, double Seconds)>(totals, new { today, user = b.Id, team = team.Id })).Single();
        Assert.Equal((before.Tasks + 1, before.Annotations + 3, before.Seconds + 7), (after.Tasks, after.Annotations, after.Seconds));
        Assert.Equal((beforeB.Tasks, beforeB.Annotations + 1, beforeB.Seconds + 8), (afterB.Tasks, afterB.Annotations, afterB.Seconds));
        Assert.Equal(0L, await c.QuerySingleAsync<long>("SELECT COUNT(*) FROM park_days_built WHERE day = @today", new { today }));
    }

    private static long ParkDayNumber(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 86_400_000;

    [Fact]
    public async Task TheDemosSimulatedHalfYearGivesEveryCohortItsShares()
    {
        var (scene, _, _, _) = await WorkedAsync();
        var vendor = await scene.VendorAsync(24);
        var site = await vendor.Admin.Http.PostOkAsync<SiteView>($"api/organizations/{vendor.Org.Id}/sites", new { name = "云冈职场", countyCode = "140214", seats = 30 });
        using (var r = await vendor.Admin.Http.PutAsJsonAsync($"api/sites/{site.Id}/people", new { userIds = vendor.People.Select(p => p.Id).ToArray() }, HttpJson.Options))
        {
            await r.OkAsync<SiteView>("place");
        }
        await Yunzhong.Server.Features.Park.ParkHistory.WriteAsync(fx.Services.GetRequiredService<Db>(), fx.Time, CancellationToken.None);

        var op = await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Manager);
        var cohorts = (await op.Http.GetOkAsync<RetentionView>($"api/park/retention?vendor={vendor.Org.Id}")).Cohorts;
        Assert.InRange(cohorts.Count, 5, 7);
        var today = DateOnly.FromDateTime(fx.Time.GetUtcNow().UtcDateTime);
        foreach (var c in cohorts)
        {
            Assert.True(c.Started > 0, c.Month);
            var monthEnd = DateOnly.ParseExact(c.Month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1);
            foreach (var (n, measured, share) in new[] { (30, c.Measured30, c.After30), (60, c.Measured60, c.After60), (90, c.Measured90, c.After90) })
            {
                if (monthEnd.AddDays(n) < today)
                {
                    Assert.Equal(c.Started, measured);
                    Assert.NotNull(share);
                }
            }
        }
        Assert.NotNull(cohorts[0].After90);
        var park = await op.Http.GetOkAsync<ParkDashboard>($"api/park/dashboard?vendor={vendor.Org.Id}");
        Assert.True(park.Days.Count > 60);
        Assert.True(park.Cards.ActiveAnnotators > 10);
    }

    [Fact]
    public async Task OtherVendorsClientsAndAnnotatorsSeeNoneOfIt()
    {
        var (scene, vendor, team, site) = await WorkedAsync();
        var other = await scene.VendorAsync(0);
        foreach (var path in new[]
                 {
                     $"api/park/productivity?vendor={vendor.Org.Id}", $"api/park/productivity?team={team.Id}", $"api/park/productivity?site={site.Id}",
                     $"api/park/retention?vendor={vendor.Org.Id}", $"api/park/employment?vendor={vendor.Org.Id}",
                 })
        {
            using (var r = await other.Admin.Http.GetAsync(path))
            {
                await r.ProblemAsync(HttpStatusCode.NotFound);
            }
            using (var r = await scene.ClientAdmin.Http.GetAsync(path))
            {
                await r.ProblemAsync(HttpStatusCode.NotFound);
            }
        }
        // A site or team of another vendor than the one named is not found.
        using (var r = await other.Admin.Http.GetAsync($"api/park/productivity?vendor={other.Org.Id}&team={team.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        foreach (var path in new[] { "api/park/productivity", "api/park/retention", "api/park/employment" })
        {
            using var r = await vendor.Admin.Http.GetAsync(path);
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await vendor.Admin.Http.GetAsync($"api/projects/{scene.Project}/vendor-progress"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await vendor.Admin.Http.GetAsync($"api/park/productivity?vendor={vendor.Org.Id}&site={site.Id}&team={team.Id}"))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("site"));
        }
        using (var r = await vendor.Admin.Http.GetAsync($"api/park/productivity?vendor={vendor.Org.Id}&county=abc"))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("county"));
        }
        using (var r = await vendor.Admin.Http.GetAsync($"api/park/productivity?vendor={vendor.Org.Id}&by=planet"))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("by"));
        }
    }

    [Fact]
    public async Task TheClientSeesEachVendorsProgressAndQualityButNoPay()
    {
        var (scene, vendor, _, _) = await WorkedAsync();
        var view = await scene.ClientAdmin.Http.GetOkAsync<VendorProgressView>($"api/projects/{scene.Project}/vendor-progress");
        var p = Assert.Single(view.Vendors);
        Assert.Equal((vendor.Org.Id, ContractState.Active, 6L, 3L, 3L, 1L, 1L, 0.5, 2L),
            (p.VendorOrganizationId, p.State, p.Quota, p.Used, p.Annotations, p.Accepted, p.Rejected, p.AcceptanceRate, p.ActiveAnnotators));
        Assert.Equal(3L, Assert.Single(view.Days).Annotations);
        using var raw = await scene.ClientAdmin.Http.GetAsync($"api/projects/{scene.Project}/vendor-progress");
        var text = await raw.Content.ReadAsStringAsync();
        Assert.DoesNotContain("earned", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("price", text, StringComparison.OrdinalIgnoreCase);
        // The project's annotators (not managers) are refused.
        var annotator = await scene.Client.PersonAsync(Roles.Annotator);
        using var r = await annotator.Http.GetAsync($"api/projects/{scene.Project}/vendor-progress");
        await r.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheOperatorSeesRetentionAndPeoplePerCounty()
    {
        var (scene, vendor, _, _) = await WorkedAsync();
        var op = await (await fx.NewOrgAsync("operator")).PersonAsync(Roles.Manager);
        var retention = await op.Http.GetOkAsync<RetentionView>($"api/park/retention?vendor={vendor.Org.Id}");
        var cohort = Assert.Single(retention.Cohorts);
        Assert.Equal((fx.Time.GetUtcNow().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), 2L, 0L), (cohort.Month, cohort.Started, cohort.Measured30));
        Assert.Null(cohort.After30); // nobody started 30 days ago yet

        var people = await op.Http.GetOkAsync<EmploymentView>($"api/park/employment?vendor={vendor.Org.Id}");
        var county = Assert.Single(people.Counties);
        Assert.Equal(("140224", 1L, 1L, 5L, 3L, 2L), (county.CountyCode, county.Vendors, county.Sites, county.Seats, county.People, county.ActiveLast30Days));
        var park = await op.Http.GetOkAsync<EmploymentView>("api/park/employment");
        Assert.Contains(park.Counties, c => c.CountyCode == "140224" && c.People >= 3);
        var all = await op.Http.GetOkAsync<ProductivityView>("api/park/productivity?by=vendor");
        Assert.Contains(all.Groups, g => g.Key == vendor.Org.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && g.Figures.Annotations == 3);
        var progress = await op.Http.GetOkAsync<VendorProgressView>($"api/projects/{scene.Project}/vendor-progress");
        Assert.Equal(3L, Assert.Single(progress.Vendors).Annotations);
    }
}

public sealed class SqliteProductivityTests(SqliteFixture fx) : ProductivityTests<SqliteFixture>(fx);

public sealed class PostgresProductivityTests(PostgresFixture fx) : ProductivityTests<PostgresFixture>(fx);
