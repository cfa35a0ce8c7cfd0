using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Yunzhong.Server.Data;

/// <summary>
/// A prepared SQLite statement bound by position through the native API. Bulk paths (imports) use
/// it because binding by name costs a native name look-up per parameter per row, which profiling
/// showed to be a third of import time. It runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, value));

    /// <summary>Binds UTF-8 text as it is, without a round trip through a .NET string.</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_text(_stmt, index, value));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    /// <summary>Runs the statement to completion and returns how many rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_stmt);
        while (rc == raw.SQLITE_ROW)
        {
            rc = raw.sqlite3_step(_stmt);
        }
        raw.sqlite3_reset(_stmt);
        Check(rc);
        return raw.sqlite3_changes(_db);
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }

    public void Dispose() => _stmt.Dispose();
}
