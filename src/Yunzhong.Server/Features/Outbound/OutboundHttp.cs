using System.Net;
using System.Net.Sockets;

namespace Yunzhong.Server.Features.Outbound;

/// <summary>Why a connection was not made: every address was refused by the rules (<see cref="Refused"/>), or none answered.</summary>
internal sealed class OutboundConnectException(string message, bool refused) : Exception(message)
{
    public bool Refused { get; } = refused;
}

/// <summary>
/// An HTTP client for calls the server makes on a user's word (model servers, webhooks): every
/// connection is dialled through <see cref="OutboundAddresses"/> at connect time, on the address
/// actually dialled; redirects are never followed, no proxy and no cookies are used.
/// </summary>
internal static class OutboundHttp
{
    public static HttpClient Create(OutboundAddresses rules, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = (context, ct) => ConnectAsync(rules, context, ct),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>Resolves the host, keeps only the addresses the rules allow for it, and connects to the first that answers.</summary>
    private static async ValueTask<Stream> ConnectAsync(OutboundAddresses rules, SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(OutboundAddresses.Normalize(host), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        string? refusal = null;
        foreach (var address in addresses)
        {
            if (rules.Refusal(host, address) is { } why)
            {
                refusal ??= why;
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        throw refusal is not null
            ? new OutboundConnectException(refusal, refused: true)
            : new OutboundConnectException($"No address of {host} answered.", refused: false);
    }
}
