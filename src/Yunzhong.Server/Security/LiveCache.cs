using System.Collections.Concurrent;

namespace Yunzhong.Server.Security;

/// <summary>
/// Answers from the store about credentials (is this token or session still live, and whose), kept
/// for at most <c>ttl</c> so a revocation on another node counts within it. An entry in use is
/// looked up again in the background once it is past a random point between half and three
/// quarters of its life, and keeps answering meanwhile: a thousand annotators who signed in
/// together would otherwise all miss at the same moment, every <c>ttl</c>, and queue for the
/// store's connections together (their requests waiting on it). Only a key not seen for a whole
/// <c>ttl</c> waits for the store.
/// </summary>
internal sealed class LiveCache<T>(TimeProvider time, TimeSpan ttl)
{
    private sealed record Entry(T Value, DateTimeOffset At, DateTimeOffset RefreshAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, byte> _refreshing = new();

    // Bumped by every Forget and Clear: a look-up that began before one may have read the store
    // before the revocation committed, so its answer is used once but not kept.
    private long _forgets;

    /// <param name="lookup">Asks the store; <c>Found</c> false means not live (nothing is kept).</param>
    public async Task<(bool Found, T Value)> GetAsync(string key, Func<CancellationToken, Task<(bool Found, T Value)>> lookup, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var e) && now - e.At < ttl)
        {
            if (now >= e.RefreshAt && _refreshing.TryAdd(key, 0))
            {
                _ = RefreshAsync(key, lookup);
            }
            return (true, e.Value);
        }
        return await LoadAsync(key, lookup, ct);
    }

    /// <summary>Drops the key's answer; call it after the revocation committed.</summary>
    public void Forget(string key)
    {
        Interlocked.Increment(ref _forgets);
        _entries.TryRemove(key, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _forgets);
        _entries.Clear();
    }

    private async Task<(bool Found, T Value)> LoadAsync(string key, Func<CancellationToken, Task<(bool Found, T Value)>> lookup, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var forgets = Interlocked.Read(ref _forgets);
        var answer = await lookup(ct);
        if (Interlocked.Read(ref _forgets) != forgets)
        {
            return answer;
        }
        if (answer.Found)
        {
            _entries[key] = NewEntry(answer.Value, at);
        }
        else
        {
            _entries.TryRemove(key, out _);
        }
        return answer;
    }

    private async Task RefreshAsync(string key, Func<CancellationToken, Task<(bool Found, T Value)>> lookup)
    {
        try
        {
            await Task.Yield(); // the request that noticed goes on with the cached answer
            await LoadAsync(key, lookup, CancellationToken.None);
        }
        catch (Exception)
        {
            // The store is unreachable: the entry keeps answering until its ttl, then callers wait
            // for the store themselves and see its error.
        }
        finally
        {
            _refreshing.TryRemove(key, out _);
        }
    }

    private Entry NewEntry(T value, DateTimeOffset at) =>
        new(value, at, at + ttl * (0.5 + Random.Shared.NextDouble() * 0.25));
}
