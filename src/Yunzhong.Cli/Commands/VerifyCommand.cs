using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Yunzhong.Core.Datasets;

namespace Yunzhong.Cli.Commands;

/// `yz verify`: checks a release offline (signature, manifest, Merkle root, every file), or one file
/// with an inclusion proof; `yz seal` makes a release of a directory with a local key; `yz keygen`
/// makes such a key; `yz bench-verify` measures the hashing rate.
internal static class VerifyCommand
{
    /// Chinese paths stay readable in the JSON output.
    private static readonly JsonSerializerOptions _json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> VerifyAsync(CliArgs args, CancellationToken ct)
    {
        var target = args.Positional.FirstOrDefault() ?? throw new CliException("name a release directory, or a file with --proof");
        var keys = TrustedKeys(args);
        var json = args.Flag("json");
        if (args.Get("proof") is { } proofPath)
        {
            var proof = ProofFile.Read(await ReadAsync(proofPath, ct));
            var found = await ReleaseVerifier.CheckFileAsync(target, proof, keys, ct);
            Report(json, found, $"{target}: is {proof.Path} of the signed release", new { path = proof.Path, ok = found.Count == 0 });
            return found.Count == 0 ? 0 : 1;
        }
        if (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return await VerifyUrlAsync(url, args, keys, json, ct);
        }
        if (!Directory.Exists(target))
        {
            throw new CliException($"{target} is not a directory (for one file, give --proof PROOF.json)");
        }
        return await CheckAsync(target, target, keys, json, ct);
    }

