using Yunzhong.Core.Formats;
using Yunzhong.Server.Features.Imports;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server;

/// <summary>
/// Seeds the demo (`yz serve --demo`): an operator, a client and a vendor organisation, a few
/// people with known passwords, and one project per folder of the repository's <c>demo/</c> data,
/// with its media, tasks, gold answers and predictions; then the park (<see cref="DemoPark"/>).
/// Anything already there is left alone.
/// </summary>
public sealed class DemoSeeder(
    ServerOptions options, Db db, Accounts accounts, Access access, MediaStore media, TaskImporter importer, TimeProvider time,
    DemoPark park, DemoWorkforce workforce, DemoTraining training, ILogger<DemoSeeder> log)
{
    public const string Password = "yunzhong-demo";
    public const string ClientOrg = "云中示范客户 Demo Client";

    public static readonly (string Email, string Name, Roles Roles)[] People =
    [
        ("admin@demo.yunzhong", "管理员 Admin", Roles.Admin | Roles.Manager),
        ("annotator1@demo.yunzhong", "标注员一 Annotator One", Roles.Annotator),
        ("annotator2@demo.yunzhong", "标注员二 Annotator Two", Roles.Annotator),
        ("reviewer@demo.yunzhong", "质检员 Reviewer", Roles.Reviewer),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var operatorOrg = await accounts.FindOrganizationAsync("云中园区运营 Park Operator", ct)
            ?? await accounts.CreateOrganizationAsync("云中园区运营 Park Operator", "operator", ct);
        var clientOrg = await accounts.FindOrganizationAsync(ClientOrg, ct)
            ?? await accounts.CreateOrganizationAsync(ClientOrg, "client", ct);
        _ = await accounts.FindOrganizationAsync(DemoPark.Vendor1, ct)
            ?? await accounts.CreateOrganizationAsync(DemoPark.Vendor1, "vendor", ct);
        long adminId = 0;
        foreach (var (email, name, roles) in People)
        {
            var id = await accounts.FindUserAsync(email, ct) ?? await accounts.CreateUserAsync(email, name, Password, ct);
            await accounts.SetMembershipAsync(clientOrg, id, roles, ct);
            if (roles.HasFlag(Roles.Admin))
            {
                adminId = id;
                await accounts.SetMembershipAsync(operatorOrg, id, Roles.Admin, ct);
            }
        }
        access.ForgetMemberships();

        var root = options.DemoDir ?? ServerOptions.FindRepoFolder("demo");
        if (root is null)
        {
            log.LogWarning("No demo/ folder found: demo people created, no demo projects");
            return;
        }
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "project.json")))
            {
                await SeedProjectAsync(dir, clientOrg, adminId, ct);
            }
        }
        await park.SeedAsync(clientOrg, Secrets.HashPassword(Password), ct);
        await workforce.SeedAsync(clientOrg, ct);
        await training.SeedAsync(clientOrg, adminId, ct);
        await SeedPoolAsync(clientOrg, ct);
    }

    /// <summary>The client's compute pool with a synthetic power profile (labelled so) of two weeks from today.</summary>
    private async Task SeedPoolAsync(long organizationId, CancellationToken ct)
    {
        await using (var c = await db.OpenAsync(ct))
        {
            if (await c.ExecuteScalarAsync<long>(new CommandDefinition(Features.Compute.ComputeSql.PoolCountSql, new { organizationId }, cancellationToken: ct)) > 0)
            {
                return;
            }
        }
        var now = time.GetUtcNow();
        var pool = await Features.Compute.PoolsApi.CreateAsync(db, organizationId, "大同绿电算力池（合成曲线）Datong green pool (synthetic profile)",
            Features.Compute.PoolsApi.DefaultWatts, "", time, ct);
        await Features.Compute.PoolsApi.ReplaceProfileAsync(db, pool,
            Core.Compute.SyntheticGrid.NorthChina(new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(-1), 15),
            Core.Compute.SyntheticGrid.Note, ct);
    }

    private async Task SeedProjectAsync(string dir, long organizationId, long adminId, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "project.json"), ct));
        var p = doc.RootElement;
        var name = p.GetProperty("name").GetString()!;
        if (p.TryGetProperty("name_zh", out var zh))
        {
            name = $"{zh.GetString()} · {name}";
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM projects WHERE organization_id = @organizationId AND name = @name AND deleted_at IS NULL",
                new { organizationId, name }, cancellationToken: ct)) > 0)
        {
            return;
        }
        var parsed = LabelSchema.Parse(p.GetProperty("schema"));
        if (!parsed.Success)
        {
            throw new InvalidOperationException($"Demo project {dir}: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }
        var review = p.GetProperty("review");
        var projectId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO projects (organization_id, name, instructions, schema_json, overlap, lease_seconds, task_order,
                                  review_policy, review_percent, created_by, created_at)
            VALUES (@organizationId, @name, @instructions, @schema, @overlap, 3600, 'priority', @policy, @percent, @adminId, @now)
            RETURNING id
            """, new
            {
                organizationId, name, instructions = p.GetProperty("instructions").GetString(), schema = parsed.Schema.ToJson(),
                overlap = p.GetProperty("overlap").GetInt32(), policy = review.GetProperty("policy").GetString(),
                percent = review.GetProperty("percent").GetInt32(), adminId, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken: ct));

        var mediaDir = Path.Combine(dir, "media");
        if (Directory.Exists(mediaDir))
        {
            var batch = await media.BeginAsync(projectId, organizationId, ct);
            foreach (var file in Directory.GetFiles(mediaDir).Order(StringComparer.Ordinal))
            {
                await using var s = File.OpenRead(file);
                var error = await batch.AddAsync(Path.GetFileName(file), s, s.Length, zip: null, ct);
                if (error is not null)
                {
                    throw new InvalidOperationException($"Demo media {file}: {error}");
                }
            }
            await batch.CommitAsync(ct);
        }

        var project = (await access.ProjectAsync(projectId, ct))!;
        await using (var tasks = File.OpenRead(Path.Combine(dir, "tasks.jsonl")))
        {
            var outcome = await importer.ImportAsync(project, adminId, tasks, ImportFormat.Jsonl, new ImportSource(name + "/tasks.jsonl"), ct);
            if (outcome.Errors.Count > 0)
            {
                throw new InvalidOperationException($"Demo tasks {dir}: " + string.Join("; ", outcome.Errors.Select(e => $"line {e.Line} {e.Field}: {e.Message}")));
            }
        }
        var predictions = Path.Combine(dir, "predictions.jsonl");
        if (File.Exists(predictions))
        {
            foreach (var line in await File.ReadAllLinesAsync(predictions, ct))
            {
                if (line.Length == 0)
                {
                    continue;
                }
                using var pred = JsonDocument.Parse(line);
                var r = pred.RootElement;
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO predictions (task_id, model, result_json, score, created_at)
                    SELECT id, @model, @result, NULL, @now FROM tasks WHERE project_id = @projectId AND task_key = @key
                    """, new
                    {
                        model = r.GetProperty("model").GetString(), result = r.GetProperty("result").GetRawText(),
                        now = time.GetUtcNow().ToUnixTimeMilliseconds(), projectId, key = r.GetProperty("key").GetString(),
                    }, cancellationToken: ct));
            }
        }
        log.LogInformation("Demo project {Name} seeded", name);
    }
}
