using System.Diagnostics;

namespace Yunzhong.Server.Tests.Quality;

/// <summary>
/// <c>yz aggregate</c> run as users run it: the built yz.dll in a child process, so exit codes and
/// messages are the real ones.
/// </summary>
public sealed class AggregateCommandTests : IDisposable
{
    private const string Answers = """
        question,worker,answer
        q1,w1,a
        q1,w2,a
        q1,w3,b
        q2,w1,b
        q2,w2,b
        q2,w3,b
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"yz-aggregate-{Guid.NewGuid():N}");

    public AggregateCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> YzAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "yz.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task MajorityVoteWritesOneTruthPerQuestionWithItsVoteShare()
    {
        var output = Path.Combine(_dir, "truths.csv");
        var (code, _, stderr) = await YzAsync("aggregate", "--method", "mv", "--input", File("answers.csv", Answers), "--output", output);
        Assert.True(code == 0, stderr);
        // q1: a, a, b → a with 2/3; q2: b three times → b with 1.
        Assert.Equal("question,truth,confidence\nq1,a,0.666667\nq2,b,1\n", await System.IO.File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task GoldAnswersOverrideTheVote()
    {
        var output = Path.Combine(_dir, "truths.csv");
        var gold = File("gold.csv", "question,truth\nq1,b");
        var (code, _, stderr) = await YzAsync("aggregate", "--method", "mv", "--input", File("answers.csv", Answers), "--output", output, "--gold", gold);
        Assert.True(code == 0, stderr);
        Assert.Equal("question,truth,confidence\nq1,b,1\nq2,b,1\n", await System.IO.File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task BadRowExitsWithCodeTwoAndNamesItsLine()
    {
        var input = File("bad.csv", "question,worker,answer\nq1,w1,a\nq1,w2,a\nq1,w3\nq2,w1,b");
        var output = Path.Combine(_dir, "truths.csv");
        var (code, _, stderr) = await YzAsync("aggregate", "--method", "mv", "--input", input, "--output", output);
        Assert.Equal(2, code);
        Assert.Contains("line 4", stderr);
        Assert.False(System.IO.File.Exists(output));
    }

    [Fact]
    public async Task UnknownMethodExitsWithCodeTwo()
    {
        var (code, _, stderr) = await YzAsync("aggregate", "--method", "oracle", "--input", File("answers.csv", Answers), "--output", Path.Combine(_dir, "t.csv"));
        Assert.Equal(2, code);
        Assert.Contains("oracle", stderr);
    }

    [Theory]
    // Values 1, 2, 6: mean 3 (no answer within 5% of it → confidence 0); median 2 (one of three within 5% → 1/3).
    [InlineData("mean", "x,3,0")]
    [InlineData("median", "x,2,0.333333")]
    public async Task NumericAnswersAggregateAsNumbers(string method, string row)
    {
        var input = File("numbers.csv", "question,worker,answer\nx,w1,1\nx,w2,2\nx,w3,6");
        var output = Path.Combine(_dir, "truths.csv");
        var (code, _, stderr) = await YzAsync("aggregate", "--numeric", "--method", method, "--input", input, "--output", output);
        Assert.True(code == 0, stderr);
        Assert.Equal($"question,truth,confidence\n{row}\n", await System.IO.File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task NonNumericAnswerWithNumericExitsWithCodeTwoAndItsLine()
    {
        var input = File("numbers.csv", "question,worker,answer\nx,w1,1\nx,w2,two");
        var (code, _, stderr) = await YzAsync("aggregate", "--numeric", "--input", input, "--output", Path.Combine(_dir, "t.csv"));
        Assert.Equal(2, code);
        Assert.Contains("line 3", stderr);
    }
}
