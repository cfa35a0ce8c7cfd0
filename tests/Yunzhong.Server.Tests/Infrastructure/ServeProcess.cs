using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>`yz serve` in a process of its own, as an operator starts it, on a free loopback port.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    /// <summary>The command-line tool, built next to the tests.</summary>
    public static readonly string Yz = Path.Combine(AppContext.BaseDirectory, "yz.dll");

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServeProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>What the server printed on standard output so far, a line each.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Starts `yz serve ARGS --urls URL` and waits until /healthz answers 200 and the banner
    /// is printed (its last line says how to stop).</summary>
    public static Task<ServeProcess> StartAsync(params string[] args) => StartAsync(new Dictionary<string, string>(), args);

    /// <summary><see cref="StartAsync(string[])"/> with environment variables set for the server (configuration, e.g. <c>Compute__BatchSize</c>).</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet", [Yz, "serve", .. args, "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        var process = Process.Start(info)!;
        var server = new ServeProcess(process, url);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server._output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"yz serve exited with {process.ExitCode}:\n{string.Join("\n", server._output)}");
            }
            if (waited.Elapsed > TimeSpan.FromSeconds(120))
            {
                await server.DisposeAsync();
                throw new TimeoutException("yz serve did not answer /healthz and print its banner within 120 s");
            }
            try
            {
                using var health = await probe.GetAsync(url + "/healthz");
                if (health.StatusCode == HttpStatusCode.OK && server._output.Contains("Press Ctrl+C to stop."))
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Runs `yz ARGS --data DATA` to its end, as an operator would, and returns what it
    /// printed; a non-zero exit fails the test with what it said on standard error.</summary>
    public static async Task<string> RunCliAsync(string data, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Yz, .. args, "--data", data]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Xunit.Assert.True(p.ExitCode == 0, $"yz {string.Join(' ', args)} failed: {error}");
        return await output;
    }

    /// <summary>Sends SIGTERM, as `docker stop`, systemd and Kubernetes do, and waits up to
    /// <paramref name="limit"/> for the process to end. Its exit code, or null when it was still running.</summary>
    public async Task<int?> TerminateAsync(TimeSpan limit)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
        {
            await kill.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Kills the server at once (SIGKILL, no shutdown) and waits for it to be gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
