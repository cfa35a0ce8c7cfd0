using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Yunzhong.Server.Data;

public enum Dialect { Sqlite, Postgres }

/// <summary>
/// Opens connections to the one relational store. The SQL of this project is written in the subset
/// SQLite and PostgreSQL share (int64 Unix-millisecond times, text JSON, RETURNING, ON CONFLICT),
/// so most statements run unchanged on both; the few that differ ask <see cref="Dialect"/>.
/// </summary>
public sealed class Db : IDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    public Db(DatabaseOptions options)
    {
        if (options.IsPostgres)
        {
            Dialect = Dialect.Postgres;
            // The hot paths run the same few statements all day: let Npgsql prepare them on each
            // physical connection instead of having PostgreSQL parse and plan every call.
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (!options.ConnectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxAutoPrepare = 128;
                builder.AutoPrepareMinUsages = 2;
            }
            ConnectionString = builder.ToString();
            _postgres = NpgsqlDataSource.Create(ConnectionString);
        }
        else
        {
            Dialect = Dialect.Sqlite;
            ConnectionString = new SqliteConnectionStringBuilder(options.ConnectionString)
            {
                Pooling = true,
                DefaultTimeout = 60,
                ForeignKeys = true,
            }.ToString();
        }
    }

    public Dialect Dialect { get; }

    public string ConnectionString { get; }

    public bool IsSqlite => Dialect == Dialect.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(ct);
        }
        var c = new SqliteConnection(ConnectionString);
        await c.OpenAsync(ct);
        return c;
    }

    /// <summary>SQL for a random positive 63-bit number (a task's place in random order).</summary>
    public static string RandomShuffleSql(Dialect dialect) =>
        dialect == Dialect.Sqlite ? "((random() & 9223372036854775806) | 1)" : "(1 + floor(random() * 9.2e18))::bigint";

    /// <summary>
    /// A test of <paramref name="column"/> against a list parameter. Dapper expands <c>IN @list</c>
    /// into one parameter per item on SQLite, but hands Npgsql the array whole, where only
    /// <c>= ANY(@list)</c> is valid SQL.
    /// </summary>
    public string InList(string column, string parameter) =>
        IsSqlite ? $"{column} IN {parameter}" : $"{column} = ANY({parameter})";

    /// <summary>Begins a write transaction; on SQLite it takes the write lock at once (no upgrade deadlocks).</summary>
    /// <param name="fsyncOnCommit">On SQLite, whether the commit itself fsyncs the WAL. Only the queue
    /// writer passes false: it fsyncs the WAL on its own before acknowledging (see <c>WalSync</c>).</param>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct = default, bool fsyncOnCommit = true)
    {
        if (connection is SqliteConnection sqlite)
        {
            return BeginSqliteWrite(sqlite, fsyncOnCommit);
        }
        return await connection.BeginTransactionAsync(ct);
    }

    private static SqliteTransaction BeginSqliteWrite(SqliteConnection sqlite, bool fsyncOnCommit)
    {
        // synchronous=FULL makes the commit fsync the WAL: what "acknowledged means durable" needs.
        // It is a per-connection setting, so every writer states it rather than trust a default.
        // A bigger page cache keeps the task indexes in memory during large imports.
        using (var pragma = sqlite.CreateCommand())
        {
            pragma.CommandText = fsyncOnCommit
                ? "PRAGMA synchronous=FULL; PRAGMA cache_size=-65536"
                : "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536";
            pragma.ExecuteNonQuery();
        }
        return sqlite.BeginTransaction(deferred: false);
    }

    /// <summary>
    /// Commits a big SQLite write without copying its WAL into the database file inside the commit
    /// (what SQLite's automatic checkpoint would do there, about a second per million imported
    /// tasks): the checkpoint runs on another connection right after, passively, so readers and
    /// writers carry on meanwhile. Durability is the commit's; the checkpoint only tidies up, and
    /// if it cannot run now the next automatic one does the work.
    /// </summary>
    public async Task CommitLargeAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if (connection is not SqliteConnection sqlite)
        {
            await tx.CommitAsync(ct);
            return;
        }
        SetAutoCheckpoint(sqlite, (SqliteTransaction)tx, 0);
        await tx.CommitAsync(ct);
        SetAutoCheckpoint(sqlite, null, 1000); // SQLite's default, for whoever uses this pooled connection next
        _ = Task.Run(async () =>
        {
            try
            {
                await using var c = await OpenAsync(CancellationToken.None);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (SqliteException)
            {
                // Busy or shutting down: the next automatic checkpoint copies the pages instead.
            }
        }, CancellationToken.None);

        static void SetAutoCheckpoint(SqliteConnection c, SqliteTransaction? tx, int pages)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"PRAGMA wal_autocheckpoint={pages}";
            cmd.ExecuteNonQuery();
        }
    }

    public void Dispose() => _postgres?.Dispose();
}

public sealed class DatabaseOptions
{
    /// <summary>A PostgreSQL connection string (Host=...), or a SQLite one (Data Source=file).</summary>
    public string ConnectionString { get; set; } = "";

    public bool IsPostgres =>
        ConnectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
        || ConnectionString.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
}
