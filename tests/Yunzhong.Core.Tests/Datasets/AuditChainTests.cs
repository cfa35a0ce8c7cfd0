using Yunzhong.Core.Datasets;

namespace Yunzhong.Core.Tests.Datasets;

public class AuditChainTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Log(int n)
    {
        var log = new List<AuditEntry>();
        for (var i = 0; i < n; i++)
        {
            log.Add(AuditChain.Next(log.LastOrDefault(), _t0.AddMinutes(i), $"org:{i % 2}", $"user:{i % 3}", i % 2 == 0 ? "grant" : "download", $"release:{i}", $"{{\"n\":{i},\"备注\":\"授权\"}}"));
        }
        return log;
    }

    [Fact]
    public void AnUntouchedLogVerifies()
    {
        Assert.Empty(AuditChain.Verify(Log(20)));
        Assert.Empty(AuditChain.Verify([]));
    }

    [Fact]
    public void AnEditedEntryIsNamed()
    {
        var log = Log(10);
        log[4] = log[4] with { Actor = "user:9" };
        Assert.Equal([5L], AuditChain.Verify(log).Select(p => p.Seq).Distinct());
        // Re-hashing the edited entry moves the break to the next one, which still names the old hash.
        log[4] = log[4] with { Hash = AuditChain.HashOf(5, log[4].At, log[4].Owner, "user:9", log[4].Action, log[4].Subject, log[4].Details, log[4].PrevHash) };
        Assert.Equal([6L], AuditChain.Verify(log).Select(p => p.Seq).Distinct());
    }

    [Fact]
    public void MovingAnEntryToAnotherOwnersLogIsAnEdit()
    {
        var log = Log(4);
        log[2] = log[2] with { Owner = "org:7" };
        Assert.Equal([3L], AuditChain.Verify(log).Select(p => p.Seq).Distinct());
    }

    [Fact]
    public void ADeletedEntryIsNamed()
    {
        var log = Log(10);
        log.RemoveAt(3);
        var problems = AuditChain.Verify(log);
        Assert.All(problems, p => Assert.Equal(5, p.Seq));
        Assert.Contains(problems, p => p.Detail.Contains("4–4 are missing", StringComparison.Ordinal));
    }

    [Fact]
    public void ReorderedEntriesAreNamed()
    {
        var log = Log(10);
        (log[6], log[7]) = (log[7], log[6]);
        Assert.Equal([8L, 7L, 9L], AuditChain.Verify(log).Select(p => p.Seq).Distinct());
    }

    [Fact]
    public void FieldsCannotBeShiftedBetweenEachOther()
    {
        Assert.NotEqual(
            AuditChain.HashOf(1, _t0, "", "ab", "c", "s", "{}", AuditChain.Genesis),
            AuditChain.HashOf(1, _t0, "", "a", "bc", "s", "{}", AuditChain.Genesis));
    }
}
