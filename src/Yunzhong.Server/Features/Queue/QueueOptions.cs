namespace Yunzhong.Server.Features.Queue;

public sealed class QueueOptions
{
    /// <summary>
    /// Writer loops on PostgreSQL (SQLite has one by nature). Measured with `yz bench` on a 2-core
    /// machine that also runs PostgreSQL: 1 writer 976–1,034 cycles/s, 2 writers 777, 4 writers 732
    /// — extra writers there only contend for the same cores and rows. So one writer per two cores,
    /// up to four; set it (Queue__PostgresWriters) for a database on its own machine.
    /// </summary>
    public int PostgresWriters { get; set; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>
    /// PostgreSQL: plain submissions (no gold score, no dynamic overlap) get a writer loop and connection
    /// of their own beside the others, so the database works a batch of submissions and a batch of leases
    /// at once. One writer for everything was bounded by its one PostgreSQL backend (docs/benchmarks.md).
    /// </summary>
    public bool SubmissionWriter { get; set; } = true;

    /// <summary>Most operations committed together in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>How often expired leases are swept back into the queue.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
