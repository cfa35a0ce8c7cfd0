using System.Data.Common;
using Dapper;
using Yunzhong.Server.Data;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Organizations;

/// <summary>Creating organisations, people and tokens: shared by the API, the admin CLI and demo seeding.</summary>
public sealed class Accounts(Db db, TimeProvider time)
{
    public static readonly string[] Kinds = ["client", "vendor", "operator"];

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<long> CreateOrganizationAsync(string name, string kind, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO organizations (name, kind, created_at) VALUES (@name, @kind, @now) RETURNING id",
            new { name, kind, now = Now }, cancellationToken: ct));
    }

    public async Task<long?> FindOrganizationAsync(string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM organizations WHERE name = @name ORDER BY id LIMIT 1", new { name }, cancellationToken: ct));
    }

    public async Task<long?> FindUserAsync(string email, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM users WHERE email = @email", new { email = NormalizeEmail(email) }, cancellationToken: ct));
    }

    /// <summary>Creates a user; a null password makes a token-only account (scripts, benchmarks).</summary>
    public async Task<long> CreateUserAsync(string email, string name, string? password, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await CreateUserAsync(c, null, email, name, password, ct);
    }

    public async Task<long> CreateUserAsync(DbConnection c, DbTransaction? tx, string email, string name, string? password, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES (@email, @name, @hash, @now) RETURNING id",
            new { email = NormalizeEmail(email), name, hash = password is null ? null : Secrets.HashPassword(password), now = Now },
            tx, cancellationToken: ct));

    public async Task SetMembershipAsync(long organizationId, long userId, Roles roles, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await SetMembershipAsync(c, null, organizationId, userId, roles, ct);
    }

    public static async Task SetMembershipAsync(DbConnection c, DbTransaction? tx, long organizationId, long userId, Roles roles, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO memberships (organization_id, user_id, roles) VALUES (@organizationId, @userId, @roles)
            ON CONFLICT (organization_id, user_id) DO UPDATE SET roles = excluded.roles
            """, new { organizationId, userId, roles = string.Join(',', RoleNames.Names(roles)) }, tx, cancellationToken: ct));

    public async Task<string> NameAsync(long userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string>(new CommandDefinition("SELECT name FROM users WHERE id = @userId", new { userId }, cancellationToken: ct))
            ?? throw new InvalidOperationException($"User {userId} does not exist.");
    }

    /// <summary>Mints a personal API token; only its hash is stored, so the caller must show it now.</summary>
    public async Task<(long Id, string Token)> CreateTokenAsync(long userId, string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await CreateTokenAsync(c, null, userId, name, ct);
    }

    public async Task<(long Id, string Token)> CreateTokenAsync(DbConnection c, DbTransaction? tx, long userId, string name, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (@userId, @name, @hash, @now) RETURNING id",
            new { userId, name, hash = Secrets.HashToken(token), now = Now }, tx, cancellationToken: ct));
        return (id, token);
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
