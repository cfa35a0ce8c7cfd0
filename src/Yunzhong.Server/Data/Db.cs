using Microsoft.Data.Sqlite;
using Npgsql;

namespace Yunzhong.Server.Data;

/// <summary>
/// Opens connections to the one relational store and begins its write transactions. What differs
/// between the engines in SQL is <see cref="Dialect"/>'s.
/// </summary>
public sealed class Db : IDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    public Db(DatabaseOptions options)
    {
        if (options.IsPostgres)
        {
            Dialect = SqlDialect.Postgres;
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
            Dialect = SqlDialect.Sqlite;
            ConnectionString = new SqliteConnectionStringBuilder(options.ConnectionString)
            {
                Pooling = true,
                DefaultTimeout = 60,
                ForeignKeys = true,
            }.ToString();
        }
    }

    public SqlDialect Dialect { get; }

    public string ConnectionString { get; }

    /// <summary>The database file, where the database is one (SQLite); null for a server.</summary>
    public string? LocalFile => _postgres is null ? Path.GetFullPath(new SqliteConnectionStringBuilder(ConnectionString).DataSource) : null;

    /// <summary>Throws unless the database answers (readiness).</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        if (_postgres is not null)
        {
            await using var c = await OpenAsync(ct);
            await using var select = c.CreateCommand();
            select.CommandText = "SELECT 1";
            await select.ExecuteScalarAsync(ct);
            return;
        }
        // Not a pooled connection: one kept open goes on reading a database file that was deleted or
        // replaced under it. Opening without Create finds out whether the file is still there.
        var cs = new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString();
        await using var sqlite = new SqliteConnection(cs);
        await sqlite.OpenAsync(ct);
        await using var cmd = sqlite.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master";
        await cmd.ExecuteScalarAsync(ct);
    }

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

    /// <summary>Begins a write transaction; on SQLite it takes the write lock at once (no upgrade deadlocks).</summary>
    /// <param name="fsyncOnCommit">On SQLite, whether the commit itself fsyncs the WAL. Only the queue
    /// writer passes false: it fsyncs the WAL on its own before acknowledging (see <c>WalSync</c>).</param>
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct = default) => BeginWriteAsync(connection, true, ct);

    /// <inheritdoc cref="BeginWriteAsync(DbConnection, CancellationToken)"/>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, bool fsyncOnCommit, CancellationToken ct)
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
