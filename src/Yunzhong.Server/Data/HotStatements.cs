using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Yunzhong.Server.Data;

/// <summary>
/// Prepared statements for the hot paths (the queue writer, the hot reads, imports), one per SQL
/// text on one long-lived connection. The texts name their parameters (<c>@name</c>), as everywhere
/// else; each is turned into the positional form once, when first prepared
/// (<see cref="NamedParameters"/>), and a name is bound to its position by a search of the
/// statement's few names, so a call parses nothing and allocates nothing more. ADO.NET's
/// by-name binding and async wrappers cost a native name look-up per parameter and an allocation
/// per call: profiling put the SQLite provider layer at more than half of the queue writer's time
/// and a third of an import's. On SQLite the statements go straight to the native
/// API and their "async" methods complete at once (SQLite has no I/O to wait for that the OS does
/// not cache); on PostgreSQL they are Npgsql commands with unnamed, typed parameters (no SQL
/// rewriting per call, one auto-prepared statement per text) doing real asynchronous I/O, since
/// synchronous socket reads on Linux spin (profiled: half the process's CPU). Statements run
/// inside whatever transaction the connection has open.
/// </summary>
internal sealed class HotStatements(DbConnection connection) : IDisposable
{
    private readonly Dictionary<string, HotCommand> _commands = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    public HotCommand this[string sql]
    {
        get
        {
            if (!_commands.TryGetValue(sql, out var cmd))
            {
                var sqlite = connection as SqliteConnection;
                var (text, names) = NamedParameters.ToPositional(sql, sqlite is not null);
                cmd = sqlite is not null
                    ? new SqliteHotCommand(sqlite, text, names)
                    : new NpgsqlHotCommand((NpgsqlConnection)connection, text, names);
                _commands[sql] = cmd;
            }
            return cmd;
        }
    }

    public void Dispose()
    {
        foreach (var c in _commands.Values)
        {
            c.Dispose();
        }
        _commands.Clear();
    }
}

/// <summary>One prepared statement. Bind, then <see cref="ExecuteAsync"/> or read rows with <see cref="ReadAsync"/>
/// until it returns false (or <see cref="ResetAsync"/> when stopping early). A cancellation token
/// stops a statement waiting on PostgreSQL; SQLite statements never wait, so they ignore it.</summary>
internal abstract class HotCommand(string[] names) : IDisposable
{
    /// <summary>The parameter's position (from 1) in the prepared statement.</summary>
    private int Index(string name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }
        throw new ArgumentException($"The statement has no parameter @{name}.", nameof(name));
    }

    public HotCommand Bind(string name, long value) => Bind(Index(name), value);

    public HotCommand Bind(string name, long? value) => Bind(Index(name), value);

    public HotCommand Bind(string name, string? value) => Bind(Index(name), value);

    public HotCommand Bind(string name, double? value) => Bind(Index(name), value);

    public HotCommand BindUtf8(string name, ReadOnlySpan<byte> value) => BindUtf8(Index(name), value);

    public abstract HotCommand Bind(int index, long value);

    public abstract HotCommand Bind(int index, string? value);

    public abstract HotCommand Bind(int index, double? value);

    public HotCommand Bind(int index, long? value) => value is { } v ? Bind(index, v) : BindNullInt64(index);

    /// <summary>Binds UTF-8 text; SQLite takes the bytes as they are, without a round trip through a .NET string.</summary>
    public virtual HotCommand BindUtf8(int index, ReadOnlySpan<byte> value) => Bind(index, Encoding.UTF8.GetString(value));

    protected abstract HotCommand BindNullInt64(int index);

    /// <summary>Runs to completion; the number of rows changed.</summary>
    public abstract ValueTask<int> ExecuteAsync(CancellationToken ct = default);

    /// <summary>The next row; false (and the statement reset) when there is none.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct = default);

    /// <summary>Ends reading before the last row.</summary>
    public abstract ValueTask ResetAsync();

    public abstract bool IsNull(int column);

    public abstract long Int64(int column);

    public abstract double Double(int column);

    public abstract string Text(int column);

    public string? TextOrNull(int column) => IsNull(column) ? null : Text(column);

    public double? DoubleOrNull(int column) => IsNull(column) ? null : Double(column);

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public ValueTask<long?> ScalarInt64Async(CancellationToken ct = default) =>
        ScalarAsync<long?>(static c => c.IsNull(0) ? null : c.Int64(0), ct);

    /// <summary>The first column of the first row as text, or null when there is no row or it is NULL.</summary>
    public ValueTask<string?> ScalarTextAsync(CancellationToken ct = default) => ScalarAsync(static c => c.TextOrNull(0), ct);

    private async ValueTask<T> ScalarAsync<T>(Func<HotCommand, T> first, CancellationToken ct)
    {
        if (!await ReadAsync(ct))
        {
            return default!;
        }
        var value = first(this);
        await ResetAsync();
        return value;
    }

    public abstract void Dispose();
}

