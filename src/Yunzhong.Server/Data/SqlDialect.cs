namespace Yunzhong.Server.Data;

/// <summary>
/// Everything that differs between the two engines, in one object: the rest of the code states what
/// it needs (a row lock, a list test, one writer or many) and never asks which engine it runs on.
/// The SQL of this project is otherwise written in the subset SQLite and PostgreSQL share (int64
/// Unix-millisecond times, text JSON, RETURNING, ON CONFLICT), so most statements run unchanged.
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    public static readonly SqlDialect Postgres = new PostgresDialect();

    private SqlDialect()
    {
    }

    /// <summary>The engine's name as configuration and the migration folders spell it.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether the whole database has one writer at a time (SQLite's write lock). Where it has,
    /// writes take turns by themselves, row locks (<see cref="ForUpdate"/>) are empty, a write
    /// transaction should not wait on a client (imports spool their body first), and the queue runs
    /// one writer loop that fsyncs the WAL itself.
    /// </summary>
    public abstract bool OneWriter { get; }

    /// <summary>Whether one statement may write through several data-modifying CTEs and read their
    /// results (PostgreSQL): the queue then leases or submits in one round trip.</summary>
    public abstract bool WritableCtes { get; }

    /// <summary>Whether several statements go to the server in one round trip (an Npgsql batch).</summary>
    public abstract bool Pipelines { get; }

    /// <summary>Appended to a SELECT to lock its rows until the transaction ends (empty where writes take turns anyway).</summary>
    public abstract string ForUpdate { get; }

    /// <summary><see cref="ForUpdate"/> of one table of a join.</summary>
    public abstract string ForUpdateOf(string alias);

    /// <summary><see cref="ForUpdate"/> that skips rows other transactions hold, so writers pick around each other.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary><see cref="ForUpdateSkipLocked"/> of one table of a join.</summary>
    public abstract string ForUpdateOfSkipLocked(string alias);

    /// <summary>Appended to a SELECT to keep its rows from changing until the transaction ends.</summary>
    public abstract string ForShare { get; }

    /// <summary>
    /// A statement that makes writes concerning one row of <paramref name="table"/> (keyed by
    /// parameter <paramref name="idParameter"/>) take turns, or null where writes take turns anyway.
    /// </summary>
    public string? TakeTurnsSql(string table, string idParameter) =>
        OneWriter ? null : $"SELECT id FROM {table} WHERE id = {idParameter}{ForUpdate}";

    /// <summary>
    /// The top-level key named by parameter <paramref name="keyParameter"/> of the JSON text
    /// <paramref name="json"/>, as text compared byte by byte ('' when absent), the same on both
    /// engines for strings and numbers: what the task list sorts by when it sorts by a data field.
    /// </summary>
    public abstract string JsonKeyText(string json, string keyParameter);

    /// <summary>SQL for a random positive 63-bit number (a task's place in random order).</summary>
    public abstract string RandomShuffle { get; }

    /// <summary>
    /// A test of <paramref name="column"/> against a list parameter. Dapper expands <c>IN @list</c>
    /// into one parameter per item on SQLite, but hands Npgsql the array whole, where only
    /// <c>= ANY(@list)</c> is valid SQL.
    /// </summary>
    public abstract string InList(string column, string parameter);

    /// <summary>The aggregate that joins strings with a separator.</summary>
    public abstract string StringAgg { get; }

    /// <summary>Run before the migrations on their connection: WAL mode on SQLite; on PostgreSQL,
    /// several servers may start at once against one database, so one migrates and the rest wait.</summary>
    public abstract string BeforeMigrations { get; }

    /// <summary>Run after the migrations, or null.</summary>
    public abstract string? AfterMigrations { get; }

    /// <summary>Run once on a queue writer's connection, or null (see <c>QueueEngine</c>).</summary>
    public abstract string? WriterSessionSql { get; }

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Name => "sqlite";

        public override bool OneWriter => true;

        public override bool WritableCtes => false;

        public override bool Pipelines => false;

        public override string ForUpdate => "";

        public override string ForUpdateOf(string alias) => "";

        public override string ForUpdateSkipLocked => "";

        public override string ForUpdateOfSkipLocked(string alias) => "";

        public override string ForShare => "";

        public override string RandomShuffle => "((random() & 9223372036854775806) | 1)";

        public override string JsonKeyText(string json, string keyParameter) =>
            $"COALESCE(CAST(json_extract({json}, '$.\"' || {keyParameter} || '\"') AS TEXT), '')";

        public override string InList(string column, string parameter) => $"{column} IN {parameter}";

        public override string StringAgg => "group_concat";

        public override string BeforeMigrations => "PRAGMA journal_mode=WAL;";

        public override string? AfterMigrations => null;

        public override string? WriterSessionSql => null;
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Name => "postgres";

        public override bool OneWriter => false;

        public override bool WritableCtes => true;

        public override bool Pipelines => true;

        public override string ForUpdate => " FOR UPDATE";

        public override string ForUpdateOf(string alias) => $" FOR UPDATE OF {alias}";

        public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

        public override string ForUpdateOfSkipLocked(string alias) => $" FOR UPDATE OF {alias} SKIP LOCKED";

        public override string ForShare => " FOR SHARE";

        public override string RandomShuffle => "(1 + floor(random() * 9.2e18))::bigint";

        public override string JsonKeyText(string json, string keyParameter) =>
            $"(COALESCE(({json})::jsonb ->> CAST({keyParameter} AS text), '') COLLATE \"C\")";

        public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

        public override string StringAgg => "string_agg";

        public override string BeforeMigrations => "SELECT pg_advisory_lock(7214500)";

        public override string? AfterMigrations => "SELECT pg_advisory_unlock(7214500)";

        /// <summary>
        /// The writer's prepared statements keep their generic plans: left to choose, PostgreSQL
        /// compares a generic plan's estimated cost with the first custom plans' and may settle on
        /// planning every call afresh, which for the lease statement cost 609 µs per call against
        /// 100 µs to run it (`pg_stat_statements`, a run that fell to 770 cycles/s). The writer's
        /// statements are written to find rows by key or through the queue indexes whatever the
        /// parameters, and `EachOrderPicksThroughItsOwnIndex` checks their generic plans. Nor are they
        /// compiled to machine code: PostgreSQL's JIT starts at an estimated cost, not a measured one, and
        /// the set lease statement (<c>QueueSql.LeaseManySql</c>), whose LIMIT and slot count are unknown
        /// when its generic plan is made, was estimated over it on a bench-sized project and spent up to 522 ms
        /// compiling each call (auto_explain) to run in under 1 ms.
        /// </summary>
        public override string? WriterSessionSql => "SELECT set_config('plan_cache_mode', 'force_generic_plan', false), set_config('jit', 'off', false)";
    }
}
