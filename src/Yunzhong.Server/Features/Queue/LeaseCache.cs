using System.Collections.Concurrent;

namespace Yunzhong.Server.Features.Queue;

/// <summary>
/// The leases this server handed out, with their task's data and gold answer, so a submission can be
/// validated and scored without reading its lease and task back from the database: that read was a
/// round trip per submission on PostgreSQL. Only a shortcut: a miss (another server's lease, a
/// restart, a full cache) falls back to the read, and the queue writer checks the lease itself
/// when it stores the annotation, so a stale entry can never let a submission through that the
/// database would refuse. Task data and gold answers do not change after import.
/// </summary>
public sealed class LeaseCache(TimeProvider time)
{
    /// <summary>At most this many leases are remembered (a few KB each at most for typical tasks).</summary>
    public const int Capacity = 100_000;

    // Many stripes, and a counter of our own: the dictionary's Count takes every stripe's lock,
    // which under a thousand concurrent requests showed up as lock contention.
    private readonly ConcurrentDictionary<long, (long UserId, AssignmentRow Row, DateTimeOffset ExpiresAt)> _leases =
        new(concurrencyLevel: 64, capacity: 1024);
    private int _count;

    public void Remember(long userId, long projectId, Lease lease)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            Prune();
            if (Volatile.Read(ref _count) >= Capacity)
            {
                return;
            }
        }
        var entry = (userId, new AssignmentRow(lease.AssignmentId, projectId, lease.TaskId, "leased", lease.DataJson, lease.GoldJson), lease.ExpiresAt);
        if (_leases.TryAdd(lease.AssignmentId, entry))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _leases[lease.AssignmentId] = entry;
        }
    }

    /// <summary>The lease as <see cref="AssignmentReader"/> would read it, when this server knows it.</summary>
    public AssignmentRow? Find(long assignmentId, long userId) =>
        _leases.TryGetValue(assignmentId, out var e) && e.UserId == userId && e.ExpiresAt > time.GetUtcNow() ? e.Row : null;

    public void Forget(long assignmentId)
    {
        if (_leases.TryRemove(assignmentId, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (id, e) in _leases)
        {
            if (e.ExpiresAt <= now)
            {
                Forget(id);
            }
        }
    }
}
