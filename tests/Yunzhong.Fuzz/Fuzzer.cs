using System.Diagnostics;
using System.Security.Cryptography;
using CsCheck;

namespace Yunzhong.Fuzz;

/// <summary>A distinct failure: the first (smallest kept) input that showed it, and how often it came.</summary>
public sealed record Finding(string Signature, string Message, byte[] Input, int Count, string? File);

/// <summary>One point of a scaling measurement.</summary>
public sealed record ScalePoint(int N, int Bytes, double Milliseconds, long Allocated);

/// <summary>A scaling shape measured at n, 2n, 4n, 8n.</summary>
public sealed record ScaleResult(string Target, string Shape, IReadOnlyList<ScalePoint> Points, string? Known)
{
    /// <summary>How time grows with n: 1 is linear, 2 quadratic (the slope of log time over log n).</summary>
    public double TimeExponent => Slope(Points.Select(p => p.Milliseconds));

    /// <summary>How allocation grows with n.</summary>
    public double AllocExponent => Slope(Points.Select(p => (double)Math.Max(1, p.Allocated)));

    // A least-squares slope over all four points: on a shared machine one point can catch a pause,
    // and the ratio of two points alone then reads as a blow-up.
    private double Slope(IEnumerable<double> values)
    {
        var xs = Points.Select(p => Math.Log(p.N)).ToArray();
        var ys = values.Select(v => Math.Log(Math.Max(v, 1e-3))).ToArray();
        var (mx, my) = (xs.Average(), ys.Average());
        return xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / xs.Sum(x => (x - mx) * (x - mx));
    }

    // Below a few milliseconds the clock and the JIT decide the ratio, not the parser; such shapes
    // are judged on allocation alone. Time gets more slack than bytes: once an input outgrows the
    // CPU caches each byte costs more (a linear reader measured 1.3 to 1.5 from 1 to 8 MiB here),
    // while the quadratic readers this caught measured 1.7 to 2.1.
    public bool SuperLinear => (Points[^1].Milliseconds >= 5 && TimeExponent > 1.6) || AllocExponent > 1.3;
}

/// <summary>What one target's run found.</summary>
public sealed record TargetReport(string Target, long Inputs, TimeSpan Elapsed, IReadOnlyList<Finding> Findings, IReadOnlyList<ScaleResult> Scaling, IReadOnlyDictionary<string, long> Outcomes);

/// <summary>
/// Runs targets: draws inputs from each target's CsCheck generator with a seeded PCG, checks each
/// one under a time budget, keeps the smallest input per distinct failure and writes it out, and
/// measures the scaling shapes.
/// </summary>
public sealed class Fuzzer(string? reproducerDir, TextWriter log)
{
    /// <summary>An input that takes longer than this is a failure ("slow"): every corpus-sized input parses in milliseconds.</summary>
    public TimeSpan InputBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An input still running after this is a hang: the watchdog writes it out and ends the process,
    /// because a .NET thread cannot be stopped from outside. Null in the test suite, where the
    /// budget above still reports it once it returns.
    /// </summary>
    public TimeSpan? HangLimit { get; init; } = TimeSpan.FromSeconds(30);

    private byte[]? _current;
    private long _currentStarted;
    private string _currentTarget = "";

    public TargetReport Run(FuzzTarget target, ulong seed, TimeSpan? duration, long? iterations, bool scaling)
    {
        var pcg = new PCG((uint)StableHash(target.Name), seed);
        var findings = new Dictionary<string, Finding>();
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        var sw = Stopwatch.StartNew();
        long count = 0;
        _currentTarget = target.Name;
        using var watchdog = HangLimit is { } limit ? new Timer(_ => Watch(limit), null, 1000, 1000) : null;
        while ((duration is null || sw.Elapsed < duration) && (iterations is null || count < iterations))
        {
            var input = target.Inputs.Generate(pcg, null, out _);
            count++;
            var failure = CheckOne(target, input, out var elapsed, out var outcome);
            if (outcome is not null)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
            if (failure is null && elapsed > InputBudget)
            {
                failure = ("slow", $"took {elapsed.TotalMilliseconds:F0} ms (budget {InputBudget.TotalMilliseconds:F0} ms)");
            }
            if (failure is { } f)
            {
                Record(findings, target.Name, f.Signature, f.Message, input);
            }
        }
        _current = null;
        var scale = scaling ? target.Scaling.Select(s => Measure(target.Name, s)).ToList() : [];
        return new TargetReport(target.Name, count, sw.Elapsed, [.. findings.Values], scale, outcomes);
    }

