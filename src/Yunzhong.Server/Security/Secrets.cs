using System.Security.Cryptography;
using System.Text;

namespace Yunzhong.Server.Security;

/// <summary>Password hashing (PBKDF2-SHA256) and API token minting/hashing.</summary>
public static class Secrets
{
    /// <summary>OWASP's current figure for PBKDF2-HMAC-SHA256 (it was 210,000 here until 2026-12): about
    /// 0.2 s of one core per check on the park's machines, which the log-in rate limits keep bounded.</summary>
    public const int Iterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    public const string TokenPrefix = "yz_";

    /// <summary>Format: <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so the cost can rise later.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="stored"/> was made with fewer iterations than
    /// <see cref="Iterations"/> (or in a form this version does not make): after the next successful
    /// log-in it is hashed again, so stored hashes follow the cost as it rises.</summary>
    public static bool NeedsRehash(string stored)
    {
        var parts = stored.Split('$');
        return parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations) || iterations < Iterations;
    }

    public static bool VerifyPassword(string password, string? stored)
    {
        if (stored is null)
        {
            return false;
        }
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static string NewToken() =>
        TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Tokens are long random strings, so one SHA-256 is enough; no salt or stretching needed.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
