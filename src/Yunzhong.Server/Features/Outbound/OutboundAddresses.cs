using System.Net;
using System.Net.Sockets;

namespace Yunzhong.Server.Features.Outbound;

/// <summary>The codes one kind of outbound URL refuses with (a model server's, a webhook's).</summary>
internal sealed record OutboundCodes(string UrlInvalid, string NotAllowed, string Unreachable, string AddressRefused);

/// <summary>
/// The SSRF rules for URLs the server calls out to on a user's word: which hosts the operator allows
/// (<see cref="AllowedHosts"/>: a host name or address, <c>*.example.com</c>, or <c>*</c>) and which
/// addresses are not public. Checked when a URL is saved, and again on every connection
/// (<see cref="OutboundHttp"/>'s connect callback) on the address actually dialled, so a name that
/// resolves elsewhere later (DNS rebinding) is caught there. Only hosts named exactly may be or
/// resolve to loopback, link-local, private or other non-public addresses; a wildcard reaches
/// public addresses only.
/// </summary>
/// <param name="what">What such a URL names, for messages: "a model server", "a webhook".</param>
internal abstract class OutboundAddresses(string what, OutboundCodes codes)
{
    /// <summary>The operator's allow-list, read on every check so a configuration reload applies.</summary>
    protected abstract IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>What such a URL names, for messages.</summary>
    public string What => what;

    /// <summary>The codes this kind of URL refuses with.</summary>
    public OutboundCodes Codes => codes;

    /// <summary>Whether the operator allows any host at all.</summary>
    public bool AnyAllowed => AllowedHosts.Any(h => h.Trim().Length > 0);

    /// <summary>How a host stands with the allow-list.</summary>
    internal enum Allowance { No, PublicOnly, Exactly }

    internal Allowance Allows(string host)
    {
        host = Normalize(host);
        var best = Allowance.No;
        foreach (var raw in AllowedHosts)
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
        _ => $"The operator has not allowed {host} as {what}.",
    };

    /// <summary>
    /// Checks a URL as a setting: http or https, no credentials, query or fragment, a host on the
    /// allow-list, and every address it resolves to now allowed. Null when all holds; else the code and words.
    /// </summary>
    internal async Task<(string Code, string Message)?> CheckAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (codes.UrlInvalid, $"The URL of {what} is an absolute http or https URL.");
        }
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return (codes.UrlInvalid, $"The URL of {what} carries no user, query or fragment.");
        }
        var host = uri.IdnHost;
        if (Allows(host) == Allowance.No)
        {
            return (codes.NotAllowed, $"The operator has not allowed {Normalize(host)} as {what}.");
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(Normalize(host), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return (codes.Unreachable, $"{Normalize(host)} does not resolve.");
        }
        foreach (var a in addresses)
        {
            if (Refusal(host, a) is { } why)
            {
                return (codes.AddressRefused, why);
            }
        }
        return null;
    }
}
