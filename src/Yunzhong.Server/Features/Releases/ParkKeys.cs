using System.Security.Cryptography;
using Yunzhong.Core.Datasets;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// The park's own keys, kept in the database so every node of one database has the same: the
/// Ed25519 key that signs releases and the secret that signs download links. Each is made once by
/// whichever node asks first (an insert that loses the race reads the winner's); the secret halves
/// never leave the server.
/// </summary>
public sealed class ParkKeys(Db db, TimeProvider time)
{
    private const string SigningPurpose = "release-signing";
    private const string LinkPurpose = "link-hmac";
    private SigningKey? _signing;
    private byte[]? _linkSecret;

    /// <summary>The key releases are signed with.</summary>
    public async Task<SigningKey> SigningKeyAsync(CancellationToken ct)
    {
        if (_signing is { } known)
        {
            return known;
        }
        var fresh = SigningKey.Generate();
        var row = await GetOrCreateAsync(SigningPurpose, fresh.Public.KeyId, Convert.ToBase64String(fresh.Public.Key), fresh.Seed, ct);
        return _signing = new SigningKey(Convert.FromBase64String(row.Secret));
    }

    /// <summary>The park's public keys, as anyone may have them.</summary>
    public async Task<IReadOnlyList<PublicKey>> PublicKeysAsync(CancellationToken ct) => [(await SigningKeyAsync(ct)).Public];

    /// <summary>The secret download links are signed with (HMAC-SHA256).</summary>
    public async Task<byte[]> LinkSecretAsync(CancellationToken ct)
    {
        if (_linkSecret is { } known)
        {
            return known;
        }
        var row = await GetOrCreateAsync(LinkPurpose, "hmac", null, RandomNumberGenerator.GetBytes(32), ct);
        return _linkSecret = Convert.FromBase64String(row.Secret);
    }

    private async Task<(string KeyId, string Secret)> GetOrCreateAsync(string purpose, string keyId, string? publicKey, byte[] secret, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ReleasesSql.InsertParkKeySql, new
        {
            purpose, keyId, publicKey, secret = Convert.ToBase64String(secret), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        return await c.QuerySingleAsync<(string, string)>(new CommandDefinition(ReleasesSql.ParkKeySql, new { purpose }, cancellationToken: ct));
    }
}