internal sealed class SqliteHotCommand : HotCommand
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private bool _stepping;

    public SqliteHotCommand(SqliteConnection connection, string sql, string[] names) : base(names)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public override HotCommand Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_stmt, index, value));
        return this;
    }

    public override HotCommand Bind(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, value));
        return this;
    }

    protected override HotCommand BindNullInt64(int index)
    {
        Check(raw.sqlite3_bind_null(_stmt, index));
        return this;
    }

    public override HotCommand BindUtf8(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_text(_stmt, index, value));
        return this;
    }

    public override HotCommand Bind(int index, double? value)
    {
        Check(value is { } v ? raw.sqlite3_bind_double(_stmt, index, v) : raw.sqlite3_bind_null(_stmt, index));
        return this;
    }

    public override ValueTask<int> ExecuteAsync(CancellationToken ct = default)
    {
        var rc = raw.sqlite3_step(_stmt);
        while (rc == raw.SQLITE_ROW)
        {
            rc = raw.sqlite3_step(_stmt);
        }
        raw.sqlite3_reset(_stmt);
        Check(rc);
        return new(raw.sqlite3_changes(_db));
    }

    public override ValueTask<bool> ReadAsync(CancellationToken ct = default)
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            _stepping = true;
            return new(true);
        }
        _stepping = false;
        raw.sqlite3_reset(_stmt);
        Check(rc);
        return new(false);
    }

    public override ValueTask ResetAsync()
    {
        if (_stepping)
        {
            _stepping = false;
            raw.sqlite3_reset(_stmt);
        }
        return ValueTask.CompletedTask;
    }

    public override bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    public override long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    public override double Double(int column) => raw.sqlite3_column_double(_stmt, column);

    public override string Text(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }

    public override void Dispose() => _stmt.Dispose();
}

internal sealed class NpgsqlHotCommand(NpgsqlConnection connection, string sql, string[] names) : HotCommand(names)
{
    private readonly NpgsqlCommand _cmd = new(sql, connection);
    private NpgsqlDataReader? _reader;

    /// <summary>Parameters keep their objects and types from the first call: an auto-prepared
    /// statement stays bound to them, and a changed type would make Npgsql prepare it again.</summary>
    private NpgsqlParameter At(int index, NpgsqlDbType type)
    {
        while (_cmd.Parameters.Count < index)
        {
            _cmd.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value });
        }
        var p = _cmd.Parameters[index - 1];
        if (p.NpgsqlDbType != type)
        {
            p.NpgsqlDbType = type;
        }
        return p;
    }

    public override HotCommand Bind(int index, long value)
    {
        At(index, NpgsqlDbType.Bigint).Value = value;
        return this;
    }

    protected override HotCommand BindNullInt64(int index)
    {
        At(index, NpgsqlDbType.Bigint).Value = DBNull.Value;
        return this;
    }

    public override HotCommand Bind(int index, string? value)
    {
        At(index, NpgsqlDbType.Text).Value = (object?)value ?? DBNull.Value;
        return this;
    }

    public override HotCommand Bind(int index, double? value)
    {
        At(index, NpgsqlDbType.Double).Value = value is { } v ? v : DBNull.Value;
        return this;
    }

    public override async ValueTask<int> ExecuteAsync(CancellationToken ct = default) => await _cmd.ExecuteNonQueryAsync(ct);

    public override async ValueTask<bool> ReadAsync(CancellationToken ct = default)
    {
        _reader ??= await _cmd.ExecuteReaderAsync(ct);
        if (await _reader.ReadAsync(ct))
        {
            return true;
        }
        await ResetAsync();
        return false;
    }

    public override async ValueTask ResetAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync();
            _reader = null;
        }
    }

    public override bool IsNull(int column) => _reader!.IsDBNull(column);

    public override long Int64(int column) => _reader!.GetInt64(column);

    public override double Double(int column) => _reader!.GetDouble(column);

    public override string Text(int column) => _reader!.GetString(column);

    public override void Dispose()
    {
        _reader?.Dispose();
        _cmd.Dispose();
    }
}
