using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Tests.Queue;

public class LeaseCacheTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Lease LeaseOf(long assignment, DateTimeOffset expires, string? gold = null) =>
        new(LeaseRefusal.None, assignment, 70 + assignment, "{\"text\":\"你好\"}", expires, null, null, [], gold);

    [Fact]
    public void AKnownLeaseIsFoundOnlyForItsAnnotatorAndOnlyUntilItExpires()
    {
        var clock = new Clock();
        var cache = new LeaseCache(clock);
        cache.Remember(userId: 5, projectId: 9, LeaseOf(1, clock.Now.AddMinutes(10), gold: "{\"label\":[\"pos\"]}"));

        var row = cache.Find(1, 5);
        Assert.NotNull(row);
        Assert.Equal((9L, 71L, "{\"text\":\"你好\"}", "{\"label\":[\"pos\"]}"), (row.ProjectId, row.TaskId, row.DataJson, row.GoldJson));
        Assert.Null(cache.Find(1, 6)); // someone else's lease is not theirs to submit
        Assert.Null(cache.Find(2, 5));

        clock.Now = clock.Now.AddMinutes(10);
        Assert.Null(cache.Find(1, 5)); // expired: the database decides what happens now
    }

    [Fact]
    public void ASubmittedLeaseIsForgotten()
    {
        var clock = new Clock();
        var cache = new LeaseCache(clock);
        cache.Remember(5, 9, LeaseOf(1, clock.Now.AddMinutes(10)));
        cache.Forget(1);
        Assert.Null(cache.Find(1, 5));
    }

    [Fact]
    public void WhenFullExpiredLeasesMakeRoomAndLiveOnesAreNeverDisplaced()
    {
        var clock = new Clock();
        var cache = new LeaseCache(clock);
        for (var i = 0; i < LeaseCache.Capacity; i++)
        {
            cache.Remember(5, 9, LeaseOf(i, clock.Now.AddMinutes(i < 10 ? 1 : 60)));
        }
        cache.Remember(5, 9, LeaseOf(LeaseCache.Capacity, clock.Now.AddMinutes(60)));
        Assert.Null(cache.Find(LeaseCache.Capacity, 5)); // full of live leases: the newcomer goes uncached

        clock.Now = clock.Now.AddMinutes(2); // the first ten have expired
        cache.Remember(5, 9, LeaseOf(LeaseCache.Capacity, clock.Now.AddMinutes(60)));
        Assert.NotNull(cache.Find(LeaseCache.Capacity, 5));
        Assert.NotNull(cache.Find(LeaseCache.Capacity - 1, 5));
    }
}
