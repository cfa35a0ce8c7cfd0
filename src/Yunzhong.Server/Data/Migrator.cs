namespace Yunzhong.Server.Data;

/// <summary>
/// Applies the embedded SQL migrations of the connected engine in order, each in its own
/// transaction, recording them in <c>schema_migrations</c>. Plain SQL per engine keeps the schema
/// reviewable and lets the hot paths rely on exactly the indexes written here.
/// </summary>
public static class Migrator
{
    /// <param name="through">The last version to apply, for tests that put rows in a store as an
    /// earlier version left it and then run the migrations after it; all when null.</param>
    public static async Task MigrateAsync(Db db, TimeProvider time, CancellationToken ct, string? through = null)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(db.Dialect.BeforeMigrations, cancellationToken: ct));
        try
        {
            await c.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                cancellationToken: ct));
            var applied = (await c.QueryAsync<string>(new CommandDefinition(
                "SELECT version FROM schema_migrations", cancellationToken: ct))).ToHashSet();
            foreach (var (version, sql) in Scripts(db.Dialect))
            {
                if (through is not null && string.CompareOrdinal(version, through) > 0)
                {
                    break;
                }
                if (applied.Contains(version))
                {
                    continue;
                }
                await using var tx = await db.BeginWriteAsync(c, ct);
                await c.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
                await c.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)",
                    new { version, at = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            if (db.Dialect.AfterMigrations is { } after)
            {
                await c.ExecuteAsync(new CommandDefinition(after, cancellationToken: ct));
            }
        }
    }

    private static IEnumerable<(string Version, string Sql)> Scripts(SqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"Yunzhong.Server.Data.Migrations.{dialect.Name}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (name[prefix.Length..^".sql".Length], reader.ReadToEnd());
        }
    }
}
