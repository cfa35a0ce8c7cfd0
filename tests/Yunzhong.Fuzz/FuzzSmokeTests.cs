namespace Yunzhong.Fuzz;

/// <summary>
/// The fuzz harnesses inside the normal suite: a fixed seed and a fixed number of inputs per target
/// (a few seconds in all), so CI exercises every harness and replays the same inputs each run.
/// Long runs and the scaling report are <c>scripts/fuzz.sh</c>'s.
/// </summary>
public class FuzzSmokeTests
{
    public static TheoryData<string> TargetNames => [.. Targets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void FixedSeedInputsKeepEveryProperty(string name)
    {
        var target = Targets.Find(name);
        var log = new StringWriter();
        var report = new Fuzzer(null, log) { HangLimit = null }.Run(target, seed: 20261204, duration: null, iterations: 1000, scaling: false);

        Assert.Equal(1000, report.Inputs);
        Assert.True(report.Findings.Count == 0, string.Join("\n\n", report.Findings.Select(f =>
            $"{f.Signature} ×{f.Count}\n{f.Message}\ninput ({f.Input.Length} bytes, base64): {Convert.ToBase64String(f.Input)}")));
    }

    [Fact]
    public void EveryTargetHasASeedCorpus()
    {
        foreach (var t in Targets.All)
        {
            Assert.NotEmpty(Corpus.Load(t.Name));
        }
    }
}