    /// <summary>
    /// `yz verify URL`: a download link (<c>…/api/links/TOKEN</c>) or a release (<c>…/api/releases/ID</c>,
    /// for which a link is asked first) is downloaded, the files the manifest lists one by one, into
    /// --out DIR (or a temporary folder), and checked exactly as a directory is. A file the server does
    /// not have is left out and so named as missing. Without --key the server's published keys are
    /// trusted, and the report says so.
    /// </summary>
    private static async Task<int> VerifyUrlAsync(Uri url, CliArgs args, List<PublicKey> keys, bool json, CancellationToken ct)
    {
        var token = args.Get("token") ?? Environment.GetEnvironmentVariable("YZ_TOKEN")
            ?? throw new CliException("downloading a release needs an API token: pass --token or set YZ_TOKEN");
        using var api = new Api(url.GetLeftPart(UriPartial.Authority), token);
        var link = await ReleaseDownload.LinkAsync(api, url, ct);
        var label = url.ToString();
        if (keys.Count == 0)
        {
            keys.AddRange(SignatureFile.ReadKeys(await api.Http.GetStringAsync("api/keys", ct)));
            label += " (trusting the server's published keys; give --key to trust your own copy)";
        }
        var keep = args.Get("out");
        var dir = keep ?? Directory.CreateTempSubdirectory("yz-verify-").FullName;
        try
        {
            Directory.CreateDirectory(dir);
            await ReleaseDownload.FetchAsync(api, link, dir, ct);
            return await CheckAsync(dir, label, keys, json, ct);
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task<int> CheckAsync(string dir, string label, List<PublicKey> keys, bool json, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var check = await ReleaseVerifier.CheckDirectoryAsync(dir, keys, 0, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var s = check.Statement;
        Report(json, check.Problems,
            $"{label}: release {s?.Release} of {s?.Dataset}, {check.FilesChecked} files, {check.BytesHashed:N0} bytes, signed by key {check.KeyId}: all verified ({seconds:0.00} s)",
            new
            {
                dataset = s?.Dataset, release = s?.Release, key_id = check.KeyId, files = check.FilesChecked, bytes = check.BytesHashed,
                seconds = Math.Round(seconds, 3), ok = check.Ok,
            });
        return check.Ok ? 0 : 1;
    }

    public static async Task<int> SealAsync(CliArgs args, CancellationToken ct)
    {
        var dir = args.Positional.FirstOrDefault() ?? throw new CliException("name the directory to seal");
        var key = new SigningKey(Convert.FromBase64String((await File.ReadAllTextAsync(args.Require("key-file"), ct)).Trim()));
        var release = args.GetInt("release", 1);
        var statement = await ReleaseSealer.SealAsync(dir, args.Require("dataset"), release, DateTimeOffset.UtcNow, [], key, ct);
        Console.WriteLine($"sealed {dir}: {statement.FileCount} files, {statement.TotalBytes:N0} bytes, root {statement.MerkleRoot}, key {key.Public.KeyId}");
        if (args.Get("prove") is { } path)
        {
            var outPath = args.Get("proof-out", Path.GetFileName(path) + ".proof.json");
            await File.WriteAllBytesAsync(outPath, ProofFile.Write(ReleaseSealer.Prove(dir, path)), ct);
            Console.WriteLine($"inclusion proof of {path}: {outPath}");
        }
        return 0;
    }

    public static async Task<int> KeygenAsync(CliArgs args, CancellationToken ct)
    {
        var outPath = args.Require("out");
        if (File.Exists(outPath))
        {
            throw new CliException($"{outPath} exists; a signing key is never overwritten");
        }
        var key = SigningKey.Generate();
        await File.WriteAllTextAsync(outPath, Convert.ToBase64String(key.Seed), ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(outPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await File.WriteAllBytesAsync(outPath + ".pub.json", SignatureFile.WriteKeys([key.Public]), ct);
        Console.WriteLine($"key {key.Public.KeyId}: secret in {outPath}, public in {outPath}.pub.json");
        return 0;
    }

    /// Hashing rate of `yz verify`: seals a directory of random files, verifies it, reports MB/s.
    public static async Task<int> BenchAsync(CliArgs args, CancellationToken ct)
    {
        var megabytes = args.GetInt("megabytes", 2048);
        var files = args.GetInt("files", 64);
        var dir = Directory.CreateTempSubdirectory("yz-bench-verify-").FullName;
        try
        {
            var each = (long)megabytes * 1024 * 1024 / files;
            var chunk = RandomNumberGenerator.GetBytes(1 << 20);
            for (var i = 0; i < files; i++)
            {
                await using var f = File.Create(Path.Combine(dir, $"part-{i:D5}.bin"));
                for (long written = 0; written < each; written += chunk.Length)
                {
                    await f.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, each - written)), ct);
                }
            }
            var key = SigningKey.Generate();
            await ReleaseSealer.SealAsync(dir, "bench", 1, DateTimeOffset.UtcNow, [], key, ct);
            var clock = Stopwatch.StartNew();
            var check = await ReleaseVerifier.CheckDirectoryAsync(dir, [key.Public], 0, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            if (!check.Ok)
            {
                throw new CliException("the bench release did not verify: " + string.Join("; ", check.Problems));
            }
            var rate = check.BytesHashed / 1e6 / seconds;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                files = check.FilesChecked, bytes = check.BytesHashed, seconds = Math.Round(seconds, 3),
                mb_per_s = Math.Round(rate, 1), cores = Environment.ProcessorCount, note = "files just written: read from the page cache",
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<PublicKey> TrustedKeys(CliArgs args)
    {
        var keys = new List<PublicKey>();
        foreach (var k in args.All("key"))
        {
            var text = File.Exists(k) ? File.ReadAllText(k) : k;
            try
            {
                keys.AddRange(SignatureFile.ReadKeys(text));
            }
            catch (FormatException e)
            {
                throw new CliException($"--key {k}: {e.Message}");
            }
        }
        return keys;
    }

    private static async Task<byte[]> ReadAsync(string path, CancellationToken ct) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : throw new CliException($"{path} does not exist");

    private static void Report(bool json, IReadOnlyList<ReleaseProblem> problems, string okLine, object summary)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                summary,
                problems = problems.Select(p => new { kind = p.Kind.ToString(), path = p.Path, detail = p.Detail }),
            }, _json));
            return;
        }
        if (problems.Count == 0)
        {
            Console.WriteLine(okLine);
            return;
        }
        foreach (var p in problems)
        {
            Console.WriteLine($"{p.Kind,-16} {p.Path}: {p.Detail}");
        }
        Console.WriteLine($"NOT VERIFIED: {problems.Count} problem(s)");
    }
}
