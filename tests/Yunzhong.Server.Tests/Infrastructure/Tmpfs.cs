using System.Diagnostics;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted over a folder: a real file system that really fills up, so a write gets the
/// kernel's own ENOSPC (a file-size limit gives EFBIG instead, which is not a full disk). Mounting
/// needs root on Linux, which the CI and the development containers have; elsewhere the tests that
/// use it are skipped with <see cref="RootFactAttribute"/>'s reason.
/// </summary>
public sealed class Tmpfs : IAsyncDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    private string Ballast => System.IO.Path.Combine(Path, ".ballast");

    public static bool CanMount => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    public static async Task<Tmpfs> MountAsync(string path, long bytes)
    {
        Directory.CreateDirectory(path);
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        return new Tmpfs(path);
    }

    /// <summary>Writes a ballast file until the kernel refuses a byte more.</summary>
    public void Fill()
    {
        using var f = new FileStream(Ballast, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var chunk in new[] { 64 << 10, 4 << 10, 1 })
        {
            var bytes = new byte[chunk];
            try
            {
                while (true)
                {
                    f.Write(bytes);
                }
            }
            catch (IOException e) when (e.HResult == 28)
            {
            }
        }
    }

    /// <summary>What an operator does about a full disk: deletes something big.</summary>
    public void Free() => File.Delete(Ballast);

    public async ValueTask DisposeAsync()
    {
        // Lazy: a server being disposed may still hold a file open here.
        await RunAsync("umount", "-l", Path);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {error}");
        }
    }
}

/// <summary>A fact that needs to mount a tmpfs: skipped, saying why, where the tests do not run as root on Linux.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Tmpfs.CanMount)
        {
            Skip = "Needs root on Linux to mount a small tmpfs that really fills up (CI runs as root).";
        }
    }
}
