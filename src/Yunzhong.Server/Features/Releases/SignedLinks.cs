using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Yunzhong.Server.Features.Releases;

/// <summary>What a download link grants: one release, to one person, until a time, under a grant (0: the owner's own link).</summary>
public sealed record LinkClaims(long ReleaseId, long UserId, long GrantId, long ExpiresAtMs);

/// <summary>
/// Short-lived download links: <c>releaseId.userId.grantId.expiresAtMs</c> and its HMAC-SHA256 under
/// the park's link secret (<see cref="ParkKeys"/>), base64url. The link is bound to the person it was
/// made for: the server serves it only to them, signed in, and checks the grant again on every file.
/// </summary>
public static class SignedLinks
{
    /// <summary>How long a link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static string Mint(byte[] secret, LinkClaims claims)
    {
        var payload = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{claims.ReleaseId}.{claims.UserId}.{claims.GrantId}.{claims.ExpiresAtMs}"));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(secret, payload));
    }

    /// <summary>The claims of a link this park signed; null for anything else (edited, truncated, another park's).</summary>
    public static LinkClaims? Read(byte[] secret, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }
        try
        {
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(secret, payload)))
            {
                return null;
            }
            var parts = Encoding.ASCII.GetString(payload).Split('.');
            return parts.Length == 4
                ? new LinkClaims(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture),
                    long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
