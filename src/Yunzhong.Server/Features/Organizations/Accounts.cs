using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Organizations;

public enum MembershipChange { Done, NotMember, LastAdmin }

/// <summary>Creating organisations, people and tokens: shared by the API, the admin CLI and demo seeding.</summary>
public sealed class Accounts(Db db, TimeProvider time)
{
    public static readonly string[] Kinds = ["client", "vendor", "operator"];

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<long> CreateOrganizationAsync(string name, string kind, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            OrganizationsSql.InsertOrganizationSql,
            new { name, kind, now = Now }, cancellationToken: ct));
    }

    public async Task<long?> FindOrganizationAsync(string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            OrganizationsSql.OrganizationByNameSql, new { name }, cancellationToken: ct));
    }

    public async Task<long?> FindUserAsync(string email, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            OrganizationsSql.UserByEmailSql, new { email = NormalizeEmail(email) }, cancellationToken: ct));
    }

    /// <summary>Creates a user; a null password makes a token-only account (scripts, benchmarks).</summary>
    public async Task<long> CreateUserAsync(string email, string name, string? password, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await CreateUserAsync(c, null, email, name, password, ct);
    }

    public async Task<long> CreateUserAsync(DbConnection c, DbTransaction? tx, string email, string name, string? password, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            OrganizationsSql.InsertUserSql,
            new { email = NormalizeEmail(email), name, hash = password is null ? null : Secrets.HashPassword(password), now = Now },
            tx, cancellationToken: ct));

    /// <summary>Writes a membership as given, with no checks: for seeding and new organisations;
    /// a change to an existing member goes through <see cref="ChangeMembershipAsync"/>.</summary>
    public async Task SetMembershipAsync(long organizationId, long userId, Roles roles, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await SetMembershipAsync(c, null, organizationId, userId, roles, ct);
    }

    public static async Task SetMembershipAsync(DbConnection c, DbTransaction? tx, long organizationId, long userId, Roles roles, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            OrganizationsSql.UpsertMembershipSql, new { organizationId, userId, roles = string.Join(',', RoleNames.Names(roles)) }, tx, cancellationToken: ct));

    /// <summary>
    /// Gives a member new roles, or takes them out of the organisation with <see cref="Roles.None"/>,
    /// the one way every route changes an existing membership. The organisation's last admin never
    /// loses the role or leaves: another member must be made admin first. Someone who can no longer
    /// annotate (removed, or left without an annotating role) has their live leases in its projects
    /// ended, so those tasks go back to the queue now instead of at lease expiry. Callers forget
    /// cached roles afterwards (<see cref="Access.ForgetMemberships"/>).
    /// </summary>
    public async Task<MembershipChange> ChangeMembershipAsync(long organizationId, long userId, Roles roles, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        // Membership changes of one organisation take turns: two admins demoting each other at once
        // must not both see the other still admin.
        if (db.Dialect.TakeTurnsSql("organizations", "@organizationId") is { } turns)
        {
            await c.ExecuteAsync(new CommandDefinition(turns, new { organizationId }, tx, cancellationToken: ct));
        }
        var csv = await c.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(
            OrganizationsSql.MemberRolesSql, new { organizationId, userId }, tx,
            cancellationToken: ct));
        var before = csv is null ? Roles.None : RoleNames.Parse(csv);
        if (roles == Roles.None && csv is null)
        {
            return MembershipChange.NotMember;
        }
        if ((before & Roles.Admin) != 0 && (roles & Roles.Admin) == 0)
        {
            var admins = (await c.QueryAsync<string>(new CommandDefinition(
                OrganizationsSql.AllMemberRolesSql, new { organizationId }, tx, cancellationToken: ct)))
                .Count(r => (RoleNames.Parse(r) & Roles.Admin) != 0);
            if (admins <= 1)
            {
                return MembershipChange.LastAdmin;
            }
        }
        if (roles == Roles.None)
        {
            await c.ExecuteAsync(new CommandDefinition(
                OrganizationsSql.DeleteMembershipSql, new { organizationId, userId }, tx,
                cancellationToken: ct));
        }
        else
        {
            await SetMembershipAsync(c, tx, organizationId, userId, roles, ct);
        }
        if ((before & RoleNames.Annotate) != 0 && (roles & RoleNames.Annotate) == 0)
        {
            await TaskStates.ReleaseLeasesAsync(c, tx,
                OrganizationsSql.LeasesOfMemberWhere,
                new { userId, organizationId }, TaskStates.Revoked, Now, ct);
        }
        await tx.CommitAsync(ct);
        return MembershipChange.Done;
    }

    public async Task<string> NameAsync(long userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string>(new CommandDefinition(OrganizationsSql.UserNameSql, new { userId }, cancellationToken: ct))
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
            OrganizationsSql.InsertTokenSql,
            new { userId, name, hash = Secrets.HashToken(token), now = Now }, tx, cancellationToken: ct));
        return (id, token);
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
