using System.Text.Json;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Quality;

/// <summary>
/// The agreement accumulators (which the server feeds) measure agreement from running sums, task by
/// task; the core library computes it from the whole reliability matrix. On the same random data both must give the same numbers.
/// </summary>
public sealed class AgreementAccumulatorTests
{
    private static readonly ControlDef _choices = new()
    {
        Name = "c", Type = ControlType.Choices, Labels = [new LabelDef("a"), new LabelDef("b"), new LabelDef("c")],
    };

    private static readonly ControlDef _rating = new() { Name = "r", Type = ControlType.Rating, Max = 5 };

    private static JsonElement Result(string control, object? value) =>
        JsonSerializer.SerializeToElement(value is null ? new Dictionary<string, object>() : new Dictionary<string, object> { [control] = value });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NominalSumsAgreeWithTheCoreMatrixFormulas(int seed)
    {
        var random = new Random(seed);
        var units = new List<IReadOnlyList<string?>>();
        var accumulator = AgreementAccumulator.ForSchema(LabelSchemaWith(_choices)).Single();
        for (var u = 0; u < 60; u++)
        {
            // 0–5 annotators per task, some of whom leave the control out.
            var unit = Enumerable.Range(0, random.Next(0, 6))
                .Select(_ => random.Next(5) == 0 ? null : "abc"[random.Next(random.Next(1, 4))].ToString())
                .ToList();
            units.Add(unit);
            accumulator.AddTask(unit.Select(v => Result("c", v is null ? null : new[] { v })).ToList());
        }
        var metrics = accumulator.Result().Metrics;
        Assert.Equal(Agreement.PercentAgreement(units)!.Value, metrics["percentAgreement"]!.Value, 1e-12);
        Assert.Equal(Agreement.FleissKappa(units)!.Value, metrics["fleissKappa"]!.Value, 1e-12);
        Assert.Equal(Agreement.KrippendorffAlpha(units)!.Value, metrics["krippendorffAlpha"]!.Value, 1e-12);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void IntervalSumsAgreeWithTheCoreCoincidenceMatrix(int seed)
    {
        var random = new Random(seed);
        var units = new List<IReadOnlyList<double?>>();
        var accumulator = AgreementAccumulator.ForSchema(LabelSchemaWith(_rating)).Single();
        for (var u = 0; u < 60; u++)
        {
            var unit = Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(6) == 0 ? null : (double?)random.Next(1, 6)).ToList();
            units.Add(unit);
            accumulator.AddTask(unit.Select(v => Result("r", v is null ? null : (int)v.Value)).ToList());
        }
        Assert.Equal(Agreement.KrippendorffAlpha(units, AlphaLevel.Interval)!.Value, accumulator.Result().Metrics["krippendorffAlpha"]!.Value, 1e-9);
    }

    [Fact]
    public void EveryoneGivingTheSameLabelLeavesKappaAndAlphaUndefined()
    {
        var accumulator = AgreementAccumulator.ForSchema(LabelSchemaWith(_choices)).Single();
        accumulator.AddTask([Result("c", new[] { "a" }), Result("c", new[] { "a" })]);
        accumulator.AddTask([Result("c", new[] { "a" }), Result("c", new[] { "a" }), Result("c", new[] { "a" })]);
        var metrics = accumulator.Result().Metrics;
        Assert.Equal(1.0, metrics["percentAgreement"]);
        Assert.Null(metrics["fleissKappa"]);
        Assert.Null(metrics["krippendorffAlpha"]);
    }

    [Fact]
    public void MultiChoiceAnswersAgreeOnlyWhenTheSetsAreEqualWhateverTheOrder()
    {
        var multi = new ControlDef
        {
            Name = "m", Type = ControlType.Choices, Multiple = true, Labels = [new LabelDef("x"), new LabelDef("y"), new LabelDef("z")],
        };
        var accumulator = AgreementAccumulator.ForSchema(LabelSchemaWith(multi)).Single();
        accumulator.AddTask([Result("m", new[] { "x", "y" }), Result("m", new[] { "y", "x" })]);
        accumulator.AddTask([Result("m", new[] { "x", "y" }), Result("m", new[] { "x" })]);
        Assert.Equal(0.5, accumulator.Result().Metrics["percentAgreement"]);
    }

    [Fact]
    public void SegmentsMatchByOverlapInTime()
    {
        var segments = new ControlDef { Name = "g", Type = ControlType.Segments, Field = "audio", Labels = [new LabelDef("speech")] };
        var schema = LabelSchema.Create([new FieldDef("audio", FieldType.Audio)], [segments]).Schema!;
        var accumulator = AgreementAccumulator.ForSchema(schema).Single();
        // 0.5–3.0 s overlaps 2.9–4.0 s by 100 ms: a match. 10–11 s has no partner: P = 1/1, R = 1/2 → F1 = 2/3.
        accumulator.AddTask(
        [
            Result("g", new object[] { new { id = "a", start = 0.5, end = 3.0, label = "speech" }, new { id = "b", start = 10.0, end = 11.0, label = "speech" } }),
            Result("g", new object[] { new { id = "c", start = 2.9, end = 4.0, label = "speech" } }),
        ]);
        Assert.Equal(2.0 / 3, accumulator.Result().Metrics["f1Overlap"]!.Value, 1e-12);
    }

    [Fact]
    public void RankingAgreementIsKendallTauOfTheOrders()
    {
        var ranking = new ControlDef { Name = "k", Type = ControlType.Ranking, Field = "items", Mode = RankingMode.Rank };
        var schema = LabelSchema.Create([new FieldDef("items", FieldType.List)], [ranking]).Schema!;
        var accumulator = AgreementAccumulator.ForSchema(schema).Single();
        // a b c vs b a c: pairs (a,b) discordant, (a,c) and (b,c) concordant → (2 − 1)/3 = 1/3.
        accumulator.AddTask([Result("k", new { order = new[] { "a", "b", "c" } }), Result("k", new { order = new[] { "b", "a", "c" } })]);
        Assert.Equal(1.0 / 3, accumulator.Result().Metrics["kendallTau"]!.Value, 1e-12);
    }

    private static LabelSchema LabelSchemaWith(ControlDef control) =>
        LabelSchema.Create([new FieldDef("text", FieldType.Text)], [control]).Schema
        ?? throw new InvalidOperationException("test schema invalid");
}
