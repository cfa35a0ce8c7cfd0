using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// One simulated annotator's keep-alive HTTP/1.1 connection, written the way load generators are:
/// requests go out as prepared bytes and responses are read into one reused buffer. The bench
/// measures the server, and on a two-core machine that the client shares, <c>HttpClient</c> cost
/// about as much CPU per cycle as the server itself (profiled), which capped what the bench could
/// show. Responses are still read whole and checked: status line, <c>Content-Length</c> or chunked
/// body, and the JSON the caller asks for.
/// </summary>
internal sealed class BenchConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly string _host;
    private readonly string _auth;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    private BenchConnection(Socket socket, string host, string token)
    {
        _socket = socket;
        _host = host;
        _auth = token;
    }

    public static async Task<BenchConnection> OpenAsync(Uri server, string token, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), ct);
        return new BenchConnection(socket, $"{server.Host}:{server.Port}", token);
    }

    /// <summary>The request head (and body) as bytes, built once per distinct request.</summary>
    public byte[] Request(string method, string path, string? idempotencyKey = null, byte[]? jsonBody = null)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(_host)
            .Append("\r\nAuthorization: Bearer ").Append(_auth)
            .Append("\r\nContent-Length: ").Append(jsonBody?.Length ?? 0);
        if (jsonBody is not null)
        {
            head.Append("\r\nContent-Type: application/json");
        }
        if (idempotencyKey is not null)
        {
            head.Append("\r\nIdempotency-Key: ").Append(idempotencyKey);
        }
        head.Append("\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        return jsonBody is null ? bytes : [.. bytes, .. jsonBody];
    }

    /// <summary>Sends a request and reads its whole response; returns the status and the body.</summary>
    public async Task<(int Status, ReadOnlyMemory<byte> Body)> SendAsync(byte[] request, CancellationToken ct)
    {
        await _socket.SendAsync(request, SocketFlags.None, ct);
        // Status line and headers.
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(ct);
        }
        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, headEnd);
        if (head.Length < 12 || !Utf8Parser.TryParse(head[9..12], out int status, out _))
        {
            throw new InvalidDataException($"bad status line: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)])}");
        }
        var length = -1;
        var chunked = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (line.StartsWith("Content-Length:"u8) || line.StartsWith("content-length:"u8))
            {
                if (!Utf8Parser.TryParse(line[15..].Trim((byte)' '), out length, out _))
                {
                    throw new InvalidDataException("The server sent a Content-Length that is not a number.");
                }
            }
            else if (line.StartsWith("Transfer-Encoding: chunked"u8) || line.StartsWith("transfer-encoding: chunked"u8))
            {
                chunked = true;
            }
        }
        _start += headEnd + 4;
        if (!chunked)
        {
            length = Math.Max(0, length);
            while (_end - _start < length)
            {
                await FillAsync(ct);
            }
            var body = _buffer.AsMemory(_start, length);
            _start += length;
            return (status, body);
        }
        var collected = new MemoryStream();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(ct);
            }
            ReadOnlySpan<byte> sizeText = _buffer.AsSpan(_start, lineEnd);
            if (!Utf8Parser.TryParse(sizeText, out int size, out _, 'x'))
            {
                throw new InvalidDataException("bad chunk size");
            }
            _start += lineEnd + 2;
            while (_end - _start < size + 2)
            {
                await FillAsync(ct);
            }
            collected.Write(_buffer, _start, size);
            _start += size + 2;
            if (size == 0)
            {
                return (status, collected.GetBuffer().AsMemory(0, (int)collected.Length));
            }
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (n == 0)
        {
            throw new IOException("the server closed the connection");
        }
        _end += n;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
