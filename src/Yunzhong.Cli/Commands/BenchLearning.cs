using System.Text.Json;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Yunzhong.Core.Learning;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench-learning`: the active-learning curve on a labelled text set, by default the demo's 60
/// spam/ham emails (SpamAssassin, CC0/PDDL; demo/LICENSES.md), labelled by their keys. Accuracy on a
/// held-out set against labels used, most-uncertain order against random order, as a Markdown table
/// and an SVG plot.
/// </summary>
internal static class BenchLearning
{
    public static Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var data = args.Get("data") ?? Path.Combine(Yunzhong.Server.ServerOptions.FindRepoFolder("demo") ?? "demo", "emails", "tasks.jsonl");
        var repeats = args.GetInt("repeats", 10);
        var step = args.GetInt("step", 2);
        var testPerLabel = args.GetInt("test", 10);
        var measure = Enum.Parse<UncertaintyMeasure>((args.Get("measure") ?? "least_confidence").Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
        var texts = Read(data);
        Console.WriteLine($"{texts.Count} texts from {data}: {string.Join(", ", texts.GroupBy(t => t.Label).Select(g => $"{g.Count()} {g.Key}"))}; " +
            $"{testPerLabel} per label held out, {step} labels a step, {repeats} repeats, {measure}, one training thread");
        var watch = Stopwatch.StartNew();
        var random = LearningCurve.Run(texts, Selection.Random, measure, testPerLabel, step, repeats);
        var uncertain = LearningCurve.Run(texts, Selection.MostUncertain, measure, testPerLabel, step, repeats);
        ct.ThrowIfCancellationRequested();
        Console.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine();
        Console.WriteLine("| labels | random order | most uncertain first |");
        Console.WriteLine("|---:|---:|---:|");
        foreach (var (r, u) in random.Zip(uncertain))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Labels} | {r.Accuracy:P1} ({r.Low:P0}–{r.High:P0}) | {u.Accuracy:P1} ({u.Low:P0}–{u.High:P0}) |"));
        }
        if (args.Get("svg") is { } svg)
        {
            File.WriteAllText(svg, Svg(random, uncertain, $"{texts.Count} emails, {testPerLabel * 2} held out, mean of {repeats}"));
            Console.WriteLine($"plot: {svg}");
        }
        return Task.FromResult(0);
    }

    /// <summary>The demo's task lines: the key says the label (spam-…, easy-ham-…, hard-ham-…).</summary>
    private static List<LabelledText> Read(string path) => File.ReadLines(path).Where(l => l.Length > 0).Select(line =>
    {
        using var doc = JsonDocument.Parse(line);
        var key = doc.RootElement.GetProperty("key").GetString()!;
        return new LabelledText(doc.RootElement.GetProperty("data").GetProperty("text").GetString()!, key.StartsWith("spam", StringComparison.Ordinal) ? "spam" : "ham");
    }).ToList();

    private static string Svg(IReadOnlyList<CurvePoint> random, IReadOnlyList<CurvePoint> uncertain, string caption)
    {
        const int W = 640, H = 380, L = 60, R = 20, T = 40, B = 50;
        var maxLabels = random.Max(p => p.Labels);
        double X(int labels) => L + ((W - L - R) * (double)labels / maxLabels);
        double Y(double accuracy) => T + ((H - T - B) * (1 - Math.Clamp((accuracy - 0.4) / 0.6, 0, 1)));
        string Line(IReadOnlyList<CurvePoint> points) => string.Join(" ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Labels):F1},{Y(p.Accuracy):F1}")));
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">""").AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"""<rect width="{W}" height="{H}" fill="white"/><text x="{L}" y="22" font-size="14">Accuracy against labels used — {caption}</text>""").AppendLine();
        foreach (var a in new[] { 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 })
        {
            s.Append(CultureInfo.InvariantCulture, $"""<line x1="{L}" x2="{W - R}" y1="{Y(a):F1}" y2="{Y(a):F1}" stroke="#ddd"/><text x="{L - 8}" y="{Y(a) + 4:F1}" text-anchor="end">{a:P0}</text>""").AppendLine();
        }
        for (var n = 0; n <= maxLabels; n += 10)
        {
            s.Append(CultureInfo.InvariantCulture, $"""<text x="{X(n):F1}" y="{H - B + 18}" text-anchor="middle">{n}</text>""").AppendLine();
        }
        s.Append(CultureInfo.InvariantCulture, $"""<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">labelled emails</text>""").AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="#999" stroke-width="2" stroke-dasharray="6 4" points="{Line(random)}"/>""").AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="#d9480f" stroke-width="2.5" points="{Line(uncertain)}"/>""").AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"""<line x1="{W - 220}" x2="{W - 190}" y1="{H - B - 40}" y2="{H - B - 40}" stroke="#d9480f" stroke-width="2.5"/><text x="{W - 184}" y="{H - B - 36}">most uncertain first</text>""").AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"""<line x1="{W - 220}" x2="{W - 190}" y1="{H - B - 20}" y2="{H - B - 20}" stroke="#999" stroke-width="2" stroke-dasharray="6 4"/><text x="{W - 184}" y="{H - B - 16}">random order</text>""").AppendLine();
        s.AppendLine("</svg>");
        return s.ToString();
    }
}
