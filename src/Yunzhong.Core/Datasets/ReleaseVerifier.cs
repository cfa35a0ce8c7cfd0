using System.Buffers;
using System.Security.Cryptography;

namespace Yunzhong.Core.Datasets;

/// <summary>What can be wrong with a release, each named with the file it concerns.</summary>
public enum ReleaseProblemKind
{
    /// <summary>release.json, release.sig or manifest.json is missing or unreadable.</summary>
    Malformed,
    /// <summary>The signature's key is not among the trusted keys.</summary>
    UnknownKey,
    /// <summary>The signature does not verify over release.json.</summary>
    BadSignature,
    /// <summary>manifest.json is not the manifest the statement names (its SHA-256 differs).</summary>
    ManifestChanged,
    /// <summary>The Merkle root over the manifest's files is not the one signed.</summary>
    RootMismatch,
    /// <summary>A file the manifest lists is not there.</summary>
    Missing,
    /// <summary>A file's size or SHA-256 is not the manifest's.</summary>
    Changed,
    /// <summary>A file is there that the manifest does not list.</summary>
    Unexpected,
}

/// <summary>One finding: what, which file (relative to the release), and in words.</summary>
public sealed record ReleaseProblem(ReleaseProblemKind Kind, string Path, string Detail);

/// <summary>The outcome of checking a release: the statement when it could be read, every problem found, and the bytes hashed.</summary>
public sealed record ReleaseCheck(ReleaseStatement? Statement, string? KeyId, IReadOnlyList<ReleaseProblem> Problems, long FilesChecked, long BytesHashed)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks a release directory offline: the signature over <c>release.json</c> with a trusted key,
/// the manifest against the statement, the Merkle root, and every file's size and SHA-256; files the
/// manifest does not list are reported too. It reads each file once, streaming, several at a time.
/// </summary>
public static class ReleaseVerifier
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Checks <paramref name="directory"/>. With no trusted keys the signature is checked against
    /// nothing and reported as <see cref="ReleaseProblemKind.UnknownKey"/>: a signature is only worth
    /// the key it is checked with.
    /// </summary>
    public static async Task<ReleaseCheck> CheckDirectoryAsync(string directory, IReadOnlyList<PublicKey> trusted, int parallelism = 0, CancellationToken ct = default)
    {
        var problems = new List<ReleaseProblem>();
        var statementBytes = await ReadOwnAsync(directory, ReleaseFormat.StatementName, problems, ct);
        var signatureBytes = await ReadOwnAsync(directory, ReleaseFormat.SignatureName, problems, ct);
        var manifestBytes = await ReadOwnAsync(directory, ReleaseFormat.ManifestName, problems, ct);

        var statement = TryRead(() => ReleaseFormat.ReadStatement(statementBytes), ReleaseFormat.StatementName, statementBytes, problems);
        var signature = TryRead(() => SignatureFile.Read(signatureBytes), ReleaseFormat.SignatureName, signatureBytes, problems);
        var manifest = TryRead(() => ReleaseFormat.ReadManifest(manifestBytes), ReleaseFormat.ManifestName, manifestBytes, problems);
        if (statementBytes is not null && signature != default)
        {
            CheckSignature(statementBytes, signature.KeyId, signature.Signature, trusted, problems);
        }
        if (statement is not null && manifestBytes is not null && ReleaseFormat.Sha256Hex(manifestBytes) != statement.ManifestSha256)
        {
            problems.Add(new(ReleaseProblemKind.ManifestChanged, ReleaseFormat.ManifestName, "its SHA-256 is not the one in the signed statement"));
        }
        if (manifest == default)
        {
            return new ReleaseCheck(statement, signature.KeyId, problems, 0, 0);
        }

        var ordered = ReleaseFormat.Ordered(manifest.Files);
        var root = ReleaseFormat.MerkleRoot(ordered);
        if (root != manifest.MerkleRoot || (statement is not null && root != statement.MerkleRoot))
        {
            problems.Add(new(ReleaseProblemKind.RootMismatch, ReleaseFormat.ManifestName, "the Merkle root over the listed files is not the one signed"));
        }
        if (statement is not null && (statement.FileCount != ordered.Length || statement.TotalBytes != ordered.Sum(f => f.Size)))
        {
            problems.Add(new(ReleaseProblemKind.ManifestChanged, ReleaseFormat.ManifestName, "the number or bytes of the listed files are not the signed ones"));
        }

        var listed = new HashSet<string>(ordered.Select(f => f.Path), StringComparer.Ordinal);
        foreach (var path in Walk(directory))
        {
            if (!listed.Contains(path) && !ReleaseFormat.IsOwnFile(path))
            {
                problems.Add(new(ReleaseProblemKind.Unexpected, path, "not listed in the manifest"));
            }
        }

        var found = new ReleaseProblem?[ordered.Length];
        long bytes = 0;
        await Parallel.ForAsync(0, ordered.Length, new ParallelOptions
        {
            MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount,
            CancellationToken = ct,
        }, async (i, token) =>
        {
            var file = ordered[i];
            var full = Path.Combine(directory, file.Path);
            if (!File.Exists(full))
            {
                found[i] = new(ReleaseProblemKind.Missing, file.Path, "listed in the manifest but not there");
                return;
            }
            var (size, sha) = await HashFileAsync(full, token);
            Interlocked.Add(ref bytes, size);
            if (size != file.Size)
            {
                found[i] = new(ReleaseProblemKind.Changed, file.Path, $"{size} bytes, the manifest says {file.Size}");
            }
            else if (sha != file.Sha256)
            {
                found[i] = new(ReleaseProblemKind.Changed, file.Path, "its SHA-256 is not the manifest's");
            }
        });
        problems.AddRange(found.OfType<ReleaseProblem>());
        return new ReleaseCheck(statement, signature.KeyId, problems, ordered.Length, bytes);
    }

    /// <summary>
    /// Checks one file with an inclusion proof alone: the proof's statement is signed by a trusted
    /// key, and the file's bytes, size and path are leaf <c>index</c> of the signed root.
    /// </summary>
    public static async Task<IReadOnlyList<ReleaseProblem>> CheckFileAsync(string file, InclusionProof proof, IReadOnlyList<PublicKey> trusted, CancellationToken ct = default)
    {
        var problems = new List<ReleaseProblem>();
        CheckSignature(proof.Statement, proof.KeyId, proof.Signature, trusted, problems);
        ReleaseStatement statement;
        try
        {
            statement = ReleaseFormat.ReadStatement(proof.Statement);
        }
        catch (FormatException e)
        {
            problems.Add(new(ReleaseProblemKind.Malformed, ReleaseFormat.StatementName, e.Message));
            return problems;
        }
        var (size, sha) = await HashFileAsync(file, ct);
        var leaf = MerkleTree.LeafHash(ReleaseFormat.Leaf(new ReleaseFile(proof.Path, size, sha)));
        if (!MerkleTree.VerifyInclusion(leaf, proof.Index, statement.FileCount, proof.AuditPath, Convert.FromHexString(statement.MerkleRoot)))
        {
            problems.Add(new(ReleaseProblemKind.Changed, proof.Path, "the file (its bytes, size or path) is not in the signed release"));
        }
        return problems;
    }

    /// <summary>The size and SHA-256 (lower-case hex) of a file, read once with a 1 MiB buffer.</summary>
    public static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken ct = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            long size = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                size += n;
            }
            return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CheckSignature(byte[] statement, string keyId, byte[] signature, IReadOnlyList<PublicKey> trusted, List<ReleaseProblem> problems)
    {
        var key = trusted.FirstOrDefault(k => k.KeyId == keyId);
        if (key is null)
        {
            problems.Add(new(ReleaseProblemKind.UnknownKey, ReleaseFormat.SignatureName,
                trusted.Count == 0 ? $"signed by key {keyId}; no trusted key was given to check it with" : $"signed by key {keyId}, which is not a trusted key"));
        }
        else if (!key.Verifies(statement, signature))
        {
            problems.Add(new(ReleaseProblemKind.BadSignature, ReleaseFormat.StatementName, $"the signature by key {keyId} does not verify"));
        }
    }

    private static async Task<byte[]?> ReadOwnAsync(string directory, string name, List<ReleaseProblem> problems, CancellationToken ct)
    {
        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return await File.ReadAllBytesAsync(path, ct);
        }
        problems.Add(new(ReleaseProblemKind.Malformed, name, "missing"));
        return null;
    }

    private static T? TryRead<T>(Func<T> read, string name, byte[]? bytes, List<ReleaseProblem> problems)
    {
        if (bytes is null)
        {
            return default;
        }
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            problems.Add(new(ReleaseProblemKind.Malformed, name, e.Message));
            return default;
        }
    }

    /// <summary>Every file under the directory, as release paths (forward slashes), links not followed.</summary>
    private static IEnumerable<string> Walk(string directory) =>
        new DirectoryInfo(directory)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false })
            .Select(f => Path.GetRelativePath(directory, f.FullName).Replace(Path.DirectorySeparatorChar, '/'));
}

/// <summary>
/// What one needs to check a single file of a release: the signed statement (its bytes), the
/// signature and its key id, the file's path and leaf index, and the audit path up to the root.
/// </summary>
public sealed record InclusionProof(byte[] Statement, string KeyId, byte[] Signature, string Path, long Index, IReadOnlyList<byte[]> AuditPath);
