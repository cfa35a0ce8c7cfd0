using System.Diagnostics;
using System.Globalization;
using System.Text;
using Yunzhong.Core.Quality;

namespace Yunzhong.Cli.Commands;

/// `yz bench-truth`: accuracy and time of every truth-inference method on the benchmark data sets,
/// DS timing on synthetic answers, and the dynamic-overlap replay.
internal static class TruthBenchCommand
{
    private static readonly string[] _sets = ["duck", "dog", "face"];

    public static Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var synthetic = args.GetInt("synthetic", 0);
        if (synthetic > 0)
        {
            Synthetic(synthetic, args.GetInt("repeat", 3));
            return Task.FromResult(0);
        }
        var dir = args.Get("data") ?? DefaultDataDirectory();
        var sets = _sets
            .Where(n => Directory.Exists(Path.Combine(dir, n)))
            .Select(n => (Name: n, Data: Load(Path.Combine(dir, n))))
            .ToList();
        if (args.Flag("shapes"))
        {
            TruthShapes.Run(sets.Select(s => (s.Name, s.Data.Data, s.Data.Truth)), ct);
            return Task.FromResult(0);
        }
        if (sets.Count == 0) throw new CliException($"no data sets (duck/, dog/, face/) under '{dir}'; pass --data DIR");
        if (args.Flag("dynamic"))
        {
            Dynamic(sets, args.GetInt("min", 3), args.GetInt("max", 1000), ct);
            return Task.FromResult(0);
        }
        var methods = args.Get("methods") is { } m
            ? m.Split(',').Select(ParseMethod).ToArray()
            : Enum.GetValues<TruthMethod>();
        var repeat = args.GetInt("repeat", 3);

