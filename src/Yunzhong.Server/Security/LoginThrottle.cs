using System.Collections.Concurrent;

namespace Yunzhong.Server.Security;

/// <summary>
/// Slows password guessing against one account: after <see cref="MaxFailures"/> wrong passwords for
/// an email within <see cref="Window"/> (counted from the first of them), password log-in for that
/// email is refused until the window ends, whatever password is given, and the caller is told when
/// to try again. A correct password before that clears the count. API tokens are not affected.
/// The count lives in this server's memory: a restart forgets it, which only gives a guesser one
/// fresh window, and several servers behind one address each keep their own.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Beyond this many tracked emails, lapsed entries are dropped (guessing across
    /// made-up emails must not grow memory without bound).</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset Since);

    /// <summary>How long the email must wait before its next attempt; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string email)
    {
        if (!_failures.TryGetValue(email, out var f))
        {
            return null;
        }
        var left = f.Since + Window - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            _failures.TryRemove(new KeyValuePair<string, Failures>(email, f));
            return null;
        }
        return f.Count >= MaxFailures ? left : null;
    }

    public void Failed(string email)
    {
        var now = time.GetUtcNow();
        _failures.AddOrUpdate(email, _ => new Failures(1, now),
            (_, f) => f.Since + Window <= now ? new Failures(1, now) : f with { Count = f.Count + 1 });
        if (_failures.Count > PruneAbove)
        {
            foreach (var (key, f) in _failures)
            {
                if (f.Since + Window <= now)
                {
                    _failures.TryRemove(new KeyValuePair<string, Failures>(key, f));
                }
            }
        }
    }

    public void Succeeded(string email) => _failures.TryRemove(email, out _);
}
