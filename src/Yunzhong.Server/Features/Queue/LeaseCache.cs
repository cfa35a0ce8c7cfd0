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

    private readonly ConcurrentDictionary<long, (long UserId, AssignmentRow Row, DateTimeOffset ExpiresAt)> _leases = new();

    public void Remember(long userId, long projectId, Lease lease)
    {
        if (_leases.Count >= Capacity)
        {
            Prune();
            if (_leases.Count >= Capacity)
            {
                return;
            }
        }
        _leases[lease.AssignmentId] = (userId,
            new AssignmentRow(lease.AssignmentId, projectId, lease.TaskId, "leased", lease.DataJson, lease.GoldJson), lease.ExpiresAt);
    }

    /// <summary>The lease as <see cref="AssignmentReader"/> would read it, when this server knows it.</summary>
    public AssignmentRow? Find(long assignmentId, long userId) =>
        _leases.TryGetValue(assignmentId, out var e) && e.UserId == userId && e.ExpiresAt > time.GetUtcNow() ? e.Row : null;

    public void Forget(long assignmentId) => _leases.TryRemove(assignmentId, out _);

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (id, e) in _leases)
        {
            if (e.ExpiresAt <= now)
            {
                _leases.TryRemove(id, out _);
            }
        }
    }
}
