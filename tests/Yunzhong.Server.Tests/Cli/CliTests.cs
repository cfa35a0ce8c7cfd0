using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Yunzhong.Server.Data;

namespace Yunzhong.Server.Tests.Cli;

/// <summary>The `yz` tool as a user runs it: a separate process, against the fixture's store and server.</summary>
public abstract class CliTests<TFixture>(TFixture fx, ITestOutputHelper output) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    protected ITestOutputHelper Output => output;

    protected sealed record Run(int Exit, string Out, string Err);

    protected async Task<Run> YzAsync(string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "yz.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir,
        };
        start.Environment.Remove("YZ_TOKEN");
        start.Environment.Remove("YZ_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var run = new Run(process.ExitCode, await stdout, await stderr);
        output.WriteLine($"yz {string.Join(' ', args.Select(a => a.StartsWith("yz_", StringComparison.Ordinal) ? "yz_…" : a))} → {run.Exit}\n{run.Out}{run.Err}");
        return run;
    }

    /// <summary>The admin commands' flags that point at the fixture's own store.</summary>
    private string[] StoreArgs(string workDir) => fx.Engine == "sqlite"
        ? ["--data", fx.DataDir]
        : ["--data", workDir, "--db", fx.Services.GetRequiredService<Db>().ConnectionString];

    [Fact]
    public async Task KeygenSealAndVerifyAReleaseThenEachTamperingIsNamedWithExitCode1()
    {
        var work = Directory.CreateTempSubdirectory("yz-verify-").FullName;
        try
        {
            var release = Path.Combine(work, "release");
            Directory.CreateDirectory(Path.Combine(release, "media"));
            await File.WriteAllTextAsync(Path.Combine(release, "annotations.jsonl"), "{\"label\":\"安全帽\"}\n");
            await File.WriteAllBytesAsync(Path.Combine(release, "media", "井下.jpg"), [.. Enumerable.Range(0, 70_000).Select(i => (byte)i)]);
            Assert.Equal(0, (await YzAsync(work, "keygen", "--out", "park.key")).Exit);
            Assert.NotEqual(0, (await YzAsync(work, "keygen", "--out", "park.key")).Exit); // never overwritten
            var sealedRun = await YzAsync(work, "seal", "release", "--dataset", "煤矿安全", "--key-file", "park.key", "--prove", "media/井下.jpg", "--proof-out", "one.proof.json");
            Assert.Equal(0, sealedRun.Exit);

            var ok = await YzAsync(work, "verify", "release", "--key", "park.key.pub.json");
            Assert.Equal(0, ok.Exit);
            Assert.Contains("release 1 of 煤矿安全, 2 files", ok.Out, StringComparison.Ordinal);
            Assert.Equal(1, (await YzAsync(work, "verify", "release")).Exit); // no trusted key: not verified
            Assert.Equal(0, (await YzAsync(work, "verify", "release/media/井下.jpg", "--proof", "one.proof.json", "--key", "park.key.pub.json")).Exit);

            await File.AppendAllTextAsync(Path.Combine(release, "annotations.jsonl"), " ");
            File.Delete(Path.Combine(release, "media", "井下.jpg"));
            await File.WriteAllTextAsync(Path.Combine(release, "added.txt"), "x");
            var bad = await YzAsync(work, "verify", "release", "--key", "park.key.pub.json", "--json");
            Assert.Equal(1, bad.Exit);
            using var report = JsonDocument.Parse(bad.Out);
            Assert.Equal(
                ["Changed annotations.jsonl", "Missing media/井下.jpg", "Unexpected added.txt"],
                report.RootElement.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("kind").GetString()} {p.GetProperty("path").GetString()}").Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task AdminCommandsMakeAPersonWhoseTokenDrivesImportExportAndStats()
    {
        var work = Directory.CreateTempSubdirectory("yz-cli-").FullName;
        try
        {
            var email = $"cli-{Guid.NewGuid():N}@test.yunzhong";
            var orgName = $"云中 CLI {Guid.NewGuid():N}";
            var add = await YzAsync(work, ["user", "add", "--email", email, "--name", "数据工程师", "--password", "secret-密码-1",
                "--org", orgName, "--roles", "admin,manager,annotator", .. StoreArgs(work)]);
            Assert.Equal(0, add.Exit);
            Assert.Matches($"^user \\d+ <{email}> is admin, manager, annotator of organisation \\d+ '{orgName}'", add.Out);

            var created = await YzAsync(work, ["token", "create", "--email", email, "--name", "ci", .. StoreArgs(work)]);
            Assert.Equal(0, created.Exit);
            var token = created.Out.Trim();
            Assert.StartsWith("yz_", token, StringComparison.Ordinal);
            Assert.Contains("shown once", created.Err, StringComparison.Ordinal);

            var hash = await fx.QueryScalarAsync<string>("SELECT password_hash FROM users WHERE email = @email", new { email });
            Assert.DoesNotContain("secret", hash, StringComparison.Ordinal);

            using var http = fx.Client(token);
            var me = await http.GetOkAsync<MeResponse>("api/me");
            var org = Assert.Single(me.Organizations);
            Assert.Equal(orgName, org.Name);
            var project = (await http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "cli", schema = TestData.ChoiceSchema }))
                .Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string[] server = ["--url", fx.Url, "--token", token];

            var jsonl = Path.Combine(work, "tasks.jsonl");
            await File.WriteAllTextAsync(jsonl, "{\"key\":\"a\",\"data\":{\"text\":\"一\"}}\n{\"key\":\"b\",\"data\":{\"text\":\"二\"}}\n");
            var csv = Path.Combine(work, "more.csv");
            await File.WriteAllTextAsync(csv, "key,text\nc,\"三, 带逗号\"\n");
            var imported = await YzAsync(work, ["import", "--project", project, jsonl, csv, .. server]);
            Assert.Equal(0, imported.Exit);
            Assert.Contains("tasks.jsonl: 2 task(s) imported, 0 duplicate(s) skipped", imported.Out, StringComparison.Ordinal);
            Assert.Contains("more.csv: 1 task(s) imported, 0 duplicate(s) skipped", imported.Out, StringComparison.Ordinal);
            // Progress goes to stderr; redirected, as here, it is plain lines, the last one complete.
            var size = new FileInfo(jsonl).Length;
            Assert.Contains($"import tasks.jsonl [{new string('#', 30)}] 100.0% {size:N0}/{size:N0}", imported.Err, StringComparison.Ordinal);
            var recognised = await YzAsync(work, ["import", "--project", project, jsonl, .. server]);
            Assert.Equal(2, recognised.Exit);
            Assert.Contains("409", recognised.Err, StringComparison.Ordinal);
            Assert.Contains("imported before", recognised.Err, StringComparison.Ordinal);
            var again = await YzAsync(work, ["import", "--project", project, jsonl, "--again", .. server]);
            Assert.Contains("tasks.jsonl: 0 task(s) imported, 2 duplicate(s) skipped", again.Out, StringComparison.Ordinal);

            var broken = Path.Combine(work, "broken.jsonl");
            await File.WriteAllTextAsync(broken, "{\"data\":{\"text\":\"ok\"}}\n{\"data\":{\"nope\":1}}\n");
            var refused = await YzAsync(work, ["import", "--project", project, broken, .. server]);
            Assert.Equal(2, refused.Exit);
            Assert.Contains("422", refused.Err, StringComparison.Ordinal);
            Assert.Contains("row 2: data.text", refused.Err, StringComparison.Ordinal);

            var person = new Person(me.Id, email, token, http);
            await person.AnnotateAsync(long.Parse(project, System.Globalization.CultureInfo.InvariantCulture), new { label = new[] { "neg" } }, leadTimeSeconds: 3);

            var file = Path.Combine(work, "out.jsonl");
            var exported = await YzAsync(work, ["export", "--project", project, "--format", "jsonl", "--out", file, .. server]);
            Assert.Equal(0, exported.Exit);
            Assert.Matches(@"export #\d+ \[#{30}\] 100\.0% 3/3", exported.Err);
            var lines = (await File.ReadAllLinesAsync(file)).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
            Assert.Equal(["一", "二", "三, 带逗号"], lines.Select(l => l.GetProperty("data").GetProperty("text").GetString()!));
            Assert.Equal([1, 0, 0], lines.Select(l => l.GetProperty("annotations").GetArrayLength()));

            var stats = await YzAsync(work, ["stats", "--project", project, "--json", .. server]);
            Assert.Equal(0, stats.Exit);
            var states = HttpJson.Read<ProjectStats>(stats.Out).States;
            Assert.Equal((3L, 2L, 1L), (states.Total, states.New, states.Annotated));
            var table = await YzAsync(work, ["stats", "--project", project, .. server]);
            Assert.Contains("数据工程师", table.Out, StringComparison.Ordinal);

            var wrongToken = await YzAsync(work, ["stats", "--project", project, "--url", fx.Url, "--token", "yz_nope"]);
            Assert.Equal(2, wrongToken.Exit);
            Assert.Contains("401", wrongToken.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task UserAddNeverTakesTheAdminRoleFromAnOrganisationsLastAdmin()
    {
        var work = Directory.CreateTempSubdirectory("yz-cli-admin-").FullName;
        try
        {
            var email = $"cli-admin-{Guid.NewGuid():N}@test.yunzhong";
            var orgName = $"云中 CLI {Guid.NewGuid():N}";
            Assert.Equal(0, (await YzAsync(work, ["user", "add", "--email", email, "--org", orgName, "--roles", "admin", .. StoreArgs(work)])).Exit);
            var demote = await YzAsync(work, ["user", "add", "--email", email, "--org", orgName, "--roles", "annotator", .. StoreArgs(work)]);
            Assert.Equal(2, demote.Exit);
            Assert.Contains("last admin", demote.Err, StringComparison.Ordinal);
            Assert.Equal("admin", await fx.QueryScalarAsync<string>(
                "SELECT m.roles FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = @email", new { email }));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task ImportUploadsMediaFilesAndZipsAndRefusesABadBatchWhole()
    {
        var work = Directory.CreateTempSubdirectory("yz-cli-media-").FullName;
        try
        {
            var org = await fx.NewOrgAsync();
            var manager = await org.PersonAsync(Roles.Manager);
            var project = await TestData.ProjectAsync(manager, org.Id);
            var p = project.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string[] server = ["--url", fx.Url, "--token", manager.Token];
            string[] Listed() => [.. Directory.GetFiles(Path.Combine(fx.DataDir, "blobs", "media", p))];

            var batch = Path.Combine(work, "batch.zip");
            using (var zip = ZipFile.Open(batch, ZipArchiveMode.Create))
            {
                zip.CreateEntryFromFile(Api.MediaSamplePath("gradient.gif"), "icons/gradient.gif");
                zip.CreateEntryFromFile(Api.MediaSamplePath("tone.ogg"), "tone.ogg");
            }
            var single = Path.Combine(work, "voice.mp3");
            File.Copy(Api.MediaSamplePath("tone-id3.mp3"), single);
            var imported = await YzAsync(work, ["import", "--project", p, batch, single, .. server]);
            Assert.Equal(0, imported.Exit);
            Assert.Contains("media: 3 file(s) stored (1 audio/mpeg, 1 audio/ogg, 1 image/gif)", imported.Out, StringComparison.Ordinal);
            Assert.Contains("upload 2 media file(s) [##############################] 100.0%", imported.Err, StringComparison.Ordinal);

            var expected = new[] { ("icons/gradient.gif", "image/gif", "gradient.gif"), ("tone.ogg", "audio/ogg", "tone.ogg"), ("voice.mp3", "audio/mpeg", "tone-id3.mp3") };
            var listed = await manager.Http.GetOkAsync<List<MediaView>>($"api/projects/{project}/media");
            Assert.Equal(expected.Select(e => (e.Item1, e.Item2)), listed.Select(v => (v.Name, v.ContentType)));
            foreach (var (name, type, sample) in expected)
            {
                using var r = await manager.Http.GetAsync($"api/projects/{project}/media/{name}");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(type, r.Content.Headers.ContentType?.MediaType);
                Assert.Equal(Api.MediaSample(sample), await r.Content.ReadAsByteArrayAsync());
            }
            var stored = Listed();
            Assert.Equal(3, stored.Length);

            // A traversal name inside a zip: refused with the entry named, its good neighbour not kept.
            var evil = Path.Combine(work, "evil.zip");
            using (var zip = ZipFile.Open(evil, ZipArchiveMode.Create))
            {
                zip.CreateEntryFromFile(Api.MediaSamplePath("tone.flac"), "fine.flac");
                zip.CreateEntryFromFile(Api.MediaSamplePath("tone.mp3"), "../escape.mp3");
            }
            var traversal = await YzAsync(work, ["import", "--project", p, evil, .. server]);
            Assert.Equal(2, traversal.Exit);
            Assert.Contains("400", traversal.Err, StringComparison.Ordinal);
            Assert.Contains("evil.zip/../escape.mp3: The media name '../escape.mp3' is not a plain relative path.", traversal.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("stored", traversal.Out, StringComparison.Ordinal);

            // Text named like an image, sent with a good file: the content decides, and nothing lands.
            var notes = Path.Combine(work, "notes.png");
            await File.WriteAllTextAsync(notes, "这不是图片, only a note\n");
            var good = Path.Combine(work, "good.webp");
            File.Copy(Api.MediaSamplePath("gradient-lossy.webp"), good);
            var mismatch = await YzAsync(work, ["import", "--project", p, good, notes, .. server]);
            Assert.Equal(2, mismatch.Exit);
            Assert.Contains("notes.png: 'notes.png' is not an image, audio, video, PDF or CSV file this platform can show (judged by its content).", mismatch.Err, StringComparison.Ordinal);

            var after = await manager.Http.GetOkAsync<List<MediaView>>($"api/projects/{project}/media");
            Assert.Equal(expected.Select(e => e.Item1), after.Select(v => v.Name));
            Assert.Equal(stored.Order(StringComparer.Ordinal), Listed().Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownCommandAndMissingOptionsAreUsageErrors()
    {
        var work = Path.GetTempPath();
        var unknown = await YzAsync(work, "frobnicate");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown command 'frobnicate'", unknown.Err, StringComparison.Ordinal);
        var noProject = await YzAsync(work, "export", "--url", fx.Url, "--token", "yz_x");
        Assert.Equal(2, noProject.Exit);
        Assert.Contains("--project is required", noProject.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmallBenchLosesAndDuplicatesNothing()
    {
        string[] store = fx.Engine == "sqlite" ? [] : ["--store", "postgres"];
        var bench = await YzAsync(Path.GetTempPath(), ["bench", "--annotators", "20", "--tasks", "200", "--overlap", "2", "--warmup", "60", "--json", .. store]);
        Assert.Equal(0, bench.Exit);
        var result = JsonSerializer.Deserialize<JsonElement>(bench.Out.Trim().Split('\n')[^1]);
        Assert.Equal(fx.Engine, result.GetProperty("store").GetString());
        Assert.Equal(60, result.GetProperty("warmup_tasks").GetInt64());
        // Only the measured project's cycles count; the warm-up project's were checked apart.
        Assert.Equal(400, result.GetProperty("cycles").GetInt64());
        Assert.Equal(400, result.GetProperty("annotations").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, result.GetProperty("tasks_off_overlap").GetInt64());
        Assert.True(result.GetProperty("cycles_per_s").GetDouble() > 0);
        Assert.True(result.GetProperty("p99_ms").GetDouble() >= result.GetProperty("p50_ms").GetDouble());
    }

    [Fact]
    public async Task YzReleaseQueuesAReleaseFollowsItsJobAndNamesWhyOneIsRefused()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, ["井下安全帽", "皮带巡检"]);
        var work = Directory.CreateTempSubdirectory("yz-release-").FullName;
        try
        {
            string[] Release(params string[] more) => ["release", "--project", project.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--url", fx.Url, "--token", admin.Token, .. more];
            var nothing = await YzAsync(work, Release("--licence", "CC0"));
            Assert.NotEqual(0, nothing.Exit);
            Assert.Contains("Nothing to release", nothing.Err, StringComparison.Ordinal);

            await admin.AnnotateAsync(project, new { label = new[] { "pos" } });
            var made = await YzAsync(work, Release("--licence", "CC0", "--formats", "jsonl,csv"));
            Assert.Equal(0, made.Exit);
            Assert.Contains("release 1 of", made.Out, StringComparison.Ordinal);
            Assert.Contains("1 items", made.Out, StringComparison.Ordinal);
            var listed = Assert.Single(await admin.Http.GetOkAsync<List<Features.Releases.ReleaseView>>($"api/projects/{project}/releases"));
            Assert.Contains($"root {listed.MerkleRoot}", made.Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task VerifyUrlDownloadsAServersReleaseAndNamesATamperedMissingOrSwappedFile()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, ["井下安全帽", "皮带巡检", "通风"]);
        await admin.AnnotateAsync(project, new { label = new[] { "pos" } });
        await admin.AnnotateAsync(project, new { label = new[] { "neg" } });
        var body = new { formats = new[] { "jsonl", "csv" }, licence = "CC-BY-4.0" };
        var first = await admin.Http.ReleaseOkAsync(project, body);
        await admin.AnnotateAsync(project, new { label = new[] { "neu" } });
        var second = await admin.Http.ReleaseOkAsync(project, body);
        var work = Directory.CreateTempSubdirectory("yz-verify-url-").FullName;
        string Blob(string name) => Path.Combine(fx.DataDir, "blobs", name);
        string FileBlob(string path)
        {
            var sha = first.Files.Single(f => f.Path == path).Sha256;
            return Blob($"sha256/{sha[..2]}/{sha[2..]}");
        }
        async Task<string[]> ProblemsAsync()
        {
            var run = await YzAsync(work, "verify", $"{fx.Url}/api/releases/{first.Id}", "--token", admin.Token, "--json");
            Assert.Equal(1, run.Exit);
            using var report = JsonDocument.Parse(run.Out);
            return [.. report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("kind").GetString()} {p.GetProperty("path").GetString()}").Distinct().Order(StringComparer.Ordinal)];
        }
        try
        {
            var ok = await YzAsync(work, "verify", $"{fx.Url}/api/releases/{first.Id}", "--token", admin.Token, "--out", "got");
            Assert.Equal(0, ok.Exit);
            Assert.Contains("release 1 of", ok.Out, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(work, "got", "annotations.csv")));
            var link = await admin.Http.PostOkAsync<Features.Releases.LinkView>($"api/releases/{second.Id}/links");
            var keys = Path.Combine(work, "keys.json");
            await File.WriteAllTextAsync(keys, await fx.Client().GetStringAsync("api/keys"));
            Assert.Equal(0, (await YzAsync(work, "verify", fx.Url + link.Url, "--token", admin.Token, "--key", keys)).Exit);

            var csv = FileBlob("annotations.csv");
            var original = await File.ReadAllBytesAsync(csv);
            var tampered = (byte[])original.Clone();
            tampered[^2] ^= 1;
            await File.WriteAllBytesAsync(csv, tampered);
            Assert.Equal(["Changed annotations.csv"], await ProblemsAsync());
            await File.WriteAllBytesAsync(csv, original);

            var jsonl = FileBlob("annotations.jsonl");
            File.Move(jsonl, jsonl + ".away");
            Assert.Equal(["Missing annotations.jsonl"], await ProblemsAsync());
            File.Move(jsonl + ".away", jsonl);

            var manifest = Blob(await fx.QueryScalarAsync<string>("SELECT manifest_blob FROM releases WHERE id = @id", new { id = first.Id }));
            var other = Blob(await fx.QueryScalarAsync<string>("SELECT manifest_blob FROM releases WHERE id = @id", new { id = second.Id }));
            File.Move(manifest, manifest + ".away");
            File.Copy(other, manifest);
            Assert.Contains("ManifestChanged manifest.json", await ProblemsAsync());
            File.Delete(manifest);
            File.Move(manifest + ".away", manifest);

            Assert.Equal(0, (await YzAsync(work, "verify", $"{fx.Url}/api/releases/{first.Id}", "--token", admin.Token)).Exit);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

public sealed class SqliteCliTests(SqliteFixture fx, ITestOutputHelper output) : CliTests<SqliteFixture>(fx, output)
{
    [Fact]
    public async Task UserAndTokenCommandsCreateAFreshDataDirectoryWithHashedSecrets()
    {
        var data = Directory.CreateTempSubdirectory("yz-cli-data-").FullName;
        try
        {
            var add = await YzAsync(data, "user", "add", "--data", data, "--email", "Ops@Example.TEST", "--password", "very-secret-1");
            Assert.Equal(0, add.Exit);
            Assert.Matches("^user 1 <ops@example.test>", add.Out);
            var tooShort = await YzAsync(data, "user", "add", "--data", data, "--email", "b@example.test", "--password", "short");
            Assert.Equal(2, tooShort.Exit);
            var token = (await YzAsync(data, "token", "create", "--data", data, "--email", "ops@example.test")).Out.Trim();
            var nobody = await YzAsync(data, "token", "create", "--data", data, "--email", "nobody@example.test");
            Assert.Equal(2, nobody.Exit);

            var list = await YzAsync(data, "user", "list", "--data", data);
            Assert.Contains("ops@example.test", list.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("b@example.test", list.Out, StringComparison.Ordinal);

            await using var c = new SqliteConnection($"Data Source={Path.Combine(data, "yunzhong.db")};Pooling=false");
            await c.OpenAsync();
            var hash = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE email = 'ops@example.test'");
            Assert.StartsWith("pbkdf2-sha256$", hash, StringComparison.Ordinal);
            Assert.DoesNotContain("very-secret", hash!, StringComparison.Ordinal);
            var tokenHash = await c.ExecuteScalarAsync<string>("SELECT token_hash FROM api_tokens");
            Assert.StartsWith("yz_", token, StringComparison.Ordinal);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), tokenHash);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}

public sealed class PostgresCliTests(PostgresFixture fx, ITestOutputHelper output) : CliTests<PostgresFixture>(fx, output);
