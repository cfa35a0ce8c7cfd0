using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Yunzhong.Core.Datasets;

/// <summary>One file of a release: its path inside the release (forward slashes), size and SHA-256 (lower-case hex).</summary>
public sealed record ReleaseFile(string Path, long Size, string Sha256);

/// <summary>
/// What a release says about itself and the park signs. A release directory holds its files
/// under their paths and three more: <c>manifest.json</c> (every file with size and SHA-256, the
/// Merkle root, and what the park adds: label counts, schema, quality, licence, provenance),
/// <c>release.json</c> (this statement: the manifest's SHA-256, the root, the number and bytes of
/// the files) and <c>release.sig</c> (an Ed25519 signature of <c>release.json</c>'s bytes). The
/// statement is small, so a single file can be checked with it, the signature and an inclusion
/// proof, without the manifest or the other files.
/// </summary>
public sealed record ReleaseStatement(
    string Dataset, int Release, DateTimeOffset CreatedAt, string ManifestSha256, string MerkleRoot, long FileCount, long TotalBytes);

/// <summary>The file names and the byte-level rules of the release format (<c>yunzhong.release/1</c>).</summary>
public static class ReleaseFormat
{
    /// <summary>How the format's small JSON files are written: indented, for people reading them.</summary>
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The format's name and version, written in the manifest and the statement.</summary>
    public const string Version = "yunzhong.release/1";

    /// <summary>The manifest's file name at the release's root.</summary>
    public const string ManifestName = "manifest.json";

    /// <summary>The statement's file name at the release's root.</summary>
    public const string StatementName = "release.json";

    /// <summary>The signature's file name at the release's root.</summary>
    public const string SignatureName = "release.sig";

    /// <summary>Whether a name is one of the three files a release adds about itself.</summary>
    public static bool IsOwnFile(string path) => path is ManifestName or StatementName or SignatureName;

