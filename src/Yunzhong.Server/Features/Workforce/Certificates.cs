using System.Collections.Concurrent;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Workforce;

/// <summary>
/// Issues and revokes certificates, and keeps each person's certificates for the queue: read once and
/// kept at most <see cref="Access.Ttl"/> (or until one of them can next change, an expiry say), forgotten
/// at once for changes made through this node. The queue asks for a person's set on every lease, so the
/// set is the cache's answer, never a join per lease; another node's grant or revocation counts within the Ttl.
/// </summary>
public sealed class Certificates(Db db, TimeProvider time, AuditLog audit)
{
    private readonly ConcurrentDictionary<long, Held> _held = new();

    private sealed record Held(Certificate[] All, long KeepUntil);

    /// <summary>Issues a certificate in its own write transaction and returns its id. The caller has
    /// checked that the skill exists and that the level is one of its levels (<see cref="SkillRules.IsLevelOf"/>);
    /// the database refuses an unknown skill or person.</summary>
    /// <param name="userId">Who receives it.</param>
    /// <param name="skillId">The skill.</param>
    /// <param name="level">The level proven.</param>
    /// <param name="expiresAt">When it stops counting, or null for never.</param>
    /// <param name="source">An exam (<paramref name="sourceId"/> = the attempt) or a grant.</param>
    /// <param name="sourceId">The exam attempt, or null.</param>
    /// <param name="issuedBy">The operator or trainer who granted it, or null for an exam.</param>
    public async Task<long> IssueAsync(long userId, long skillId, int level, DateTimeOffset? expiresAt, CertificateSource source, long? sourceId,
        long? issuedBy, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var id = await IssueAsync(c, tx, userId, skillId, level, expiresAt, source, sourceId, issuedBy, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Issues a certificate inside <paramref name="tx"/> (an exam scoring its attempt issues it in
    /// the same transaction) and forgets the person's cached set; see the other overload.</summary>
    public async Task<long> IssueAsync(DbConnection c, DbTransaction tx, long userId, long skillId, int level, DateTimeOffset? expiresAt,
        CertificateSource source, long? sourceId, long? issuedBy, CancellationToken ct)
    {
        if (level < 1 || level > SkillRules.LevelCeiling)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "A certificate's level is between 1 and the skill's highest level.");
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(CertificatesSql.InsertSql, new
        {
            userId, skillId, level, issuedAt = time.GetUtcNow().ToUnixTimeMilliseconds(), expiresAt = expiresAt?.ToUnixTimeMilliseconds(),
            source = source == CertificateSource.Exam ? "exam" : "granted", sourceId, issuedBy,
        }, tx, cancellationToken: ct));
        if (source == CertificateSource.Granted && issuedBy is { } by)
        {
            await audit.AppendAsync(c, tx, null, AuditLog.Actor(by), "certificate.grant", $"certificate:{id}",
                new { userId, skillId, level, expiresAt }, ct);
        }
        Forget(userId);
        return id;
    }

    /// <summary>Revokes certificate <paramref name="id"/> (audited); false when there is none or it was
    /// already revoked. Open leases are kept: a revocation stops new leases only.</summary>
    public async Task<bool> RevokeAsync(long id, long by, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var holder = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(CertificatesSql.RevokeSql,
            new { id, by, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: ct));
        if (holder is not { } userId)
        {
            return false;
        }
        await audit.AppendAsync(c, tx, null, AuditLog.Actor(by), "certificate.revoke", $"certificate:{id}", new { userId }, ct);
        await tx.CommitAsync(ct);
        Forget(userId);
        return true;
    }

    /// <summary>Every certificate of <paramref name="userId"/> (any state), cached; judge them with
    /// <see cref="CertificateRules"/> at the time of the question.</summary>
    public async ValueTask<Certificate[]> HeldAsync(long userId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_held.TryGetValue(userId, out var held) && held.KeepUntil > now)
        {
            return held.All;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<CertificateRow>(new CommandDefinition(CertificatesSql.OfUserSql, new { userId }, cancellationToken: ct)))
            .Select(r => r.Certificate()).ToArray();
        var keep = now + (long)Access.Ttl.TotalMilliseconds;
        _held[userId] = new Held(rows, Math.Min(keep, CertificateRules.NextChange(rows, now) ?? keep));
        return rows;
    }

    /// <summary>Forgets the cached certificates of <paramref name="userId"/>.</summary>
    public void Forget(long userId) => _held.TryRemove(userId, out _);

    internal sealed record CertificateRow(long Id, long UserId, long SkillId, long Level, long IssuedAt, long? ExpiresAt, long? RevokedAt)
    {
        public Certificate Certificate() => new(Id, UserId, SkillId, (int)Level, IssuedAt, ExpiresAt, RevokedAt);
    }
}
