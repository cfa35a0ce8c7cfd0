using Npgsql;
using NpgsqlTypes;

namespace Yunzhong.Server.Features.Queue;

public sealed partial class QueueEngine
{
    /// <summary>
    /// PostgreSQL: the batch's plain submissions and fresh leases go to the server together, as one
    /// <see cref="NpgsqlBatch"/> - one round trip for the lot instead of one or two per operation.
    /// The statements run in order inside the batch's transaction, so each sees the ones before it,
    /// as when they ran one by one. Profiled: PostgreSQL executes each in ≈0.1 ms, while a round
    /// trip on a busy two-core machine costs several times that. The usual leases in priority order
    /// go as one set statement per project and contract (<see cref="QueueSql.LeaseManySql"/>): with a
    /// statement each they took 229 µs of PostgreSQL a lease, in the set statement 134 µs
    /// (`pg_stat_statements`, `yz bench --vendors 3`). Returns the operations still to
    /// run step by step: those that do not fit one statement, a second lease for the same
    /// annotator, and any whose statement found nothing to do (its general path decides why).
    /// </summary>
    private static async Task<List<GroupCommitOp>> PipelineAsync(WriteContext ctx, List<GroupCommitOp> batch, long[] locks, CancellationToken ct)
    {
        var rest = new List<GroupCommitOp>();
        var sent = new List<IPipelined>();
        // Usual leases in priority order, one set statement per project and contract (QueueSql.LeaseManySql).
        var groups = new Dictionary<(long ProjectId, long ContractId), List<NextOp>>();
        var leasing = new HashSet<long>();
        await using var pipeline = new NpgsqlBatch((NpgsqlConnection)ctx.Sql.Connection);
        // The contracts the batch counts against, locked in id order before anything else runs (the
        // writer's prelock, taken in this round trip rather than one round trip per contract).
        if (locks.Length > 0)
        {
            pipeline.BatchCommands.Add(Batch(QueueSql.LockContractsSql, _ => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, locks)));
        }
        var statements = new List<NpgsqlBatchCommand>();
        // The plain submissions go first, all in one statement: they only end leases, so a lease of the
        // batch that follows sees its annotator holding fewer, as if they had arrived first.
        var submits = new List<SubmitOp>();
        var submitted = new HashSet<long>();
        var keys = new HashSet<(long, string)>();
        var columns = new SubmitColumns();
        foreach (var op in batch)
        {
            if (op is SubmitOp { Plain: true } s)
            {
                // A second submission of one lease, or a second use of one key, in the same batch runs
                // after the statement, step by step, and finds the first (a replay or a conflict).
                if (submitted.Add(s.AssignmentId) && (s.IdempotencyKey is null || keys.Add((s.UserId, s.IdempotencyKey))))
                {
                    submits.Add(s);
                    s.AddTo(columns);
                }
                else
                {
                    rest.Add(op);
                }
                continue;
            }
            if (op is NextOp next && next.ManyGroup(leasing) is { } group)
            {
                if (!groups.TryGetValue(group, out var members))
                {
                    groups[group] = members = [];
                }
                members.Add(next);
                continue;
            }
            if (op is IPipelined p && p.Statement(ctx, leasing) is { } statement)
            {
                statements.Add(statement);
                sent.Add(p);
            }
            else
            {
                rest.Add(op);
            }
        }
        if (sent.Count == 0 && submits.Count == 0 && groups.Count == 0)
        {
            if (locks.Length > 0)
            {
                await pipeline.ExecuteNonQueryAsync(ct);
            }
            return batch;
        }
        // Leases under a contract count their quota per batch (QueueSql.ContractPipelinedLeaseSql), and
        // the count is written to contracts.used at the end of the same round trip, before any
        // step-by-step operation of the batch reads it.
        var contracts = sent.Select(p => p.BatchedQuota).Concat(groups.Keys.Select(g => g.ContractId)).Where(id => id != 0).Distinct().ToList();
        if (contracts.Count > 0)
        {
            pipeline.BatchCommands.Add(new NpgsqlBatchCommand(QueueSql.QuotaBatchOnSql));
        }
        var lead = pipeline.BatchCommands.Count;
        if (submits.Count > 0)
        {
            pipeline.BatchCommands.Add(columns.Statement(ctx.Now));
        }
        foreach (var (group, members) in groups)
        {
            pipeline.BatchCommands.Add(LeaseMany(ctx, group.ContractId, members));
        }
        foreach (var statement in statements)
        {
            pipeline.BatchCommands.Add(statement);
        }
        if (contracts.Count > 0)
        {
            foreach (var id in contracts)
            {
                pipeline.BatchCommands.Add(Batch(QueueSql.FlushBatchedUnitsSql, _ => Typed(NpgsqlDbType.Bigint, id)));
            }
            pipeline.BatchCommands.Add(new NpgsqlBatchCommand(QueueSql.QuotaBatchOffSql));
        }
        await using (var reader = await pipeline.ExecuteReaderAsync(ct))
        {
            for (var i = 0; i < lead; i++)
            {
                await reader.NextResultAsync(ct);
            }
            if (submits.Count > 0)
            {
                var written = new Dictionary<long, long>(submits.Count);
                while (await reader.ReadAsync(ct))
                {
                    written.Add(reader.GetInt64(0), reader.GetInt64(1));
                }
                foreach (var s in submits)
                {
                    if (written.TryGetValue(s.AssignmentId, out var annotationId))
                    {
                        s.Created(annotationId);
                    }
                    else
                    {
                        rest.Add(s); // not a live lease, a replay or a rework: the general path says which
                    }
                }
            }
            var results = submits.Count > 0 ? 1 : 0; // result sets read so far after the lead
            foreach (var members in groups.Values)
            {
                if (results++ > 0)
                {
                    await reader.NextResultAsync(ct);
                }
                await TakeManyAsync(reader, ManyExpiry(ctx, members), members, rest, ct);
            }
            for (var i = 0; i < sent.Count; i++)
            {
                if (results++ > 0)
                {
                    await reader.NextResultAsync(ct);
                }
                if (!await sent[i].TakeAsync(reader, ct))
                {
                    rest.Add((GroupCommitOp)sent[i]);
                }
            }
            // The flush's results: read through, so an error in it is raised here.
            while (await reader.NextResultAsync(ct))
            {
            }
        }
        return rest;
    }

    /// <summary>The set statement (<see cref="QueueSql.LeaseManySql"/>) for the usual leases of one project
    /// under one contract (0: none), in arrival order.</summary>
    private static NpgsqlBatchCommand LeaseMany(WriteContext ctx, long contractId, List<NextOp> members) =>
        Batch(QueueSql.LeaseManySql(underContract: contractId != 0), name => name switch
        {
            "userIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, members.ConvertAll(m => m.UserId)),
            "siteIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, members.ConvertAll(m => m.Work?.SiteId)),
            "teamIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, members.ConvertAll(m => m.Work?.TeamId)),
            "contractId" => Typed(NpgsqlDbType.Bigint, contractId),
            "projectId" => Typed(NpgsqlDbType.Bigint, members[0].Project.Id),
            "now" => Typed(NpgsqlDbType.Bigint, ctx.Now),
            "expires" => Typed(NpgsqlDbType.Bigint, ManyExpiry(ctx, members)),
            _ => throw new InvalidOperationException($"The set lease statement names a parameter it is not given: {name}."),
        });

    /// <summary>When the set statement's leases for <paramref name="members"/> (one project) expire.</summary>
    private static long ManyExpiry(WriteContext ctx, List<NextOp> members) => ctx.Now + members[0].Project.LeaseSeconds * 1000L;

    /// <summary>Reads the set statement's leases (one row each, by annotator); the members it gave none
    /// go to <paramref name="rest"/>, whose step-by-step path finds out why (something held, no task
    /// left for them, the quota used up).</summary>
    private static async Task TakeManyAsync(NpgsqlDataReader reader, long expires, List<NextOp> members, List<GroupCommitOp> rest, CancellationToken ct)
    {
        var byUser = new Dictionary<long, NextOp>(members.Count);
        foreach (var m in members)
        {
            byUser.Add(m.UserId, m);
        }
        while (await reader.ReadAsync(ct))
        {
            byUser.Remove(reader.GetInt64(0), out var op);
            op!.Leased(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), await reader.IsDBNullAsync(4, ct) ? null : reader.GetString(4),
                await reader.IsDBNullAsync(5, ct) ? null : reader.GetString(5), expires);
        }
        foreach (var m in members)
        {
            if (byUser.ContainsKey(m.UserId))
            {
                rest.Add(m);
            }
        }
    }

    /// <summary>
    /// The submission writer's batch (plain submissions only, <see cref="SubmitOp.SideLane"/>): one
    /// statement, in a transaction of its own beside the lease writer's. It locks no contract: a plain
    /// submission ends a live lease, which stays in its contract's quota, so no quota row is written.
    /// What it does not write goes to the lease writer's general path, which locks as usual.
    /// </summary>
    private static Task<List<GroupCommitOp>> SubmitBatchAsync(WriteContext ctx, List<GroupCommitOp> batch, CancellationToken ct) =>
        PipelineAsync(ctx, batch, [], ct);

    /// <summary>A batch's plain submissions as the arrays of <see cref="QueueSql.SubmitManyPostgresSql"/>.</summary>
    private sealed class SubmitColumns
    {
        public List<long> AssignmentIds { get; } = [];
        public List<long> UserIds { get; } = [];
        public List<long> ProjectIds { get; } = [];
        public List<long> ReviewRates { get; } = [];
        public List<string> Results { get; } = [];
        public List<double?> LeadTimes { get; } = [];
        public List<string?> Keys { get; } = [];

        public NpgsqlBatchCommand Statement(long now) => Batch(QueueSql.SubmitManyPostgresSql, name => name switch
        {
            "assignmentIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, AssignmentIds),
            "userIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, UserIds),
            "projectIds" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, ProjectIds),
            "reviewRates" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Bigint, ReviewRates),
            "results" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Text, Results),
            "leadTimes" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Double, LeadTimes),
            "keys" => Typed(NpgsqlDbType.Array | NpgsqlDbType.Text, Keys),
            "now" => Typed(NpgsqlDbType.Bigint, now),
            _ => throw new InvalidOperationException($"The pipelined submissions name a parameter they are not given: {name}."),
        });
    }

    /// <summary>An operation that can often be done by one PostgreSQL statement sent with others.</summary>
    private interface IPipelined
    {
        /// <summary>The statement, or null when this operation needs its step-by-step path.</summary>
        NpgsqlBatchCommand? Statement(WriteContext ctx, HashSet<long> leasing);

        /// <summary>Reads the statement's result; false when the step-by-step path must run.</summary>
        ValueTask<bool> TakeAsync(NpgsqlDataReader reader, CancellationToken ct);

        /// <summary>The contract whose quota the statement counts per batch; 0 for none.</summary>
        long BatchedQuota => 0;
    }

    private static NpgsqlParameter Typed(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Sql, string[] Names)> _positional = new();

    /// <summary>
    /// A pipelined statement from a named SQL text (the one parameter style): the text's positional
    /// form is made once per text, as <see cref="HotStatements"/> does, and the parameters are added in
    /// the order the text first names them, each from <paramref name="parameter"/> by its name.
    /// </summary>
    private static NpgsqlBatchCommand Batch(string namedSql, Func<string, NpgsqlParameter> parameter)
    {
        var (sql, names) = _positional.GetOrAdd(namedSql, static t => NamedParameters.ToPositional(t, sqlite: false));
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var name in names)
        {
            statement.Parameters.Add(parameter(name));
        }
        return statement;
    }
}
