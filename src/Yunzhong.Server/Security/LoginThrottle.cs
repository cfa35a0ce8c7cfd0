using System.Collections.Concurrent;

namespace Yunzhong.Server.Security;

/// <summary>
/// Slows password guessing against one account: at most <see cref="MaxFailures"/> password checks
/// that did not succeed for an email within <see cref="Window"/> (counted from the first of them);
/// after that, password log-in for that email is refused until the window ends, whatever password is
/// given, and the caller is told when to try again. Known and unknown emails are counted alike, so the
/// answer does not tell which exist. A correct password clears the count. API tokens are not affected.
/// <para>
/// An attempt is counted when it starts, before the password is checked: counting after the check
/// let 40 guesses sent at once all pass the gate while the first ones were still hashing (6 to 15
/// tries instead of 5). The count lives in this server's memory: a restart forgets it, which only
/// gives a guesser one fresh window, and several servers each keep their own; the per-address limit
/// (<see cref="LoginLimits"/>) bounds the rest.
/// </para>
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Beyond this many tracked emails, lapsed entries are dropped (guessing across
    /// made-up emails must not grow memory without bound).</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Attempts> _attempts = new(StringComparer.Ordinal);

    private sealed record Attempts(int Count, DateTimeOffset Since);

    /// <summary>
    /// Takes one attempt for <paramref name="email"/>: null when the password may be checked now (the
    /// attempt is counted as failed until <see cref="Succeeded"/> says otherwise), else how long the
    /// email must wait.
    /// </summary>
    public TimeSpan? TryAttempt(string email)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_attempts.TryGetValue(email, out var a))
            {
                if (_attempts.TryAdd(email, new Attempts(1, now)))
                {
                    Prune(now);
                    return null;
                }
                continue;
            }
            var next = a.Since + Window <= now ? new Attempts(1, now)
                : a.Count >= MaxFailures ? null
                : a with { Count = a.Count + 1 };
            if (next is null)
            {
                return a.Since + Window - now;
            }
            // Compare-and-swap: of attempts racing on one email, each sees the count its rival left.
            if (_attempts.TryUpdate(email, next, a))
            {
                return null;
            }
        }
    }

    public void Succeeded(string email) => _attempts.TryRemove(email, out _);

    private void Prune(DateTimeOffset now)
    {
        if (_attempts.Count <= PruneAbove)
        {
            return;
        }
        foreach (var (key, a) in _attempts)
        {
            if (a.Since + Window <= now)
            {
                _attempts.TryRemove(new KeyValuePair<string, Attempts>(key, a));
            }
        }
    }
}