        var sb = new StringBuilder();
        sb.Append("| method |");
        foreach (var s in sets) sb.Append(CultureInfo.InvariantCulture, $" {s.Name} acc | {s.Name} ms |");
        sb.Append('\n').Append("|---|");
        foreach (var _ in sets) sb.Append("---|---|");
        Console.WriteLine(sb.ToString());
        foreach (var method in methods)
        {
            ct.ThrowIfCancellationRequested();
            sb.Clear().Append(CultureInfo.InvariantCulture, $"| {TruthInference.NameOf(method)} |");
            foreach (var (_, (data, truth)) in sets)
            {
                var best = double.MaxValue;
                TruthResult? result = null;
                for (var r = 0; r < Math.Max(1, repeat); r++)
                {
                    var sw = Stopwatch.StartNew();
                    result = TruthInference.Infer(data, method);
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }
                sb.Append(CultureInfo.InvariantCulture, $" {result!.Accuracy(truth):0.0000} | {best:0.0} |");
            }
            Console.WriteLine(sb.ToString());
        }
        return Task.FromResult(0);
    }

    private static TruthMethod ParseMethod(string name) =>
        TruthInference.TryParseMethod(name.Trim(), out var m) ? m : throw new CliException($"unknown method '{name}'");

    private static (AnswerSet Data, Dictionary<string, string> Truth) Load(string dir)
    {
        using var answers = new StreamReader(Path.Combine(dir, "answers.csv"), Encoding.UTF8, true);
        using var truths = new StreamReader(Path.Combine(dir, "truth.csv"), Encoding.UTF8, true);
        return (AnswerSet.Create(AnswerCsv.ReadAnswers(answers)), AnswerCsv.ReadTruths(truths));
    }

    private static string DefaultDataDirectory()
    {
        // The data lives beside the repository: <repo>/../shared/data/truth-inference.
        var d = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "global.json"))) d = d.Parent;
        var root = d?.FullName ?? Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "truth-inference"));
    }

    private static void Synthetic(int n, int repeat)
    {
        const int perQuestion = 10, classes = 4, workers = 1000;
        var questions = Math.Max(1, n / perQuestion);
        var rng = new Random(42);
        var accuracy = new double[workers];
        for (var w = 0; w < workers; w++) accuracy[w] = 0.35 + 0.6 * rng.NextDouble();
        var truth = new int[questions];
        var rows = new List<(string, string, string)>(questions * perQuestion);
        for (var q = 0; q < questions; q++)
        {
            truth[q] = rng.Next(classes);
            for (var j = 0; j < perQuestion; j++)
            {
                var w = rng.Next(workers);
                var label = rng.NextDouble() < accuracy[w] ? truth[q] : (truth[q] + 1 + rng.Next(classes - 1)) % classes;
                rows.Add((q.ToString(CultureInfo.InvariantCulture), w.ToString(CultureInfo.InvariantCulture), label.ToString(CultureInfo.InvariantCulture)));
            }
        }
        var sw = Stopwatch.StartNew();
        var data = AnswerSet.Create(rows);
        var build = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"{rows.Count:N0} answers, {questions:N0} questions, {workers:N0} workers, {classes} classes; interning {build:0} ms");
        foreach (var method in new[] { TruthMethod.DawidSkene, TruthMethod.Auto, TruthMethod.BayesianDawidSkene, TruthMethod.MajorityVote })
        {
            var best = double.MaxValue;
            TruthResult? r = null;
            for (var i = 0; i < Math.Max(1, repeat); i++)
            {
                sw.Restart();
                r = TruthInference.Infer(data, method);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }
            var right = 0;
            for (var q = 0; q < questions; q++)
            {
                if (data.Labels[r!.Truth[q]] == truth[int.Parse(data.Questions[q], CultureInfo.InvariantCulture)].ToString(CultureInfo.InvariantCulture)) right++;
            }
            Console.WriteLine($"{TruthInference.NameOf(method)}: {best:0} ms (best of {repeat}), {r!.Iterations} iterations, accuracy {(double)right / questions:0.0000}");
        }

        // What auto costs when there is gold to choose by: every 100th question's truth as gold.
        var withGold = AnswerSet.Create(rows, Enumerable.Range(0, questions).Where(q => q % 100 == 0)
            .Select(q => new KeyValuePair<string, string>(q.ToString(CultureInfo.InvariantCulture), truth[q].ToString(CultureInfo.InvariantCulture))));
        sw.Restart();
        var choice = TruthInference.Choose(withGold);
        var chooseMs = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"auto with {choice.GoldQuestions:N0} gold questions: choice {chooseMs:0} ms ({choice.Fits} fits), chose {TruthInference.NameOf(choice.Method)} ({choice.Evidence}; hidden gold right: "
            + string.Join(", ", choice.Candidates.Select(c => $"{TruthInference.NameOf(c.Method)} {c.GoldCorrect}")) + ")");
    }

    // Replays each set's answers per question in a seeded random order: every task starts with
    // `min` answers, skills are re-estimated by the default method on the answers used so far, and
    // tasks the overlap rule still doubts get one more answer per round.
    private static void Dynamic(List<(string Name, (AnswerSet Data, Dictionary<string, string> Truth) Set)> sets, int min, int max, CancellationToken ct)
    {
        Console.WriteLine($"dynamic overlap replay (seed 7, min {min}, max {max}, default method {TruthInference.NameOf(TruthInference.DefaultMethod)})");
        Console.WriteLine("| data | target | answers used | of all | share | accuracy | full-data accuracy |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, (data, truth)) in sets)
        {
            var full = TruthInference.Infer(data).Accuracy(truth);
            foreach (var target in new[] { 0.9, 0.95, 0.99, 0.999 })
            {
                ct.ThrowIfCancellationRequested();
                var rng = new Random(7);
                var queues = new List<CategoricalAnswer>[data.QuestionCount];
                var used = new int[data.QuestionCount];
                for (var q = 0; q < data.QuestionCount; q++)
                {
                    queues[q] = data.Answers[data.QuestionStart[q]..data.QuestionStart[q + 1]].ToList();
                    var arr = queues[q].ToArray();
                    rng.Shuffle(arr);
                    queues[q] = [.. arr];
                    used[q] = Math.Min(min, arr.Length);
                }
                var policy = new OverlapPolicy(min, max, target);
                TruthResult result;
                while (true)
                {
                    var subset = data.Subset(Enumerable.Range(0, data.QuestionCount).SelectMany(q => queues[q].Take(used[q])));
                    result = TruthInference.Infer(subset);
                    var skills = DynamicOverlap.ShrunkSkills(result);
                    var grew = false;
                    for (var q = 0; q < data.QuestionCount; q++)
                    {
                        if (used[q] >= queues[q].Count) continue;
                        var given = queues[q].Take(used[q]).Select(a => (data.Workers[a.Worker], data.Labels[a.Label])).ToList();
                        if (DynamicOverlap.Decide(given, skills, policy, data.LabelCount).NeedsMore)
                        {
                            used[q]++;
                            grew = true;
                        }
                    }
                    if (!grew) break;
                }
                var total = used.Sum();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {target} | {total:N0} | {data.Answers.Length:N0} | {(double)total / data.Answers.Length:P0} | {result.Accuracy(truth):0.0000} | {full:0.0000} |"));
            }
        }
    }
}
