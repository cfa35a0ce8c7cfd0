using Dapper;
using Yunzhong.Server.Data;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench --vendors N`: the annotators belong to N vendor organisations instead of the client's,
/// each vendor with one site in a Datong county that blocks past its seats (one per person, so
/// nobody is turned away but every lease checks), and each project is worked under one active
/// contract per vendor whose quota is the whole project's work (checked on every lease, never
/// reached). Measures what contracts, quotas and sites cost the queue.
/// </summary>
internal static class BenchPark
{
    /// <summary>Datong's ten county and district codes.</summary>
    internal static readonly string[] Counties = ["140213", "140214", "140212", "140215", "140221", "140222", "140223", "140224", "140225", "140226"];

    /// <summary>Moves the annotators (user ids) into <paramref name="vendors"/> vendor organisations with a site each; returns each vendor's id and people.</summary>
    public static async Task<List<(long Vendor, List<long> People)>> VendorsAsync(Db db, long clientOrg, IReadOnlyList<long> annotators, int vendors, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var result = new List<(long, List<long>)>();
        for (var v = 0; v < vendors; v++)
        {
            var people = annotators.Where((_, i) => i % vendors == v).ToList();
            var org = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO organizations (name, kind, created_at) VALUES (@name, 'vendor', 0) RETURNING id", new { name = $"bench vendor {v}" }, tx, cancellationToken: ct));
            var site = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO sites (organization_id, name, county_code, seats, opens, closes, block_over_seats, created_at)
                VALUES (@org, @name, @county, @seats, '00:00', '23:59', 1, 0) RETURNING id
                """, new { org, name = $"site {v}", county = Counties[v % Counties.Length], seats = Math.Max(1, people.Count) }, tx, cancellationToken: ct));
            foreach (var userId in people)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE memberships SET organization_id = @org, site_id = @site WHERE organization_id = @clientOrg AND user_id = @userId",
                    new { org, site, clientOrg, userId }, tx, cancellationToken: ct));
            }
            result.Add((org, people));
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>One active contract per vendor on the project, quota <paramref name="quota"/>, its people on it.</summary>
    public static async Task ContractsAsync(Db db, long clientOrg, long projectId, List<(long Vendor, List<long> People)> vendors, long quota, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        foreach (var (vendor, people) in vendors)
        {
            var contract = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO contracts (project_id, client_org_id, vendor_org_id, state, unit, quota, used, unit_price_e4, deadline, visibility, created_at, updated_at)
                VALUES (@projectId, @clientOrg, @vendor, 'active', 'annotations', @quota, 0, 350, 4102444800000, 'work', 0, 0) RETURNING id
                """, new { projectId, clientOrg, vendor, quota }, tx, cancellationToken: ct));
            foreach (var userId in people)
            {
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO contract_people (contract_id, user_id) VALUES (@contract, @userId)",
                    new { contract, userId }, tx, cancellationToken: ct));
            }
        }
        await tx.CommitAsync(ct);
    }
}
