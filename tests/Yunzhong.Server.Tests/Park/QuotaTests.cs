using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Yunzhong.Server.Tests.Park;

/// <summary>No overshoot: however many of several vendors' annotators hammer the queue at once, a
/// contract never has more leases plus submissions than its quota, and its count matches its leases.</summary>
public abstract class QuotaTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };

    [Fact]
    public Task ManyConcurrentAnnotatorsAcrossVendorsNeverOvershootAQuota() => NoOvershootAsync(fx);

    protected static async Task NoOvershootAsync(ServerFixture fx)
    {
        const int annotatorsPerVendor = 100;
        long[] quotas = [37, 61, 45];
        var scene = await ParkScene.CreateAsync(fx, tasks: 400);
        var vendors = new List<(Vendor Vendor, ContractView Contract)>();
        foreach (var quota in quotas)
        {
            var v = await scene.VendorAsync(annotatorsPerVendor);
            vendors.Add((v, await scene.ActiveContractAsync(v, quota)));
        }
        var refusals = new ConcurrentBag<long>();
        // A lease past the quota would break contracts' CHECK (used <= quota) and fail its whole batch,
        // whose operations the writer then retries one by one, each exact: count such failures too.
        var engine = fx.Services.GetRequiredService<QueueEngine>();
        var failedBefore = engine.FailedBatches;
        var gate = new TaskCompletionSource();
        var workers = vendors.SelectMany(v => v.Vendor.People.Select(p => (p, v.Contract.Id))).Select(async w =>
        {
            await gate.Task;
            var rng = new Random((int)w.p.Id);
            for (var i = 0; i < 10;)
            {
                using var r = await w.p.Http.PostAsync($"api/projects/{scene.Project}/queue/next", null);
                if (r.StatusCode == HttpStatusCode.Conflict)
                {
                    // Used up, or only held by leases that may still be given back: stop once all is delivered.
                    refusals.Add(w.Id);
                    if (await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM assignments WHERE contract_id = @id AND status = 'submitted'", new { id = w.Id })
                        == vendors.First(v => v.Contract.Id == w.Id).Contract.Quota)
                    {
                        return;
                    }
                    await Task.Delay(20);
                    continue;
                }
                i++;
                var lease = await r.OkAsync<NextResponse>("next");
                // Some give their lease back (its unit must return), the rest submit.
                using var done = rng.Next(5) == 0
                    ? await w.p.Http.PostAsync($"api/assignments/{lease.AssignmentId}/skip", null)
                    : await w.p.SubmitAsync(lease.AssignmentId, _pos);
                Assert.True(done.IsSuccessStatusCode, $"{(int)done.StatusCode}: {await done.Content.ReadAsStringAsync()}");
            }
        }).ToList();
        gate.SetResult();
        await Task.WhenAll(workers);

        foreach (var (_, contract) in vendors)
        {
            var submitted = await fx.QueryScalarAsync<long>(
                "SELECT COUNT(*) FROM assignments WHERE contract_id = @id AND status = 'submitted'", new { id = contract.Id });
            var open = await fx.QueryScalarAsync<long>(
                "SELECT COUNT(*) FROM assignments WHERE contract_id = @id AND status IN ('leased', 'returned')", new { id = contract.Id });
            var used = await fx.QueryScalarAsync<long>("SELECT used FROM contracts WHERE id = @id", new { id = contract.Id });
            Assert.True(submitted + open <= contract.Quota, $"contract {contract.Id}: {submitted} submitted + {open} open > quota {contract.Quota}");
            Assert.Equal(submitted + open, used);
            // Work was plentiful, so every vendor used its whole quota and was then turned away.
            Assert.Equal(contract.Quota, submitted);
            Assert.Contains(contract.Id, refusals);
        }
        Assert.Equal(quotas.Sum(), await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM annotations WHERE project_id = @p", new { p = scene.Project }));
        Assert.Equal(failedBefore, engine.FailedBatches);
    }
}

public sealed class SqliteQuotaTests(SqliteFixture fx) : QuotaTests<SqliteFixture>(fx);

public sealed class PostgresQuotaTests(PostgresFixture fx) : QuotaTests<PostgresFixture>(fx)
{
    /// <summary>Four writer loops commit batches side by side: each locks its contracts first, in id order,
    /// so none overshoots and none waits on another in the opposite order.</summary>
    [Fact]
    public async Task SeveralWritersSideBySideNeverOvershootAQuota()
    {
        var server = new ConfiguredPostgresFixture(Configured.With(("Queue:PostgresWriters", "4")));
        await server.InitializeAsync();
        try
        {
            await NoOvershootAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
