using System.Text.Json;

namespace Yunzhong.Core.Datasets;

/// <summary>
/// Seals a directory of files as a release: hashes every file, writes <c>manifest.json</c>,
/// <c>release.json</c> and <c>release.sig</c>; and makes inclusion proofs for single files.
/// </summary>
public static class ReleaseSealer
{
    /// <summary>
    /// Seals <paramref name="directory"/> (its files become the release's) with <paramref name="key"/>;
    /// the manifest carries <paramref name="sections"/> after the files' own entries.
    /// </summary>
    public static async Task<ReleaseStatement> SealAsync(
        string directory, string dataset, int release, DateTimeOffset createdAt,
        IEnumerable<KeyValuePair<string, JsonElement>> sections, SigningKey key, CancellationToken ct = default)
    {
        var paths = new DirectoryInfo(directory)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(f => Path.GetRelativePath(directory, f.FullName).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !ReleaseFormat.IsOwnFile(p))
            .ToArray();
        foreach (var p in paths)
        {
            if (ReleaseFormat.PathProblem(p) is { } problem)
            {
                throw new InvalidOperationException($"{p}: {problem}");
            }
        }
        var files = new ReleaseFile[paths.Length];
        await Parallel.ForAsync(0, paths.Length, ct, async (i, token) =>
        {
            var (size, sha) = await ReleaseVerifier.HashFileAsync(Path.Combine(directory, paths[i]), token);
            files[i] = new ReleaseFile(paths[i], size, sha);
        });
        var ordered = ReleaseFormat.Ordered(files);
        var manifest = ReleaseFormat.WriteManifest(dataset, release, ordered, sections);
        var statement = new ReleaseStatement(dataset, release, createdAt, ReleaseFormat.Sha256Hex(manifest),
            ReleaseFormat.MerkleRoot(ordered), ordered.Length, ordered.Sum(f => f.Size));
        var statementBytes = ReleaseFormat.WriteStatement(statement);
        await File.WriteAllBytesAsync(Path.Combine(directory, ReleaseFormat.ManifestName), manifest, ct);
        await File.WriteAllBytesAsync(Path.Combine(directory, ReleaseFormat.StatementName), statementBytes, ct);
        await File.WriteAllBytesAsync(Path.Combine(directory, ReleaseFormat.SignatureName), SignatureFile.Write(key.Public, key.Sign(statementBytes)), ct);
        return statement;
    }

    /// <summary>The inclusion proof of <paramref name="path"/> in a sealed release directory, from its manifest, statement and signature.</summary>
    public static InclusionProof Prove(string directory, string path)
    {
        var (_, files) = ReleaseFormat.ReadManifest(File.ReadAllBytes(Path.Combine(directory, ReleaseFormat.ManifestName)));
        var ordered = ReleaseFormat.Ordered(files);
        var index = Array.FindIndex(ordered, f => f.Path == path);
        if (index < 0)
        {
            throw new ArgumentException($"{path} is not a file of the release", nameof(path));
        }
        var statement = File.ReadAllBytes(Path.Combine(directory, ReleaseFormat.StatementName));
        var (keyId, signature) = SignatureFile.Read(File.ReadAllBytes(Path.Combine(directory, ReleaseFormat.SignatureName)));
        return new InclusionProof(statement, keyId, signature, path, index, MerkleTree.InclusionProof(ReleaseFormat.LeafHashes(ordered), index));
    }
}

/// <summary>An inclusion proof as a JSON file: the statement and signature in base64, the path, index and audit path in hex.</summary>
public static class ProofFile
{
    /// <summary>The proof's JSON bytes.</summary>
    public static byte[] Write(InclusionProof proof) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["format"] = ReleaseFormat.Version + "/inclusion-proof",
            ["path"] = proof.Path,
            ["index"] = proof.Index,
            ["audit_path"] = proof.AuditPath.Select(Convert.ToHexStringLower).ToArray(),
            ["statement"] = Convert.ToBase64String(proof.Statement),
            ["key_id"] = proof.KeyId,
            ["signature"] = Convert.ToBase64String(proof.Signature),
        }, ReleaseFormat.Indented);

    /// <summary>Reads a proof; a <see cref="FormatException"/> names what is wrong.</summary>
    public static InclusionProof Read(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var r = doc.RootElement;
            return new InclusionProof(
                Convert.FromBase64String(r.GetProperty("statement").GetString() ?? ""),
                r.GetProperty("key_id").GetString() ?? "",
                Convert.FromBase64String(r.GetProperty("signature").GetString() ?? ""),
                r.GetProperty("path").GetString() ?? "",
                r.GetProperty("index").GetInt64(),
                [.. r.GetProperty("audit_path").EnumerateArray().Select(h => Convert.FromHexString(h.GetString() ?? ""))]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the proof is malformed: {e.Message}", e);
        }
    }
}