    /// <summary>Runs one input; returns the failure's signature and message, or null when its properties held.</summary>
    public (string Signature, string Message)? CheckOne(FuzzTarget target, byte[] input, out TimeSpan elapsed, out string? outcome)
    {
        outcome = null;
        Volatile.Write(ref _currentStarted, Stopwatch.GetTimestamp());
        Volatile.Write(ref _current, input);
        var start = Stopwatch.GetTimestamp();
        try
        {
            outcome = target.Check(input);
            return null;
        }
        catch (PropertyException ex)
        {
            // Digits are input-specific (sizes, offsets, counts); without them one bug is one finding.
            return ("property: " + System.Text.RegularExpressions.Regex.Replace(FirstLine(ex.Message), "[0-9]+", "#"), ex.Message);
        }
        catch (Exception ex)
        {
            // Type and throwing frame tell bugs apart; the message often carries input-specific positions.
            var frame = new StackTrace(ex).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("Yunzhong", StringComparison.Ordinal) == true);
            return ($"{ex.GetType().Name} at {frame?.DeclaringType?.Name}.{frame?.Name}", ex.ToString());
        }
        finally
        {
            elapsed = Stopwatch.GetElapsedTime(start);
            Volatile.Write(ref _current, null);
        }
    }

    private void Record(Dictionary<string, Finding> findings, string target, string signature, string message, byte[] input)
    {
        if (findings.TryGetValue(signature, out var known))
        {
            // Keep the smallest input that shows it: the one worth turning into a test.
            findings[signature] = input.Length < known.Input.Length
                ? known with { Input = input, Message = message, Count = known.Count + 1, File = Write(target, signature, input) ?? known.File }
                : known with { Count = known.Count + 1 };
            return;
        }
        var file = Write(target, signature, input);
        findings[signature] = new Finding(signature, message, input, 1, file);
        log.WriteLine($"  [{target}] new failure: {signature}{(file is null ? "" : $" -> {file}")}");
    }

    private string? Write(string target, string signature, byte[] input)
    {
        if (reproducerDir is null)
        {
            return null;
        }
        var dir = Path.Combine(reproducerDir, target);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{Slug(signature)}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    private void Watch(TimeSpan limit)
    {
        var input = Volatile.Read(ref _current);
        if (input is null || Stopwatch.GetElapsedTime(Volatile.Read(ref _currentStarted)) < limit)
        {
            return;
        }
        var file = Write(_currentTarget, "hang", input);
        log.WriteLine($"  [{_currentTarget}] HANG: one input ran past {limit.TotalSeconds:F0} s; written to {file}. Stopping.");
        log.Flush();
        Environment.Exit(3);
    }

    /// <summary>Times the shape at n, 2n, 4n, 8n: the best of a few runs each, and the bytes it allocated.</summary>
    public static ScaleResult Measure(string target, ScalingShape shape)
    {
        var points = new List<ScalePoint>();
        foreach (var factor in new[] { 1, 2, 4, 8 })
        {
            var n = shape.BaseN * factor;
            var input = shape.Make(n);
            shape.Run(input); // warm-up: JIT and pools
            var best = double.MaxValue;
            long allocated = long.MaxValue;
            var runs = 0;
            var spent = Stopwatch.StartNew();
            while (runs < 5 || (runs < 30 && spent.ElapsedMilliseconds < 500))
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var t = Stopwatch.GetTimestamp();
                shape.Run(input);
                best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
                runs++;
            }
            points.Add(new ScalePoint(n, input.Length, best, allocated));
        }
        return new ScaleResult(target, shape.Name, points, shape.Known);
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static string Slug(string s)
    {
        var chars = s.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)))[..8];
        return (slug.Length > 60 ? slug[..60] : slug) + "-" + hash;
    }

    /// <summary>FNV-1a: string.GetHashCode differs per process, and the PCG stream must not.</summary>
    public static ulong StableHash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}
