using System.Diagnostics;
using System.Text;
using Yunzhong.Core.Quality;

namespace Yunzhong.Cli.Commands;

/// `yz aggregate`: truth inference on a `question,worker,answer` CSV file.
internal static class AggregateCommand
{
    public static Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var input = args.Require("input");
        var output = args.Require("output");
        var numeric = args.Flag("numeric");
        var methodName = args.Get("method") ?? (numeric ? NumericAggregation.DefaultMethod.ToString().ToLowerInvariant() : TruthInference.NameOf(TruthInference.DefaultMethod));
        var sw = Stopwatch.StartNew();
        List<(string Question, string Truth, double Confidence)> rows;
        string summary;
        if (numeric)
        {
            var method = methodName.ToLowerInvariant() switch
            {
                "mean" => NumericMethod.Mean,
                "median" => NumericMethod.Median,
                "weighted" => NumericMethod.WeightedMean,
                "auto" => NumericMethod.Auto,
                _ => throw new CliException($"unknown numeric method '{methodName}'; use mean, median, weighted or auto"),
            };
            if (args.Get("gold") is not null) throw new CliException("--gold is not supported with --numeric");
            var result = Read(input, r => NumericAggregation.Aggregate(AnswerCsv.ReadNumericAnswers(r), method));
            rows = result.Questions.Select((q, i) => (q, result.Truth[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture), result.Confidence[i])).ToList();
            summary = $"{result.Questions.Count} questions, {result.Workers.Count} workers; method {result.Method.ToString().ToLowerInvariant()}";
        }
        else
        {
            if (!TruthInference.TryParseMethod(methodName, out var method))
            {
                throw new CliException($"unknown method '{methodName}'; use one of {string.Join(", ", TruthInference.MethodNames)} (or mean, median, weighted, auto with --numeric)");
            }
            var gold = args.Get("gold") is { } goldPath ? Read(goldPath, AnswerCsv.ReadTruths) : null;
            var data = Read(input, r => AnswerSet.Create(AnswerCsv.ReadAnswers(r), gold));
            var readSeconds = sw.Elapsed.TotalSeconds;
            ct.ThrowIfCancellationRequested();
            var choice = method == TruthMethod.Auto ? TruthInference.Choose(data) : null;
            var result = TruthInference.Infer(data, choice?.Method ?? method);
            var inferSeconds = sw.Elapsed.TotalSeconds - readSeconds;
            rows = Enumerable.Range(0, data.QuestionCount).Select(q => (data.Questions[q], result.TruthLabel(q), result.Confidence[q])).ToList();
            summary = $"{data.QuestionCount} questions, {data.WorkerCount} workers, {data.LabelCount} labels, {data.Answers.Length} answers; read {readSeconds:0.00} s, inference {inferSeconds:0.00} s ({result.Iterations} iterations)"
                + (choice is null ? "" : $"; chose {TruthInference.NameOf(choice.Method)} ({Describe(choice)})");
        }
        try
        {
            using var writer = new StreamWriter(output, false, new UTF8Encoding(false));
            AnswerCsv.WriteTruths(writer, rows);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write '{output}': {e.Message}");
        }
        Console.Error.WriteLine($"{methodName}: {summary}; total {sw.Elapsed.TotalSeconds:0.00} s");
        return Task.FromResult(0);
    }

    private static string Describe(TruthChoice choice) => choice.Evidence switch
    {
        TruthEvidence.TooLittleGold => $"fewer than {TruthInference.AutoMinGold} gold questions",
        _ => $"{choice.GoldQuestions} gold questions hidden, right: "
            + string.Join(", ", choice.Candidates.Select(c => $"{TruthInference.NameOf(c.Method)} {c.GoldCorrect}"))
            + $"; {choice.Fits} extra fits",
    };

    private static T Read<T>(string path, Func<TextReader, T> read)
    {
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return read(reader);
        }
        catch (CsvFormatException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}
