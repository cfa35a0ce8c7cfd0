using System.Text.Json;
using Yunzhong.Server;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Security;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz user` and `yz token`: administration on the server's own storage (--data / --db), for the
/// operator at the machine; everything else in the CLI goes through the HTTP API.
/// </summary>
internal static class AdminCommands
{
    public static async Task<int> UserAsync(CliArgs args, CancellationToken ct)
    {
        var (db, accounts) = await OpenAsync(args, ct);
        using var _ = db;
        switch (args.Positional.FirstOrDefault())
        {
            case "add":
            {
                var email = args.Require("email");
                var password = args.Get("password");
                if (password is { Length: < 8 })
                {
                    throw new CliException("--password must have at least 8 characters");
                }
                var userId = await accounts.FindUserAsync(email, ct) ?? await accounts.CreateUserAsync(email, args.Get("name", email), password, ct);
                var orgName = args.Get("org");
                if (orgName is not null)
                {
                    var kind = args.Get("kind", "client");
                    if (!Accounts.Kinds.Contains(kind))
                    {
                        throw new CliException("--kind must be client, vendor or operator");
                    }
                    var orgId = await accounts.FindOrganizationAsync(orgName, ct) ?? await accounts.CreateOrganizationAsync(orgName, kind, ct);
                    var roles = RoleNames.Parse(args.Get("roles", "annotator"));
                    if (roles == Roles.None)
                    {
                        throw new CliException($"--roles must list some of {string.Join(", ", RoleNames.All)}");
                    }
                    if (await accounts.ChangeMembershipAsync(orgId, userId, roles, ct) == MembershipChange.LastAdmin)
                    {
                        throw new CliException($"user {userId} is the last admin of organisation {orgId} '{orgName}': make someone else admin first");
                    }
                    Console.WriteLine($"user {userId} <{Accounts.NormalizeEmail(email)}> is {string.Join(", ", RoleNames.Names(roles))} of organisation {orgId} '{orgName}'");
                }
                else
                {
                    Console.WriteLine($"user {userId} <{Accounts.NormalizeEmail(email)}>");
                }
                return 0;
            }
            case "list":
            {
                await using var c = await db.OpenAsync(ct);
                var concat = db.Dialect.StringAgg;
                var rows = await Dapper.SqlMapper.QueryAsync<(long Id, string Email, string Name, string? Orgs)>(c, new Dapper.CommandDefinition(
                    $"""
                    SELECT u.id, u.email, u.name,
                           (SELECT {concat}(o.name || ':' || m.roles, '; ') FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = u.id)
                    FROM users u ORDER BY u.id
                    """, cancellationToken: ct));
                foreach (var r in rows)
                {
                    Console.WriteLine($"{r.Id,6}  {r.Email,-32} {r.Name,-24} {r.Orgs}");
                }
                return 0;
            }
            default:
                throw new CliException("usage: yz user add --email E [--name N] [--password P] [--org NAME [--kind client|vendor|operator] [--roles admin,manager,annotator,reviewer]] | yz user list");
        }
    }

    public static async Task<int> TokenAsync(CliArgs args, CancellationToken ct)
    {
        if (args.Positional.FirstOrDefault() != "create")
        {
            throw new CliException("usage: yz token create --email E [--name NAME]");
        }
        var (db, accounts) = await OpenAsync(args, ct);
        using var _ = db;
        var email = args.Require("email");
        var userId = await accounts.FindUserAsync(email, ct) ?? throw new CliException($"no user with email {email}");
        var (_, token) = await accounts.CreateTokenAsync(userId, args.Get("name", "cli"), ct);
        Console.WriteLine(token);
        Console.Error.WriteLine("This token is shown once; store it now (e.g. export YZ_TOKEN=...).");
        return 0;
    }

    /// `yz audit verify`: reads the whole audit trail in order and checks its hash chain.
    public static async Task<int> AuditAsync(CliArgs args, CancellationToken ct)
    {
        if (args.Positional.FirstOrDefault() != "verify")
        {
            throw new CliException("usage: yz audit verify [--data DIR | --db CONNECTION] [--json]");
        }
        var (db, _) = await OpenAsync(args, ct);
        using var store = db;
        var v = await new AuditLog(db, TimeProvider.System).VerifyAsync(ct);
        if (args.Flag("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                entries = v.Count, head_seq = v.Head?.Seq, head_hash = v.Head?.Hash, ok = v.Problems.Count == 0,
                problems = v.Problems.Select(p => new { seq = p.Seq, detail = p.Detail }),
            }));
        }
        else
        {
            foreach (var p in v.Problems)
            {
                Console.WriteLine($"entry {p.Seq}: {p.Detail}");
            }
            Console.WriteLine(v.Problems.Count == 0
                ? $"audit trail verified: {v.Count} entries, head {v.Head?.Seq} {v.Head?.Hash}"
                : $"AUDIT TRAIL BROKEN: {v.Problems.Count} problem(s) in {v.Count} entries");
        }
        return v.Problems.Count == 0 ? 0 : 1;
    }

    private static async Task<(Db, Accounts)> OpenAsync(CliArgs args, CancellationToken ct)
    {
        var options = ServeCommand.Options(args);
        Directory.CreateDirectory(options.DataDir);
        var db = new Db(new DatabaseOptions { ConnectionString = options.ConnectionString });
        await Migrator.MigrateAsync(db, TimeProvider.System, ct);
        return (db, new Accounts(db, TimeProvider.System));
    }
}
