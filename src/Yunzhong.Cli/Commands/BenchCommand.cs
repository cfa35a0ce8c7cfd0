using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Security;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench`: starts a server on a fresh store, imports N tasks over HTTP, lets M annotators race
/// through next → submit cycles (think time 0) over real HTTP, then checks the database: every
/// task has exactly `overlap` annotations from distinct annotators, none lost, none duplicated.
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] _options = ["a", "b", "c"];

    public static async Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var annotators = args.GetInt("annotators", 1000);
        var tasks = args.GetInt("tasks", 20_000);
        var overlap = args.GetInt("overlap", 1);
        var store = args.Get("store", "sqlite");
        var json = args.Flag("json");
        var vendorCount = args.GetInt("vendors", 0);
        // --skills: a required skill on every project and a data route on half its tasks (BenchSkills).
        var skills = args.Flag("skills");
        // --export FORMAT: after the import, annotate every task and time an export of them (BenchExport).
        var exportFormat = args.Get("export");
        // --release [--media M] [--media-bytes B]: an image project whose tasks show M media files, released end to end (BenchRelease).
        var release = args.Flag("release");
        var media = args.GetInt("media", 100_000);
        var mediaBytes = args.GetInt("media-bytes", 2048);
        // A warm-up project is raced through first and not measured: the runtime compiles the hot
        // code again, optimised (tiered compilation), in the first seconds under load, which on two
        // cores takes CPU from the server; a server runs for days, so the figure wanted is after that.
        // An export is measured after a smaller one of the same format (--warmup tasks, 100,000 at most by
        // default: a hundred pages, so that code run once a page is compiled optimised too; --warmup 0
        // measures a server's first export, its compiling included).
        var warmupTasks = args.GetInt("warmup", annotators > 0 ? Math.Min(tasks, 40_000) : exportFormat is not null ? Math.Min(tasks, 100_000) : 0);
        if (annotators < 0 || warmupTasks < 0 || tasks < 1 || overlap < 1 || (annotators > 0 && overlap > annotators))
        {
            throw new CliException("need --tasks ≥ 1, --overlap ≥ 1 and --annotators ≥ overlap (or 0 to measure the import alone)");
        }
        var dataDir = Path.Combine(Path.GetTempPath(), $"yz-bench-{Guid.NewGuid():N}");
        string? database = null;
        string? dropDatabase = null;
        if (store == "postgres")
        {
            (database, dropDatabase) = await CreateDatabaseAsync(args, "yz_bench", ct);
        }
        else if (store != "sqlite")
        {
            throw new CliException("--store must be sqlite or postgres");
        }

        var log = json ? TextWriter.Null : Console.Out;
        try
        {
            await using var app = ServerApp.Build(new ServerOptions
            {
                DataDir = dataDir, Urls = "http://127.0.0.1:0", Database = database,
                // An S3 bucket as `yz serve --blobs` takes it (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
                Blobs = args.Get("blobs"),
            });
            await ServerApp.PrepareAsync(app, ct);
            await app.StartAsync(ct);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var db = app.Services.GetRequiredService<Db>();
            var accounts = app.Services.GetRequiredService<Accounts>();
            log.WriteLine($"bench: {store}, blobs {Yunzhong.Server.Storage.BlobStores.Describe(app.Services.GetRequiredService<Yunzhong.Server.Storage.IBlobStore>())}, {tasks:N0} tasks, overlap {overlap}, {annotators:N0} annotators, server {url}");

            var (adminToken, tokens, clientOrg, annotatorIds) = await CreatePeopleAsync(db, accounts, annotators, ct);
            var vendors = vendorCount > 0 ? await BenchPark.VendorsAsync(db, clientOrg, annotatorIds, vendorCount, ct) : null;
            (long, long)? certified = skills ? await BenchSkills.CertifyAsync(db, annotatorIds, ct) : null;
            using var admin = new Api(url, adminToken);
            var projectId = release ? await BenchRelease.ProjectAsync(admin, ct)
                : exportFormat == "coco" ? await BenchExport.ImageProjectAsync(admin, ct)
                : await CreateProjectAsync(admin, "bench", overlap, ct);
            if (release)
            {
                var mediaSeconds = await BenchRelease.MediaAsync(db, app.Services.GetRequiredService<Yunzhong.Server.Storage.IBlobStore>(), projectId, media, mediaBytes, ct);
                log.WriteLine($"media: {media:N0} files of {mediaBytes:N0} bytes written to the store in {mediaSeconds:0.00} s");
            }
            if (vendors is not null)
            {
                await BenchPark.ContractsAsync(db, clientOrg, projectId, vendors, (long)tasks * overlap, ct);
                log.WriteLine($"park: {vendorCount} vendors with a site each, one active contract each per project");
            }
            if (certified is { } held)
            {
                await BenchSkills.RequireAsync(admin, projectId, held, ct);
                log.WriteLine("skills: one required of all, a route on every other task's dialect held by 3 annotators in 4");
            }
            var importSeconds = release ? await ImportAsync(admin, projectId, tasks, BenchRelease.Task(media), ct)
                : exportFormat == "coco" ? await ImportAsync(admin, projectId, tasks, BenchExport.ImageTask, ct)
                : await ImportAsync(admin, projectId, tasks, skills ? BenchSkills.Task : Line, ct);
            log.WriteLine($"import: {tasks:N0} tasks in {importSeconds:0.00} s ({tasks / importSeconds:N0} tasks/s)");

            var result = new Dictionary<string, object?>
            {
                ["store"] = store,
                ["tasks"] = tasks,
                ["overlap"] = overlap,
                ["annotators"] = annotators,
                ["vendors"] = vendorCount,
                ["skills"] = skills,
                ["import_s"] = Math.Round(importSeconds, 3),
                ["import_tasks_per_s"] = Math.Round(tasks / importSeconds),
            };
            if (release)
            {
                foreach (var (k, v) in await BenchRelease.RunAsync(admin, projectId, log, ct))
                {
                    result[k] = v;
                }
            }
            else if (exportFormat is not null)
            {
                if (warmupTasks > 0)
                {
                    var warmupId = exportFormat == "coco" ? await BenchExport.ImageProjectAsync(admin, ct, "warm-up images")
                        : await CreateProjectAsync(admin, "warm-up", overlap, ct);
                    await ImportAsync(admin, warmupId, warmupTasks, exportFormat == "coco" ? BenchExport.ImageTask : Line, ct);
                    var warm = await BenchExport.RunAsync(admin, db, warmupId, exportFormat, TextWriter.Null, ct);
                    log.WriteLine($"warm-up: an export of {warmupTasks:N0} tasks in {warm["export_s"]} s (not measured)");
                    await Task.Delay(TimeSpan.FromSeconds(2), ct); // the runtime's background compiling of what the warm-up made hot
                }
                foreach (var (k, v) in await BenchExport.RunAsync(admin, db, projectId, exportFormat, log, ct))
                {
                    result[k] = v;
                }
            }
            else if (annotators > 0)
            {
                var server = new Uri(url);
                var connections = await Task.WhenAll(tokens.Select(token => BenchConnection.OpenAsync(server, token, ct)));
                try
                {
                    if (warmupTasks > 0)
                    {
                        var warmupId = await CreateProjectAsync(admin, "warm-up", overlap, ct);
                        if (vendors is not null)
                        {
                            await BenchPark.ContractsAsync(db, clientOrg, warmupId, vendors, (long)warmupTasks * overlap, ct);
                        }
                        if (certified is { } warmHeld)
                        {
                            await BenchSkills.RequireAsync(admin, warmupId, warmHeld, ct);
                        }
                        await ImportAsync(admin, warmupId, warmupTasks, skills ? BenchSkills.Task : Line, ct);
                        var warm = await RaceAsync(connections, warmupId, ct);
                        var warmCheck = await VerifyAsync(db, warmupId, overlap, warmupTasks, warm.Acknowledged, ct);
                        log.WriteLine($"warm-up: {warm.Cycles:N0} cycles in {warm.Seconds:0.00} s (not measured); lost {warmCheck.Lost}, duplicates {warmCheck.Duplicates}");
                        if (warmCheck.Lost + warmCheck.Duplicates + warmCheck.WrongCount > 0)
                        {
                            throw new CliException("the warm-up project broke the queue's invariants");
                        }
                        if (store == "postgres")
                        {
                            // A running database has statistics (autovacuum analyses a table as it grows); this
                            // one was made minutes ago, and the plans cached on pooled connections while its
                            // tables were empty (a sequential scan of a 700-row table is cheaper than an index)
                            // would otherwise stay until autovacuum's first analyse, after the run.
                            await using var a = await db.OpenAsync(ct);
                            await a.ExecuteAsync(new CommandDefinition("ANALYZE tasks, assignments, annotations", cancellationToken: ct));
                            log.WriteLine("warm-up: tables analysed (PostgreSQL), so cached plans are made again from their sizes");
                        }
                    }
                    var engine = app.Services.GetRequiredService<Yunzhong.Server.Features.Queue.QueueEngine>();
                    var statsBefore = engine.Stats;
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var (jitBefore, jittedBefore) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
                    var run = await RaceAsync(connections, projectId, ct);
                    // Compiling in the measured window: methods first met or tiered up after the warm-up.
                    var (jit, jitted) = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore, System.Runtime.JitInfo.GetCompiledMethodCount() - jittedBefore);
                    // CPU per cycle of this process (server and simulated annotators together): unlike
                    // cycles/s it hardly moves when other work shares the machine.
                    var cpuPerCycle = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, run.Cycles);
                    var check = await VerifyAsync(db, projectId, overlap, tasks, run.Acknowledged, ct);
                    var cyclesPerS = run.Cycles / run.Seconds;
                    log.WriteLine($"cycles: {run.Cycles:N0} in {run.Seconds:0.00} s = {cyclesPerS:N0} cycles/s; p50 {run.P50:0.0} ms, p99 {run.P99:0.0} ms; errors {run.Errors}; process CPU {cpuPerCycle:N0} µs/cycle; JIT {jit.TotalSeconds:0.00} s ({jitted:N0} methods)");
                    var q = engine.Stats.Minus(statsBefore);
                    log.WriteLine($"queue writer: {q.Operations:N0} operations in {q.Batches:N0} batches (mean {(double)q.Operations / Math.Max(1, q.Batches):0.0}, largest since start {q.LargestBatch}); waiting for work {q.WaitSeconds:0.00} s, prelocking {q.PrelockSeconds:0.00} s, executing {q.ExecuteSeconds:0.00} s, committing {q.CommitSeconds:0.00} s; {q.Fsyncs:N0} WAL fsyncs taking {q.FsyncSeconds:0.00} s; {q.StepByStep:N0} run step by step after the pipeline");
                    if (q.SubmitBatches > 0)
                    {
                        log.WriteLine($"submission writer: {q.Submitted:N0} submissions in {q.SubmitBatches:N0} batches (mean {(double)q.Submitted / q.SubmitBatches:0.0}), running and committing {q.SubmitSeconds:0.00} s; {q.Forwarded:N0} handed to the lease writer");
                    }
                    log.WriteLine($"check: annotations {check.Annotations:N0} (expected {(long)tasks * overlap:N0}), lost {check.Lost}, duplicates {check.Duplicates}, tasks off overlap {check.WrongCount}");
                    result["warmup_tasks"] = warmupTasks;
                    result["cycles"] = run.Cycles;
                    result["seconds"] = Math.Round(run.Seconds, 3);
                    result["cycles_per_s"] = Math.Round(cyclesPerS, 1);
                    result["p50_ms"] = Math.Round(run.P50, 2);
                    result["p99_ms"] = Math.Round(run.P99, 2);
                    result["process_cpu_us_per_cycle"] = Math.Round(cpuPerCycle);
                    result["errors"] = run.Errors;
                    result["writer_wait_s"] = Math.Round(q.WaitSeconds, 3);
                    result["writer_prelock_s"] = Math.Round(q.PrelockSeconds, 3);
                    result["writer_execute_s"] = Math.Round(q.ExecuteSeconds, 3);
                    result["annotations"] = check.Annotations;
                    result["lost"] = check.Lost;
                    result["duplicates"] = check.Duplicates;
                    result["tasks_off_overlap"] = check.WrongCount;
                }
                finally
                {
                    foreach (var c in connections)
                    {
                        await c.DisposeAsync();
                    }
                }
            }
            await app.StopAsync(CancellationToken.None);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result));
            }
            var ok = !result.TryGetValue("lost", out var lost) || ((long)lost! == 0 && (long)result["duplicates"]! == 0 && (long)result["tasks_off_overlap"]! == 0);
            return ok ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
            await DropDatabaseAsync(args, dropDatabase);
        }
    }

    /// <summary>A fresh PostgreSQL database on the server of --db (or YZ_TEST_POSTGRES): its connection string and name.</summary>
    internal static async Task<(string Connection, string Name)> CreateDatabaseAsync(CliArgs args, string prefix, CancellationToken ct)
    {
        var admin = args.Get("db") ?? Environment.GetEnvironmentVariable("YZ_TEST_POSTGRES")
            ?? throw new CliException("--store postgres needs --db CONNECTION (or YZ_TEST_POSTGRES) to a server where it may create a database");
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var c = new Npgsql.NpgsqlConnection(admin))
        {
            await c.OpenAsync(ct);
            await c.ExecuteAsync($"CREATE DATABASE {name}");
        }
        return (new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 200 }.ToString(), name);
    }

    /// <summary>Drops the database <see cref="CreateDatabaseAsync"/> made, if one was.</summary>
    internal static async Task DropDatabaseAsync(CliArgs args, string? name)
    {
        if (name is null)
        {
            return;
        }
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var c = new Npgsql.NpgsqlConnection(args.Get("db") ?? Environment.GetEnvironmentVariable("YZ_TEST_POSTGRES"));
        await c.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static Task<long> CreateProjectAsync(Api admin, string name, int overlap, CancellationToken ct) =>
        CreateProjectAsync(admin, name, overlap, new
        {
            fields = new[] { new { name = "text", type = "text" } },
            controls = new[] { new { name = "label", type = "choices", field = "text", options = _options } },
        }, ct);

    internal static async Task<long> CreateProjectAsync(Api admin, string name, int overlap, object schema, CancellationToken ct)
    {
        var project = await admin.PostAsync<Yunzhong.Server.Features.Projects.ProjectView>("api/projects", new
        {
            organizationId = 1,
            name,
            schema,
            overlap,
            leaseSeconds = 600,
        }, ct);
        return project.Id;
    }

    /// <summary>An admin and the annotators, made in one transaction (token-only accounts: no password hashing).</summary>
    private static async Task<(string Admin, string[] Annotators, long Org, long[] AnnotatorIds)> CreatePeopleAsync(
        Db db, Accounts accounts, int count, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var org = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO organizations (name, kind, created_at) VALUES ('bench', 'client', 0) RETURNING id", transaction: tx, cancellationToken: ct));
        var adminId = await accounts.CreateUserAsync(c, tx, "admin@bench", "bench admin", null, ct);
        await Accounts.SetMembershipAsync(c, tx, org, adminId, Roles.Admin | Roles.Manager, ct);
        var (_, adminToken) = await accounts.CreateTokenAsync(c, tx, adminId, "bench", ct);
        var tokens = new string[count];
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            var id = ids[i] = await accounts.CreateUserAsync(c, tx, $"annotator{i}@bench", $"annotator {i}", null, ct);
            await Accounts.SetMembershipAsync(c, tx, org, id, Roles.Annotator, ct);
            (_, tokens[i]) = await accounts.CreateTokenAsync(c, tx, id, "bench", ct);
        }
        await tx.CommitAsync(ct);
        return (adminToken, tokens, org, ids);
    }

    private static string Line(int i) => $"{{\"key\":\"t{i}\",\"data\":{{\"text\":\"任务 {i}: the quick brown fox jumps over the lazy dog\"}}}}\n";

    internal static async Task<double> ImportAsync(Api admin, long projectId, int tasks, Func<int, string> line, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"yz-bench-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var w = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16))
            {
                for (var i = 0; i < tasks; i++)
                {
                    await w.WriteAsync(line(i));
                }
            }
            var clock = Stopwatch.StartNew();
            await using var stream = File.OpenRead(file);
            using var content = new StreamContent(stream, 1 << 18);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var response = await admin.Http.PostAsync($"api/projects/{projectId}/imports?format=jsonl", content, ct);
            await Api.EnsureAsync(response, ct);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed record RaceResult(long Cycles, double Seconds, double P50, double P99, long Errors, ConcurrentBag<long> Acknowledged);

    private static async Task<RaceResult> RaceAsync(BenchConnection[] connections, long projectId, CancellationToken ct)
    {
        var acknowledged = new ConcurrentBag<long>();
        var latencies = new ConcurrentBag<double[]>();
        long errors = 0;
        var body = Encoding.UTF8.GetBytes("{\"result\":{\"label\":[\"a\"]},\"leadTimeSeconds\":1.5}");
        var firstErrors = new ConcurrentQueue<string>();
        void NoteError(string what, int status, ReadOnlyMemory<byte> response)
        {
            if (Interlocked.Increment(ref errors) <= 5)
            {
                firstErrors.Enqueue($"{what} answered {status}: {Encoding.UTF8.GetString(response.Span)}");
            }
        }
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select((connection, n) => Task.Run(async () =>
        {
            var next = connection.Request("POST", $"/api/projects/{projectId}/queue/next");
            var mine = new List<double>();
            var cycle = 0;
            var failures = 0;
            // An annotator that keeps getting errors gives up, so a broken server ends the run.
            while (!ct.IsCancellationRequested && failures < 20)
            {
                var start = Stopwatch.GetTimestamp();
                var (status, lease) = await connection.SendAsync(next, ct);
                if (status == (int)HttpStatusCode.NoContent)
                {
                    break;
                }
                if (status != (int)HttpStatusCode.OK)
                {
                    NoteError("next", status, lease);
                    failures++;
                    await Task.Delay(50, ct);
                    continue;
                }
                var assignment = TopLevelInt64(lease.Span, "assignmentId"u8);
                var submit = connection.Request("POST", $"/api/assignments/{assignment}/submit", $"{projectId}-{n}-{cycle++}", body);
                var (submitStatus, ack) = await connection.SendAsync(submit, ct);
                if (submitStatus != (int)HttpStatusCode.OK)
                {
                    NoteError("submit", submitStatus, ack);
                    failures++;
                    continue;
                }
                acknowledged.Add(TopLevelInt64(ack.Span, "annotationId"u8));
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            latencies.Add(mine.ToArray());
        }, ct)));
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var e in firstErrors)
        {
            Console.Error.WriteLine($"bench: error: {e}");
        }
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new RaceResult(all.Length, seconds, Percentile(all, 0.50), Percentile(all, 0.99), errors, acknowledged);
    }

    /// <summary>A number property of the response's top-level object.</summary>
    private static long TopLevelInt64(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(name))
            {
                reader.Read();
                return reader.GetInt64();
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
            {
                reader.Skip();
            }
        }
        throw new InvalidDataException($"the response has no {Encoding.UTF8.GetString(name)}: {Encoding.UTF8.GetString(json)}");
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private sealed record Check(long Annotations, long Lost, long Duplicates, long WrongCount);

    /// <summary>The database, not the client's counters, decides whether the invariants held.</summary>
    private static async Task<Check> VerifyAsync(Db db, long projectId, int overlap, int tasks, ConcurrentBag<long> acknowledged, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = (await c.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM annotations WHERE project_id = @projectId", new { projectId }, cancellationToken: ct))).ToHashSet();
        var lost = acknowledged.Count(id => !ids.Contains(id));
        var duplicates = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM (SELECT task_id, user_id FROM annotations WHERE project_id = @projectId GROUP BY task_id, user_id HAVING COUNT(*) > 1) d",
            new { projectId }, cancellationToken: ct));
        var wrong = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM tasks t WHERE t.project_id = @projectId
              AND (SELECT COUNT(*) FROM annotations a WHERE a.task_id = t.id) <> @overlap
            """, new { projectId, overlap }, cancellationToken: ct));
        return new Check(ids.Count, lost, duplicates, wrong);
    }
}
