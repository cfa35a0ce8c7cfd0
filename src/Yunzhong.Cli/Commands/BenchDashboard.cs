using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Security;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench-park`: fills the park's running totals with --days days of history at --per-day
/// annotations a day (default 90 × 100,000 = 9 M annotations' worth) over --vendors vendors with two
/// sites each in Datong's counties, --annotators people in teams of ten, then times each dashboard
/// query over HTTP as the operator (median of --repeat runs, and the process's CPU per request), and the
/// productivity, retention and employment answers.
/// </summary>
internal static class BenchDashboard
{
    public static async Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var days = args.GetInt("days", 90);
        var perDay = args.GetInt("per-day", 100_000);
        var vendors = args.GetInt("vendors", 10);
        var annotators = args.GetInt("annotators", 3000);
        var repeat = args.GetInt("repeat", 5);
        var store = args.Get("store", "sqlite");
        string? database = null;
        string? dropDatabase = null;
        if (store == "postgres")
        {
            (database, dropDatabase) = await BenchCommand.CreateDatabaseAsync(args, "yz_benchpark", ct);
        }
        else if (store != "sqlite")
        {
            throw new CliException("--store must be sqlite or postgres");
        }
        try
        {
            return await MeasureAsync(store, database, days, perDay, vendors, annotators, repeat, ct);
        }
        finally
        {
            await BenchCommand.DropDatabaseAsync(args, dropDatabase);
        }
    }

    private static async Task<int> MeasureAsync(string store, string? database, int days, int perDay, int vendors, int annotators, int repeat, CancellationToken ct)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"yz-benchpark-{Guid.NewGuid():N}");
        await using var app = ServerApp.Build(new ServerOptions { DataDir = dataDir, Urls = "http://127.0.0.1:0", Database = database });
        await ServerApp.PrepareAsync(app, ct);
        await app.StartAsync(ct);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var db = app.Services.GetRequiredService<Db>();
        var accounts = app.Services.GetRequiredService<Accounts>();

        var fill = Stopwatch.StartNew();
        string token;
        long firstVendor;
        await using (var c = await db.OpenAsync(ct))
        {
            await using var tx = await db.BeginWriteAsync(c, ct);
            var op = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO organizations (name, kind, created_at) VALUES ('bench park', 'operator', 0) RETURNING id", transaction: tx, cancellationToken: ct));
            var me = await accounts.CreateUserAsync(c, tx, "operator@bench", "bench operator", null, ct);
            await Accounts.SetMembershipAsync(c, tx, op, me, Roles.Admin | Roles.Manager, ct);
            (_, token) = await accounts.CreateTokenAsync(c, tx, me, "bench", ct);
            var vendorIds = new List<long>();
            var siteIds = new List<long>();
            for (var v = 0; v < vendors; v++)
            {
                var org = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "INSERT INTO organizations (name, kind, created_at) VALUES (@name, 'vendor', 0) RETURNING id", new { name = $"bench vendor {v}" }, tx, cancellationToken: ct));
                vendorIds.Add(org);
                for (var s = 0; s < 2; s++)
                {
                    siteIds.Add(await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                        INSERT INTO sites (organization_id, name, county_code, seats, opens, closes, block_over_seats, created_at)
                        VALUES (@org, @name, @county, 100, '08:00', '20:00', 0, 0) RETURNING id
                        """, new { org, name = $"site {v}.{s}", county = BenchPark.Counties[(v * 2 + s) % BenchPark.Counties.Length] }, tx, cancellationToken: ct)));
                }
            }
            firstVendor = vendorIds[0];
            var today = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 86_400_000;
            var each = perDay / annotators;
            var rng = new Random(12);
            var rows = new List<object>(annotators);
            for (var d = 0; d < days; d++)
            {
                rows.Clear();
                for (var a = 0; a < annotators; a++)
                {
                    var v = a % vendors;
                    var accepted = each * 9 / 10;
                    rows.Add(new
                    {
                        day = today - days + 1 + d, project = 1 + v, vendor = vendorIds[v], site = siteIds[v * 2 + a / vendors % 2], team = 1 + a / 10, user = 1_000_000 + a,
                        annotations = each, accepted, rejected = each - accepted - rng.Next(2), gold = each / 10, score = each / 10 * 0.9,
                        seconds = each * 40.0, billed = accepted * 350L, earned = accepted * 2500L,
                    });
                }
                await c.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, annotations, accepted, rejected,
                                              gold_total, gold_score, seconds, billed_e4, earned_e5)
                    VALUES (@day, @project, @vendor, @site, @team, @user, @annotations, @accepted, @rejected, @gold, @score, @seconds, @billed, @earned)
                    """, rows, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
            if (store == "postgres")
            {
                await c.ExecuteAsync("ANALYZE park_rollups");
            }
        }
        var fillSeconds = fill.Elapsed.TotalSeconds;

        using var api = new Api(url, token);
        var queries = new Dictionary<string, string>
        {
            ["park"] = "api/park/dashboard",
            ["vendor"] = $"api/park/dashboard?vendor={firstVendor}",
            ["last_7_days"] = $"api/park/dashboard?from={DateTime.UtcNow.AddDays(-6):yyyy-MM-dd}",
            ["productivity_30_days"] = "api/park/productivity",
            ["productivity_vendor_90_days"] = $"api/park/productivity?vendor={firstVendor}&from={DateTime.UtcNow.AddDays(-89):yyyy-MM-dd}&by=site",
            ["retention"] = "api/park/retention",
            ["employment"] = "api/park/employment",
        };
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var result = new Dictionary<string, object?>
        {
            ["store"] = store, ["days"] = days, ["per_day"] = perDay, ["annotations"] = (long)days * perDay, ["vendors"] = vendors,
            ["annotators"] = annotators, ["rollup_rows"] = (long)days * annotators, ["fill_s"] = Math.Round(fillSeconds, 1),
        };
        foreach (var (name, path) in queries)
        {
            await api.GetAsync<JsonElement>(path, ct); // warm
            var times = new List<double>();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            for (var i = 0; i < repeat; i++)
            {
                var sw = Stopwatch.StartNew();
                await api.GetAsync<JsonElement>(path, ct);
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            process.Refresh();
            times.Sort();
            result[$"{name}_ms"] = Math.Round(times[times.Count / 2], 1);
            // The process's CPU per request (server and client in one process; the database server's not included):
            // comparable on a loaded machine, where the wall time is not.
            result[$"{name}_cpu_ms"] = Math.Round((process.TotalProcessorTime - cpu).TotalMilliseconds / repeat, 1);
        }
        await app.StopAsync(ct);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