    /// <summary>
    /// Why <paramref name="path"/> cannot name a file of a release, or null: relative, forward
    /// slashes, no empty, <c>.</c> or <c>..</c> segment, no NUL or backslash, not one of the
    /// release's own files. A manifest is input like any other: a verifier must not be led outside
    /// the release's directory by it.
    /// </summary>
    public static string? PathProblem(string path)
    {
        if (path.Length == 0)
        {
            return "the path is empty";
        }
        if (path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return "the path holds a NUL or a backslash";
        }
        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':'))
        {
            return "the path is absolute";
        }
        if (path.Split('/').Any(s => s is "" or "." or ".."))
        {
            return "the path has an empty, '.' or '..' segment";
        }
        return IsOwnFile(path) ? "the path is one of the release's own files" : null;
    }

    /// <summary>The bytes a file's Merkle leaf hashes: the UTF-8 path, a 0 byte, the size (8 bytes, big-endian) and the 32-byte SHA-256.</summary>
    public static byte[] Leaf(ReleaseFile file)
    {
        var path = Encoding.UTF8.GetBytes(file.Path);
        var leaf = new byte[path.Length + 1 + 8 + 32];
        path.CopyTo(leaf, 0);
        BinaryPrimitives.WriteInt64BigEndian(leaf.AsSpan(path.Length + 1), file.Size);
        if (file.Sha256.Length != 64 || Convert.FromHexString(file.Sha256, leaf.AsSpan(path.Length + 9), out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            throw new FormatException($"{file.Path}: the SHA-256 is not 64 hex digits");
        }
        return leaf;
    }

    /// <summary>The files in the order the tree and the manifest list them: by path, ordinal.</summary>
    public static ReleaseFile[] Ordered(IEnumerable<ReleaseFile> files) =>
        [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];

    /// <summary>The leaf hashes of files already in order.</summary>
    public static byte[][] LeafHashes(IReadOnlyList<ReleaseFile> ordered) =>
        [.. ordered.Select(f => MerkleTree.LeafHash(Leaf(f)))];

    /// <summary>The Merkle root (lower-case hex) over files already in order.</summary>
    public static string MerkleRoot(IEnumerable<ReleaseFile> ordered)
    {
        var builder = new MerkleBuilder();
        foreach (var f in ordered)
        {
            builder.Add(MerkleTree.LeafHash(Leaf(f)));
        }
        return Convert.ToHexStringLower(builder.Root());
    }

    /// <summary>
    /// The manifest's bytes: the format, dataset and release, the files in order, the Merkle root,
    /// then each extra section (label counts, schema, quality, licence, provenance…) as given.
    /// </summary>
    public static byte[] WriteManifest(string dataset, int release, IReadOnlyList<ReleaseFile> ordered, IEnumerable<KeyValuePair<string, JsonElement>> sections)
    {
        using var buffer = new MemoryStream();
        WriteManifest(buffer, dataset, release, MerkleRoot(ordered), ordered, sections);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the manifest to <paramref name="output"/> as the files come, flushing as it goes, so a
    /// release of many files never holds them all: <paramref name="merkleRoot"/> is
    /// <see cref="MerkleRoot"/> of the same <paramref name="ordered"/> files (taken in a pass before).
    /// </summary>
    public static void WriteManifest(
        Stream output, string dataset, int release, string merkleRoot, IEnumerable<ReleaseFile> ordered, IEnumerable<KeyValuePair<string, JsonElement>> sections)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", Version);
        w.WriteString("dataset", dataset);
        w.WriteNumber("release", release);
        w.WriteString("merkle_root", merkleRoot);
        foreach (var (name, value) in sections)
        {
            if (name is "format" or "dataset" or "release" or "merkle_root" or "files")
            {
                throw new ArgumentException($"'{name}' is written by the format itself", nameof(sections));
            }
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
        w.WriteStartArray("files");
        foreach (var f in ordered)
        {
            w.WriteStartObject();
            w.WriteString("path", f.Path);
            w.WriteNumber("size", f.Size);
            w.WriteString("sha256", f.Sha256);
            w.WriteEndObject();
            if (w.BytesPending > 32 * 1024)
            {
                w.Flush();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The statement's bytes.</summary>
    public static byte[] WriteStatement(ReleaseStatement s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Version);
            w.WriteString("dataset", s.Dataset);
            w.WriteNumber("release", s.Release);
            w.WriteString("created_at", s.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("manifest_sha256", s.ManifestSha256);
            w.WriteString("merkle_root", s.MerkleRoot);
            w.WriteNumber("file_count", s.FileCount);
            w.WriteNumber("total_bytes", s.TotalBytes);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a statement; a <see cref="FormatException"/> names what is wrong.</summary>
    public static ReleaseStatement ReadStatement(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || Str(r, "format") != Version)
            {
                throw new FormatException($"not a {Version} statement");
            }
            return new ReleaseStatement(
                Str(r, "dataset"), r.GetProperty("release").GetInt32(),
                DateTimeOffset.Parse(Str(r, "created_at"), System.Globalization.CultureInfo.InvariantCulture),
                Hex(r, "manifest_sha256"), Hex(r, "merkle_root"),
                r.GetProperty("file_count").GetInt64(), r.GetProperty("total_bytes").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the statement is malformed: {e.Message}", e);
        }
    }

    /// <summary>Reads the manifest's Merkle root and files (in the manifest's order); a <see cref="FormatException"/> names what is wrong.</summary>
    public static (string MerkleRoot, IReadOnlyList<ReleaseFile> Files) ReadManifest(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || Str(r, "format") != Version)
            {
                throw new FormatException($"not a {Version} manifest");
            }
            var files = new List<ReleaseFile>();
            var i = 0;
            foreach (var f in r.GetProperty("files").EnumerateArray())
            {
                var path = Str(f, "path");
                if (PathProblem(path) is { } problem)
                {
                    throw new FormatException($"files[{i}]: {problem}: {path}");
                }
                var size = f.GetProperty("size").GetInt64();
                if (size < 0)
                {
                    throw new FormatException($"files[{i}]: a negative size");
                }
                files.Add(new ReleaseFile(path, size, Hex(f, "sha256")));
                i++;
            }
            return (Hex(r, "merkle_root"), files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the manifest is malformed: {e.Message}", e);
        }
    }

    /// <summary>The SHA-256 of some bytes as lower-case hex.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static string Hex(JsonElement e, string name)
    {
        var s = Str(e, name);
        return s.Length == 64 && s.All(char.IsAsciiHexDigitLower) ? s : throw new FormatException($"'{name}' is not 64 lower-case hex digits");
    }
}
