namespace Yunzhong.Server.Features.Park;

/// <summary>
/// A site's rules for new work: seats and opening hours. A seat is in use while its annotator holds a
/// lease or acted (leased, submitted, skipped, saved a draft) within <see cref="ParkOptions.SeatMinutes"/>.
/// A site that blocks past its seats turns away new work, and new sign-ins, of a member who holds no
/// seat once all are taken. Outside its opening hours (local time, <see cref="ParkOptions.TimeZone"/>)
/// a site's people get no new leases; a lease they hold is never cut.
/// </summary>
public sealed class Seats(Db db, TimeProvider time, IOptions<ParkOptions> options)
{
    // When this node last let each person through: taking work is acting, so they hold their seat for
    // SeatMinutes from then. Without it every `next` at a blocking site cost two reads (measured with
    // `yz bench --vendors 3`: 1,760 cycles/s against 4,090 with no blocking site).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _seated = new();

    // Each site's seats, blocking and hours, read again after Access.Ttl or when the site is changed here.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (SiteLimit? Limit, DateTimeOffset At)> _sites = new();

    private readonly TimeZoneInfo _zone = Zone(options.Value.TimeZone);

    /// <summary>The earliest action time (Unix ms) that still holds a seat.</summary>
    public long Since => time.GetUtcNow().ToUnixTimeMilliseconds() - options.Value.SeatMinutes * 60_000L;

    /// <summary>The park's local time of day now.</summary>
    public TimeOnly LocalTime => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), _zone).DateTime);

    /// <summary>Site <paramref name="siteId"/> changed: read it again.</summary>
    public void Forget(long siteId) => _sites.TryRemove(siteId, out _);

    /// <summary>A 409 when the caller's site is closed now, or blocks past its seats, all are in use and the caller holds none; else null.</summary>
    public async Task<ProblemHttpResult?> RefusalAsync(long userId, ContractWork work, CancellationToken ct)
    {
        if (work.SiteId is not { } siteId || await LimitAsync(siteId, ct) is not { } s)
        {
            return null;
        }
        if (!s.OpenAt(LocalTime))
        {
            return Http.Conflict($"Site '{s.Name}' is open from {s.Opens} to {s.Closes}: no new tasks outside those hours (a task you hold stays yours).",
                ProblemCodes.QueueSiteClosed, ProblemCodes.Params(("site", s.Name), ("opens", s.Opens), ("closes", s.Closes)));
        }
        if (s.BlockOverSeats == 0)
        {
            return null;
        }
        var since = Since;
        if (_seated.TryGetValue(userId, out var at) && at >= since)
        {
            return null;
        }
        if (await FullAsync(userId, siteId, s, ct) is { } inUse)
        {
            return Http.Conflict($"Every seat of site '{s.Name}' is in use ({inUse} of {s.Seats}); wait for one to free up.",
                ProblemCodes.QueueSiteFull, ProblemCodes.Params(("site", s.Name), ("inUse", inUse), ("seats", s.Seats)));
        }
        _seated[userId] = time.GetUtcNow().ToUnixTimeMilliseconds();
        return null;
    }

    /// <summary>A 409 when the person works at a site that blocks past its seats, every seat is in use and
    /// they hold none: signing in would only take a seat there is not. Else null.</summary>
    public async Task<ProblemHttpResult?> SignInRefusalAsync(long userId, CancellationToken ct)
    {
        long[] siteIds;
        await using (var c = await db.OpenAsync(ct))
        {
            siteIds = (await c.QueryAsync<long>(new CommandDefinition(ParkSql.BlockingSitesOfSql, new { userId }, cancellationToken: ct))).ToArray();
        }
        // Someone at several vendors' sites is turned away only when none of them has room.
        ProblemHttpResult? refusal = null;
        foreach (var siteId in siteIds)
        {
            if (await LimitAsync(siteId, ct) is not { } s || await FullAsync(userId, siteId, s, ct) is not { } inUse)
            {
                return null;
            }
            refusal ??= Http.Conflict($"Every seat of site '{s.Name}' is in use ({inUse} of {s.Seats}) and the site lets no one more sign in; try again when a seat frees up.",
                ProblemCodes.AuthSiteFull, ProblemCodes.Params(("site", s.Name), ("inUse", inUse), ("seats", s.Seats)));
        }
        return refusal;
    }

    /// <summary>The seats in use when all are taken and <paramref name="userId"/> holds none; else null.</summary>
    private async Task<long?> FullAsync(long userId, long siteId, SiteLimit s, CancellationToken ct)
    {
        var since = Since;
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.HoldsSeatSql, new { userId, since }, cancellationToken: ct)) > 0)
        {
            return null;
        }
        var inUse = await c.ExecuteScalarAsync<long>(new CommandDefinition(ParkSql.SeatsInUseSql, new { siteId, since }, cancellationToken: ct));
        return inUse >= s.Seats ? inUse : null;
    }

    private async Task<SiteLimit?> LimitAsync(long siteId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_sites.TryGetValue(siteId, out var e) && now - e.At < Access.Ttl)
        {
            return e.Limit;
        }
        await using var c = await db.OpenAsync(ct);
        var s = await c.QueryFirstOrDefaultAsync<SiteLimit>(new CommandDefinition(ParkSql.SiteLimitSql, new { siteId }, cancellationToken: ct));
        _sites[siteId] = (s, now);
        return s;
    }

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException && id == ParkOptions.DefaultTimeZone)
        {
            // China keeps one offset all year; a machine without time zone data still knows Beijing time.
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), id, id);
        }
    }

    private sealed record SiteLimit(long Seats, long BlockOverSeats, string Name, string Opens, string Closes)
    {
        /// <summary>Open from <see cref="Opens"/> (inclusive) to <see cref="Closes"/> (exclusive); closing at 23:59 is open to midnight.</summary>
        public bool OpenAt(TimeOnly t) =>
            !TimeOnly.TryParseExact(Opens, "HH:mm", out var o) || !TimeOnly.TryParseExact(Closes, "HH:mm", out var c)
            || (t >= o && (t < c || c == _lastMinute));

        private static readonly TimeOnly _lastMinute = new(23, 59);
    }
}
