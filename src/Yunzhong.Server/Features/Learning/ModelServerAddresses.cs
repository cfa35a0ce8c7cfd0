using System.Net;
using System.Net.Sockets;

namespace Yunzhong.Server.Features.Learning;

/// <summary>
/// The SSRF rules for model server URLs: which hosts the operator allows (<see cref="ModelServerOptions"/>)
/// and which addresses are not public. Checked when a project's URL is set, and again on every
/// connection (<see cref="ModelServerClient"/>'s connect callback), on the address actually dialled,
/// so a name that resolves elsewhere later (DNS rebinding) is caught there.
/// </summary>
internal sealed class ModelServerAddresses(IOptions<ModelServerOptions> options)
{
    /// <summary>How a host stands with the allow-list.</summary>
    internal enum Allowance { No, PublicOnly, Exactly }

    internal Allowance Allows(string host)
    {
        host = Normalize(host);
        var best = Allowance.No;
        foreach (var raw in options.Value.AllowedHosts)
        {
            var entry = Normalize(raw);
            if (entry.Length == 0)
            {
                continue;
            }
            if (entry == host)
            {
                return Allowance.Exactly;
            }
            if (entry == "*" || (entry.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(entry[1..], StringComparison.Ordinal)))
            {
                best = Allowance.PublicOnly;
            }
        }
        return best;
    }

    /// <summary>Lower case, no brackets, no trailing dot; an address in its one canonical form.</summary>
    internal static string Normalize(string host)
    {
        host = host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();
        return IPAddress.TryParse(host, out var ip) ? ip.ToString() : host;
    }

    /// <summary>Whether an address is one a model server reached through a wildcard may have: not
    /// loopback, link-local, private, shared, reserved, multicast or unspecified, in IPv4 or in any
    /// IPv6 form that carries an IPv4 address (mapped, compatible, NAT64, 6to4).</summary>
    internal static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return IsPublic(address.MapToIPv4());
            }
            var b = address.GetAddressBytes();
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address) || IPAddress.IPv6Any.Equals(address))
            {
                return false;
            }
            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            {
                return false; // ::a.b.c.d, the deprecated IPv4-compatible form
            }
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
            {
                return IsPublic(new IPAddress(b.AsSpan(12, 4))); // 64:ff9b::/96 NAT64
            }
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPublic(new IPAddress(b.AsSpan(2, 4))); // 2002::/16 6to4
            }
            return !(b[0] == 0xff                       // multicast ff00::/8
                || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // link-local fe80::/10
                || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // site-local fec0::/10
                || (b[0] & 0xfe) == 0xfc                 // unique local fc00::/7
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)); // documentation 2001:db8::/32
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var v = address.GetAddressBytes();
        return !(v[0] == 0                                   // 0.0.0.0/8
            || v[0] == 10                                    // 10/8
            || v[0] == 127                                   // loopback
            || (v[0] == 100 && (v[1] & 0xc0) == 64)          // shared 100.64/10
            || (v[0] == 169 && v[1] == 254)                  // link-local
            || (v[0] == 172 && (v[1] & 0xf0) == 16)          // 172.16/12
            || (v[0] == 192 && v[1] == 0 && v[2] == 0)       // 192.0.0/24
            || (v[0] == 192 && v[1] == 0 && v[2] == 2)       // documentation
            || (v[0] == 192 && v[1] == 168)                  // 192.168/16
            || (v[0] == 198 && (v[1] & 0xfe) == 18)          // benchmarking 198.18/15
            || (v[0] == 198 && v[1] == 51 && v[2] == 100)    // documentation
            || (v[0] == 203 && v[1] == 0 && v[2] == 113)     // documentation
            || v[0] >= 224);                                 // multicast, reserved, broadcast
    }

    /// <summary>Why <paramref name="address"/>, reached for <paramref name="host"/>, may not be dialled; null when it may.</summary>
    internal string? Refusal(string host, IPAddress address) => Allows(host) switch
    {
        Allowance.Exactly => null,
        Allowance.PublicOnly when IsPublic(address) => null,
        Allowance.PublicOnly => $"{host} is at {address}, which is not a public address; the operator allows only public addresses for it.",
        _ => $"The operator has not allowed {host} as a model server.",
    };

    /// <summary>
    /// Checks a URL as a project setting: http or https, no credentials, a host on the allow-list,
    /// and every address it resolves to now allowed. Null when all holds; else the code and words.
    /// </summary>
    internal async Task<(string Code, string Message)?> CheckAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (ProblemCodes.ModelServerUrlInvalid, "A model server URL is an absolute http or https URL.");
        }
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return (ProblemCodes.ModelServerUrlInvalid, "A model server URL carries no user, query or fragment.");
        }
        var host = uri.IdnHost;
        if (Allows(host) == Allowance.No)
        {
            return (ProblemCodes.ModelServerNotAllowed, $"The operator has not allowed {Normalize(host)} as a model server.");
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(Normalize(host), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return (ProblemCodes.ModelServerUnreachable, $"{Normalize(host)} does not resolve.");
        }
        foreach (var a in addresses)
        {
            if (Refusal(host, a) is { } why)
            {
                return (ProblemCodes.ModelServerAddressRefused, why);
            }
        }
        return null;
    }
}
