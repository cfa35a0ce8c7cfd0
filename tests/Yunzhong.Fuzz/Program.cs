using System.Globalization;

namespace Yunzhong.Fuzz;

/// <summary>
/// <c>scripts/fuzz.sh</c>: runs every target (or one) for a set time and prints, per target, the
/// inputs run, the failures with their reproducer files, and the scaling check.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: fuzz [--seconds N] [--target NAME] [--seed S] [--out DIR] [--no-scaling]
               fuzz --target NAME --replay FILE
          --seconds N   time per target (default 60)
          --target NAME one target (default: all)
          --seed S      a number; the same seed draws the same inputs (default: from the clock, printed)
          --out DIR     where reproducers go (default artifacts/fuzz)
          --replay FILE run one input file through the target's checks and print what happened
        """;

    public static int Main(string[] args)
    {
        var seconds = 60.0;
        string? target = null, replay = null, outDir = null;
        ulong? seed = null;
        var scaling = true;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--target": target = Next(); break;
                case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": outDir = Next(); break;
                case "--replay": replay = Next(); break;
                case "--no-scaling": scaling = false; break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var targets = target is null ? Targets.All : [Targets.Find(target)];
        if (replay is not null)
        {
            if (target is null)
            {
                Console.Error.WriteLine("--replay needs --target");
                return 2;
            }
            var failure = new Fuzzer(null, Console.Out).CheckOne(targets[0], File.ReadAllBytes(replay), out var elapsed, out var outcome);
            Console.WriteLine(failure is { } f ? $"FAIL ({elapsed.TotalMilliseconds:F1} ms): {f.Message}" : $"ok: {outcome} ({elapsed.TotalMilliseconds:F1} ms)");
            return failure is null ? 0 : 1;
        }

        var s = seed ?? (ulong)DateTime.UtcNow.Ticks;
        outDir ??= Path.Combine(FindRepoRoot(), "artifacts", "fuzz");
        Console.WriteLine($"fuzz: {targets.Count} target(s), {seconds:F0} s each, seed {s}, reproducers under {outDir}");
        var fuzzer = new Fuzzer(outDir, Console.Out);
        var reports = new List<TargetReport>();
        foreach (var t in targets)
        {
            Console.WriteLine($"[{t.Name}] {t.Description}");
            var report = fuzzer.Run(t, s, TimeSpan.FromSeconds(seconds), null, scaling);
            reports.Add(report);
            Print(report);
        }

        var failed = reports.Sum(r => r.Findings.Count);
        var superLinear = reports.SelectMany(r => r.Scaling).Where(x => x.SuperLinear).ToList();
        Console.WriteLine();
        Console.WriteLine($"fuzz: {reports.Sum(r => r.Inputs):N0} inputs, {failed} distinct failure(s), {superLinear.Count(x => x.Known is null)} super-linear shape(s) ({superLinear.Count(x => x.Known is not null)} known), seed {s}");
        return failed > 0 || superLinear.Any(x => x.Known is null) ? 1 : 0;
    }

    private static void Print(TargetReport r)
    {
        Console.WriteLine($"  inputs: {r.Inputs:N0} in {r.Elapsed.TotalSeconds:F0} s ({r.Inputs / Math.Max(r.Elapsed.TotalSeconds, 0.001):N0}/s); failures: {r.Findings.Count}");
        if (r.Inputs > 0)
        {
            Console.WriteLine("  outcomes: " + string.Join(", ", r.Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {100.0 * o.Value / r.Inputs:F1}%")));
        }
        foreach (var f in r.Findings)
        {
            Console.WriteLine($"  FAIL ×{f.Count} {f.Signature}");
            Console.WriteLine($"       {f.Message.Split('\n')[0]}");
            Console.WriteLine($"       reproducer ({f.Input.Length} bytes): {f.File}");
        }
        foreach (var x in r.Scaling)
        {
            var verdict = x.SuperLinear ? x.Known is null ? "SUPER-LINEAR" : "super-linear (known: " + x.Known + ")" : "linear";
            var times = string.Join(" ", x.Points.Select(p => $"{p.Milliseconds:F2}"));
            var allocs = string.Join(" ", x.Points.Select(p => $"{p.Allocated / 1024.0:F0}"));
            Console.WriteLine($"  scaling '{x.Shape}' n={x.Points[0].N}..{x.Points[^1].N} ({x.Points[0].Bytes:N0}..{x.Points[^1].Bytes:N0} B): ms {times} (exp {x.TimeExponent:F2}); KiB {allocs} (exp {x.AllocExponent:F2}): {verdict}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Yunzhong.slnx")))
            {
                return d.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
