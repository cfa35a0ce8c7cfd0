using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Yunzhong.Cli;

/// <summary>Talks to a running server with a personal API token; errors become readable CLI errors.</summary>
internal sealed class Api : IDisposable
{
    /// <summary>The server's own wire form (enums as snake_case strings), so responses read into its records.</summary>
    public static readonly JsonSerializerOptions Json = Yunzhong.Server.Features.Wire.Options;
    private readonly HttpClient _http;

    public Api(string baseUrl, string? token, int maxConnections = 16)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public static Api FromArgs(CliArgs args)
    {
        var url = args.Get("url") ?? Environment.GetEnvironmentVariable("YZ_URL") ?? "http://localhost:5080";
        var token = args.Get("token") ?? Environment.GetEnvironmentVariable("YZ_TOKEN")
            ?? throw new CliException("an API token is needed: pass --token or set YZ_TOKEN (create one with 'yz token create')");
        return new Api(url, token);
    }

    public HttpClient Http => _http;

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        using var response = await _http.SendAsync(request, ct);
        await EnsureAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    /// <summary>Turns a ProblemDetails answer into a message naming every field or row at fault.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        var message = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            // The server's own ProblemDetails record (with field errors), read as the server wrote it.
            var problem = JsonSerializer.Deserialize<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(text, Json);
            if (problem?.Title is { } title)
            {
                message += ": " + title;
            }
            if (problem?.Detail is { } detail)
            {
                message += " " + detail;
            }
            foreach (var (field, list) in problem?.Errors ?? new Dictionary<string, string[]>())
            {
                foreach (var m in list)
                {
                    message += $"\n  {field}: {m}";
                }
            }
        }
        catch (JsonException)
        {
            if (text.Length > 0)
            {
                message += ": " + text[..Math.Min(text.Length, 500)];
            }
        }
        throw new CliException(message);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A one-line progress bar on stderr (plain periodic lines when stderr is not a terminal).</summary>
internal sealed class Progress(string label, long total)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _lastDraw = -1_000;

    public void Report(long done, bool force = false)
    {
        var now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDraw < (Console.IsErrorRedirected ? 5_000 : 100))
        {
            return;
        }
        _lastDraw = now;
        var fraction = total > 0 ? Math.Min(1.0, (double)done / total) : 0;
        var width = 30;
        var filled = (int)(fraction * width);
        var line = total > 0
            ? $"{label} [{new string('#', filled)}{new string('.', width - filled)}] {fraction * 100,5:0.0}% {done:N0}/{total:N0}"
            : $"{label} {done:N0}";
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            Console.Error.Write("\r" + line + "   ");
        }
    }

    public void Done(long done)
    {
        Report(done, force: true);
        if (!Console.IsErrorRedirected)
        {
            Console.Error.WriteLine();
        }
    }
}

/// <summary>Counts bytes as an upload reads them, for the progress bar.</summary>
internal sealed class ProgressStream(Stream inner, Action<long> onRead) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        _read += n;
        onRead(_read);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        _read += n;
        onRead(_read);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
