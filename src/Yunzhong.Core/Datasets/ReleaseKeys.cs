using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Yunzhong.Core.Datasets;

/// <summary>A public Ed25519 key of the park: its id (the first 8 bytes of its SHA-256, hex) and its 32 bytes.</summary>
public sealed record PublicKey(string KeyId, byte[] Key)
{
    /// <summary>The public key for 32 raw bytes, its id computed.</summary>
    public static PublicKey FromBytes(byte[] key) =>
        key.Length == 32 ? new PublicKey(IdOf(key), key) : throw new FormatException("an Ed25519 public key is 32 bytes");

    /// <summary>The id of a public key's bytes.</summary>
    public static string IdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(SHA256.HashData(key)[..8]);

    /// <summary>Whether <paramref name="signature"/> is this key's Ed25519 signature of <paramref name="data"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(Key));
        verifier.BlockUpdate(data);
        return verifier.VerifySignature(signature.ToArray());
    }
}

/// <summary>
/// The park's signing key (Ed25519, RFC 8032, through BouncyCastle): made from 32 secret bytes.
/// Signatures are deterministic, so signing the same statement twice gives the same bytes.
/// </summary>
public sealed class SigningKey
{
    private readonly Ed25519PrivateKeyParameters _key;

    /// <summary>The key whose secret seed is <paramref name="seed"/> (32 bytes).</summary>
    public SigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));
        }
        _key = new Ed25519PrivateKeyParameters(seed.ToArray());
        Public = PublicKey.FromBytes(_key.GeneratePublicKey().GetEncoded());
    }

    /// <summary>A new key from the system's cryptographic random source.</summary>
    public static SigningKey Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret seed, to store (and only to store).</summary>
    public byte[] Seed => _key.GetEncoded();

    /// <summary>The public half.</summary>
    public PublicKey Public { get; }

    /// <summary>The 64-byte signature of <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }
}

/// <summary>The contents of <c>release.sig</c> and the JSON shape public keys are published in.</summary>
public static class SignatureFile
{
    /// <summary>The one algorithm the format signs with.</summary>
    public const string Algorithm = "ed25519";

    /// <summary>The bytes of <c>release.sig</c> for a signature by <paramref name="key"/>.</summary>
    public static byte[] Write(PublicKey key, byte[] signature) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["algorithm"] = Algorithm,
            ["key_id"] = key.KeyId,
            ["signature"] = Convert.ToBase64String(signature),
        }, ReleaseFormat.Indented);

    /// <summary>The key id and signature in <c>release.sig</c>; a <see cref="FormatException"/> names what is wrong.</summary>
    public static (string KeyId, byte[] Signature) Read(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var r = doc.RootElement;
            if (r.GetProperty("algorithm").GetString() != Algorithm)
            {
                throw new FormatException($"the signature's algorithm is not {Algorithm}");
            }
            return (r.GetProperty("key_id").GetString() ?? "", Convert.FromBase64String(r.GetProperty("signature").GetString() ?? ""));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the signature file is malformed: {e.Message}", e);
        }
    }

    /// <summary>Public keys as published: <c>{"keys":[{"key_id","algorithm","public_key"}]}</c>.</summary>
    public static byte[] WriteKeys(IEnumerable<PublicKey> keys) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            keys = keys.Select(k => new Dictionary<string, string>
            {
                ["key_id"] = k.KeyId,
                ["algorithm"] = Algorithm,
                ["public_key"] = Convert.ToBase64String(k.Key),
            }),
        }, ReleaseFormat.Indented);

    /// <summary>
    /// Public keys from published JSON (as <see cref="WriteKeys"/> writes) or from one key as
    /// base64 text; an id that does not match its key is refused.
    /// </summary>
    public static IReadOnlyList<PublicKey> ReadKeys(string text)
    {
        var trimmed = text.Trim();
        try
        {
            if (!trimmed.StartsWith('{'))
            {
                return [PublicKey.FromBytes(Convert.FromBase64String(trimmed))];
            }
            using var doc = JsonDocument.Parse(trimmed);
            var keys = new List<PublicKey>();
            foreach (var k in doc.RootElement.GetProperty("keys").EnumerateArray())
            {
                if (k.GetProperty("algorithm").GetString() != Algorithm)
                {
                    continue;
                }
                var key = PublicKey.FromBytes(Convert.FromBase64String(k.GetProperty("public_key").GetString() ?? ""));
                if (k.GetProperty("key_id").GetString() != key.KeyId)
                {
                    throw new FormatException($"key id {k.GetProperty("key_id").GetString()} does not match its key ({key.KeyId})");
                }
                keys.Add(key);
            }
            return keys;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"the keys are malformed: {e.Message}", e);
        }
    }
}
