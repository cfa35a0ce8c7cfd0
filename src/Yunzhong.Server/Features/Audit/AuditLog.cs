using Yunzhong.Core.Datasets;

namespace Yunzhong.Server.Features.Audit;

/// <summary>A row of the audit log as stored.</summary>
internal sealed record AuditRow(long Seq, long At, string Owner, string Actor, string Action, string Subject, string Details, string PrevHash, string Hash)
{
    public AuditEntry Entry() => new(Seq, DateTimeOffset.FromUnixTimeMilliseconds(At), Owner, Actor, Action, Subject, Details, PrevHash, Hash);
}

/// <summary>
/// Appends to the audit trail (<see cref="AuditChain"/>): each entry chained to the one before, in
/// the caller's write transaction when it has one, so an entry exists exactly when what it records
/// happened. Reads and verifies it page by page.
/// </summary>
public sealed class AuditLog(Db db, TimeProvider time)
{
    private const int PageSize = 1000;

    /// <summary>The owner field of an organisation's entries.</summary>
    public static string Owner(long organizationId) => $"org:{organizationId}";

    /// <summary>The actor field of a person's entries.</summary>
    public static string Actor(long userId) => $"user:{userId}";

    /// <summary>Appends one entry in its own write transaction.</summary>
    public async Task<AuditEntry> AppendAsync(long? organizationId, string actor, string action, string subject, object details, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var entry = await AppendAsync(c, tx, organizationId, actor, action, subject, details, ct);
        await tx.CommitAsync(ct);
        return entry;
    }

    /// <summary>Appends one entry inside <paramref name="tx"/> (a write transaction of <see cref="Db"/>).</summary>
    public async Task<AuditEntry> AppendAsync(DbConnection c, DbTransaction tx, long? organizationId, string actor, string action, string subject, object details, CancellationToken ct)
    {
        if (db.Dialect == SqlDialect.Postgres)
        {
            await c.ExecuteAsync(new CommandDefinition(AuditSql.PostgresAppendLockSql, transaction: tx, cancellationToken: ct));
        }
        var head = await c.QueryFirstOrDefaultAsync<(long Seq, string Hash)?>(new CommandDefinition(AuditSql.HeadSql, transaction: tx, cancellationToken: ct));
        var entry = AuditChain.Next(head?.Seq ?? 0, head?.Hash ?? AuditChain.Genesis, time.GetUtcNow(),
            organizationId is { } org ? Owner(org) : "", actor, action, subject, JsonSerializer.Serialize(details, Wire.Options));
        await c.ExecuteAsync(new CommandDefinition(AuditSql.InsertSql, new
        {
            seq = entry.Seq, at = entry.At.ToUnixTimeMilliseconds(), owner = entry.Owner, organizationId, actor, action, subject,
            details = entry.Details, prevHash = entry.PrevHash, hash = entry.Hash,
        }, tx, cancellationToken: ct));
        return entry;
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/>: organisation <paramref name="organizationId"/>'s, or all when null.</summary>
    public async Task<List<AuditEntry>> PageAsync(long? organizationId, long after, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<AuditRow>(new CommandDefinition(
            organizationId is null ? AuditSql.PageSql : AuditSql.OrganizationPageSql,
            new { organizationId, after, limit }, cancellationToken: ct));
        return [.. rows.Select(r => r.Entry())];
    }

    /// <summary>Reads the whole log in order, page by page, and checks the chain.</summary>
    public async Task<AuditVerifier> VerifyAsync(CancellationToken ct)
    {
        var verifier = new AuditVerifier();
        long after = 0;
        while (true)
        {
            var page = await PageAsync(null, after, PageSize, ct);
            foreach (var e in page)
            {
                verifier.Add(e);
            }
            if (page.Count < PageSize)
            {
                return verifier;
            }
            after = page[^1].Seq;
        }
    }
}
