using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Yunzhong.Core.Datasets;

/// <summary>
/// One entry of the append-only audit log: its number, time, whose log it is on (the owning
/// organisation, e.g. <c>org:12</c>; empty for the park's own), who, what, on what, details (JSON
/// text), the hash of the entry before it and its own hash.
/// </summary>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Owner, string Actor, string Action, string Subject, string Details, string PrevHash, string Hash);

/// <summary>What is wrong at one entry of an audit log.</summary>
public sealed record AuditProblem(long Seq, string Detail);

/// <summary>
/// The hash chain of the audit log: each entry's hash covers its fields and the hash of the entry
/// before it, so editing, deleting or reordering an entry breaks the chain at that entry and every
/// check after it. (Cutting entries off the end leaves a shorter valid chain: compare the head with
/// one kept elsewhere, e.g. in a signed release statement or the operator's copy.)
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash of an entry's fields after <paramref name="prevHash"/>.</summary>
    public static string HashOf(long seq, DateTimeOffset at, string owner, string actor, string action, string subject, string details, string prevHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData("yunzhong.audit/1"u8);
        BinaryPrimitives.WriteInt64BigEndian(number, seq);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, at.ToUnixTimeMilliseconds());
        hash.AppendData(number);
        foreach (var field in new[] { owner, actor, action, subject, details, prevHash })
        {
            // Each field with its length first, so no two different entries hash the same bytes.
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt64BigEndian(number, bytes.Length);
            hash.AppendData(number);
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The entry after <paramref name="previous"/> (or the first, when null), its hash made.</summary>
    public static AuditEntry Next(AuditEntry? previous, DateTimeOffset at, string owner, string actor, string action, string subject, string details) =>
        Next(previous?.Seq ?? 0, previous?.Hash ?? Genesis, at, owner, actor, action, subject, details);

    /// <summary>The entry after the one numbered <paramref name="previousSeq"/> (0: none) with hash <paramref name="prev"/>.</summary>
    public static AuditEntry Next(long previousSeq, string prev, DateTimeOffset at, string owner, string actor, string action, string subject, string details)
    {
        var seq = previousSeq + 1;
        // Milliseconds are what the hash covers and the store keeps.
        var when = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        return new AuditEntry(seq, when, owner, actor, action, subject, details, prev, HashOf(seq, when, owner, actor, action, subject, details, prev));
    }

    /// <summary>
    /// The problems of a log read in order of its numbers: an entry whose hash is not its own
    /// (edited), a gap in the numbers (deleted), numbers out of order (reordered), or a previous
    /// hash that is not the entry before's (deleted, inserted or reordered). Empty when it holds.
    /// </summary>
    public static IReadOnlyList<AuditProblem> Verify(IEnumerable<AuditEntry> entries)
    {
        var verifier = new AuditVerifier();
        foreach (var e in entries)
        {
            verifier.Add(e);
        }
        return verifier.Problems;
    }
}

/// <summary><see cref="AuditChain.Verify"/> one entry at a time, for logs read page by page.</summary>
public sealed class AuditVerifier
{
    private readonly List<AuditProblem> _problems = [];
    private AuditEntry? _before;

    /// <summary>What is wrong so far.</summary>
    public IReadOnlyList<AuditProblem> Problems => _problems;

    /// <summary>How many entries were read.</summary>
    public long Count { get; private set; }

    /// <summary>The last entry read: the head, once all are.</summary>
    public AuditEntry? Head => _before;

    /// <summary>Checks the next entry.</summary>
    public void Add(AuditEntry e)
    {
        Count++;
        if (AuditChain.HashOf(e.Seq, e.At, e.Owner, e.Actor, e.Action, e.Subject, e.Details, e.PrevHash) != e.Hash)
        {
            _problems.Add(new(e.Seq, "its contents do not match its hash (edited)"));
        }
        var expectedSeq = _before is null ? 1 : _before.Seq + 1;
        if (e.Seq != expectedSeq)
        {
            _problems.Add(new(e.Seq, e.Seq > expectedSeq
                ? $"entries {expectedSeq}–{e.Seq - 1} are missing (deleted)"
                : $"comes after entry {_before!.Seq} (reordered or duplicated)"));
        }
        if (e.PrevHash != (_before?.Hash ?? AuditChain.Genesis))
        {
            _problems.Add(new(e.Seq, "does not follow the entry before it (the chain is broken here)"));
        }
        _before = e;
    }
}
