using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Yunzhong.Core.Datasets;

/// <summary>
/// One entry of the append-only audit log: its number, time, who, what, on what, details (JSON
/// text), the hash of the entry before it and its own hash.
/// </summary>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Subject, string Details, string PrevHash, string Hash);

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
    public static string HashOf(long seq, DateTimeOffset at, string actor, string action, string subject, string details, string prevHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData("yunzhong.audit/1"u8);
        BinaryPrimitives.WriteInt64BigEndian(number, seq);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, at.ToUnixTimeMilliseconds());
        hash.AppendData(number);
        foreach (var field in new[] { actor, action, subject, details, prevHash })
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
    public static AuditEntry Next(AuditEntry? previous, DateTimeOffset at, string actor, string action, string subject, string details)
    {
        var seq = previous is null ? 1 : previous.Seq + 1;
        var prev = previous?.Hash ?? Genesis;
        // Milliseconds are what the hash covers and the store keeps.
        var when = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        return new AuditEntry(seq, when, actor, action, subject, details, prev, HashOf(seq, when, actor, action, subject, details, prev));
    }

    /// <summary>
    /// The problems of a log read in order of its numbers: an entry whose hash is not its own
    /// (edited), a gap in the numbers (deleted), numbers out of order (reordered), or a previous
    /// hash that is not the entry before's (deleted, inserted or reordered). Empty when it holds.
    /// </summary>
    public static IReadOnlyList<AuditProblem> Verify(IEnumerable<AuditEntry> entries)
    {
        var problems = new List<AuditProblem>();
        AuditEntry? before = null;
        foreach (var e in entries)
        {
            if (HashOf(e.Seq, e.At, e.Actor, e.Action, e.Subject, e.Details, e.PrevHash) != e.Hash)
            {
                problems.Add(new(e.Seq, "its contents do not match its hash (edited)"));
            }
            var expectedSeq = before is null ? 1 : before.Seq + 1;
            if (e.Seq != expectedSeq)
            {
                problems.Add(new(e.Seq, e.Seq > expectedSeq
                    ? $"entries {expectedSeq}–{e.Seq - 1} are missing (deleted)"
                    : $"comes after entry {before!.Seq} (reordered or duplicated)"));
            }
            if (e.PrevHash != (before?.Hash ?? Genesis))
            {
                problems.Add(new(e.Seq, "does not follow the entry before it (the chain is broken here)"));
            }
            before = e;
        }
        return problems;
    }
}
