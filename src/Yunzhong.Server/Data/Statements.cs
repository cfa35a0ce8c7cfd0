using System.Data.Common;

namespace Yunzhong.Server.Data;

/// <summary>
/// Commands kept open on one long-lived connection, one per SQL text, so SQLite and Npgsql reuse
/// their prepared statements on the hot path instead of parsing the SQL on every call.
/// </summary>
internal sealed class Statements(DbConnection connection) : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteHotCommand> _raw = new(StringComparer.Ordinal);

    public DbConnection Connection => connection;

    public DbCommand Get(string sql, DbTransaction? tx)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
        }
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>A positionally bound native statement (SQLite only), kept like the commands: bulk
    /// paths (imports) bind by position because binding by name costs a native name look-up per
    /// parameter per row, which profiling showed to be a third of import time.</summary>
    public SqliteHotCommand Raw(Microsoft.Data.Sqlite.SqliteConnection sqlite, string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new SqliteHotCommand(sqlite, sql);
            _raw[sql] = statement;
        }
        return statement;
    }

    public void Dispose()
    {
        foreach (var r in _raw.Values)
        {
            r.Dispose();
        }
        _raw.Clear();
        foreach (var c in _commands.Values)
        {
            c.Dispose();
        }
        _commands.Clear();
    }
}

internal static class CommandExtensions
{
    /// <summary>Sets a parameter, reusing the command's parameter object from earlier calls: a prepared
    /// statement stays bound to its parameters, so they are updated rather than replaced.</summary>
    public static DbCommand With(this DbCommand cmd, string name, object? value)
    {
        var at = cmd.Parameters.IndexOf(name);
        if (at >= 0)
        {
            cmd.Parameters[at].Value = value ?? DBNull.Value;
            return cmd;
        }
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }

    public static async Task<long?> ScalarLongAsync(this DbCommand cmd, CancellationToken ct)
    {
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is null or DBNull ? null : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
    }
}
