using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Tests.Data;

/// <summary>Migrations that change existing rows, run on a store holding rows from before them.</summary>
public abstract class MigrationTests
{
    /// <summary>A new, empty store of this engine, and how to remove it.</summary>
    protected abstract Task<(Db Db, Func<Task> Drop)> NewStoreAsync();

    [Fact]
    public async Task TasksOfProjectsAlreadyInLeastAnnotatedOrderStayInThatOrdersQueue()
    {
        var (db, drop) = await NewStoreAsync();
        try
        {
            await Migrator.MigrateAsync(db, TimeProvider.System, CancellationToken.None, through: "0004_shuffle_only_when_random");
            var projects = new Dictionary<string, long>();
            await using (var c = await db.OpenAsync())
            {
                var org = await c.ExecuteScalarAsync<long>("INSERT INTO organizations (name, kind, created_at) VALUES ('o', 'client', 0) RETURNING id");
                var user = await c.ExecuteScalarAsync<long>("INSERT INTO users (email, name, created_at) VALUES ('u@test', 'u', 0) RETURNING id");
                foreach (var order in new[] { "leastAnnotated", "priority", "random" })
                {
                    var project = await c.ExecuteScalarAsync<long>(
                        """
                        INSERT INTO projects (organization_id, name, instructions, schema_json, overlap, lease_seconds, task_order,
                                              review_policy, review_percent, created_by, created_at)
                        VALUES (@org, @order, '', '{}', 1, 600, @order, 'none', 0, @user, 0) RETURNING id
                        """, new { org, order, user });
                    projects[order] = project;
                    for (var i = 0; i < 3; i++)
                    {
                        await c.ExecuteAsync(
                            """
                            INSERT INTO tasks (project_id, data_json, shuffle, state, target, remaining, created_at, updated_at)
                            VALUES (@project, '{}', @shuffle, 'new', 1, 1, 0, 0)
                            """, new { project, shuffle = order == "random" ? i + 1 : 0 });
                    }
                }
            }

            await Migrator.MigrateAsync(db, TimeProvider.System, CancellationToken.None);

            await using (var c = await db.OpenAsync())
            {
                var flagged = (await c.QueryAsync<(long Project, long Flagged)>(
                    "SELECT project_id, SUM(least_order) FROM tasks GROUP BY project_id")).ToDictionary(r => r.Project, r => r.Flagged);
                Assert.Equal(3, flagged[projects["leastAnnotated"]]);
                Assert.Equal(0, flagged[projects["priority"]]);
                Assert.Equal(0, flagged[projects["random"]]);
                // The queue's pick still finds them.
                using var sql = new HotStatements(c);
                var pick = sql[QueueSql.PickFreshSql("leastAnnotated")].Bind("projectId", projects["leastAnnotated"]).Bind("userId", 0L);
                Assert.NotNull(await pick.ScalarInt64Async());
            }
        }
        finally
        {
            db.Dispose();
            await drop();
        }
    }
}

public sealed class SqliteMigrationTests : MigrationTests
{
    protected override Task<(Db Db, Func<Task> Drop)> NewStoreAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"yz-migration-{Guid.NewGuid():N}.db");
        var db = new Db(new DatabaseOptions { ConnectionString = $"Data Source={file}" });
        return Task.FromResult<(Db, Func<Task>)>((db, () =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
            return Task.CompletedTask;
        }));
    }
}

public sealed class PostgresMigrationTests : MigrationTests
{
    protected override async Task<(Db Db, Func<Task> Drop)> NewStoreAsync()
    {
        var name = $"yz_test_{Guid.NewGuid():N}";
        await using (var c = new NpgsqlConnection(PostgresFixture.AdminConnection))
        {
            await c.OpenAsync();
            await c.ExecuteAsync($"CREATE DATABASE {name}");
        }
        var db = new Db(new DatabaseOptions { ConnectionString = new NpgsqlConnectionStringBuilder(PostgresFixture.AdminConnection) { Database = name }.ToString() });
        return (db, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(PostgresFixture.AdminConnection);
            await c.OpenAsync();
            await c.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }
}
