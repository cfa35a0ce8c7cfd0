using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>The registry of control kinds.</summary>
public class ControlKindsTests
{
    [Fact]
    public void EveryControlTypeHasExactlyOneKind()
    {
        Assert.Equal(Enum.GetValues<ControlType>(), ControlKinds.All.Select(k => k.Type));
        foreach (var t in Enum.GetValues<ControlType>())
        {
            Assert.Equal(t, ControlKinds.Of(t).Type);
        }
    }

    [Fact]
    public void KindsAreFoundByTheirNativeName()
    {
        foreach (var k in ControlKinds.All)
        {
            Assert.Same(k, ControlKinds.Find(k.Name));
        }

        Assert.Null(ControlKinds.Find("Choices")); // names are case-sensitive, as the JSON reader is
        Assert.Null(ControlKinds.Find("brush"));
    }

    [Fact]
    public void EveryKindTakesRequiredAndNoUnknownKey()
    {
        foreach (var k in ControlKinds.All)
        {
            Assert.True(k.AllowsKey("required"), k.Name);
            Assert.False(k.AllowsKey("colour"), k.Name);
            Assert.Equal(k.TakesLabels, k.AllowsKey(k.LabelKey));
        }
    }

    [Theory]
    [InlineData(ControlType.Choices, true)]
    [InlineData(ControlType.Rating, true)]
    [InlineData(ControlType.Taxonomy, true)]
    [InlineData(ControlType.Spans, false)]
    [InlineData(ControlType.Ranking, false)]
    public void OnlyWholeTaskAnswersHaveACsvColumn(ControlType type, bool column)
    {
        Assert.Equal(column, ControlKinds.Of(type).HasCsvColumn);
    }

    [Theory]
    [InlineData(ControlType.Choices, ConsensusWay.TruthInference)]
    [InlineData(ControlType.Spans, ConsensusWay.PerTask)]
    [InlineData(ControlType.Rectangles, ConsensusWay.PerTask)]
    [InlineData(ControlType.Taxonomy, ConsensusWay.PerTask)]
    [InlineData(ControlType.Polygons, ConsensusWay.None)]
    [InlineData(ControlType.Rating, ConsensusWay.None)]
    public void ConsensusWayPerKind(ControlType type, ConsensusWay way)
    {
        Assert.Equal(way, ControlKinds.Of(type).Consensus);
    }

    [Theory]
    [InlineData(ControlType.Relations, false)]
    [InlineData(ControlType.Keypoints, false)]
    [InlineData(ControlType.Choices, true)]
    [InlineData(ControlType.Transcription, true)]
    [InlineData(ControlType.Taxonomy, true)]
    public void AgreementExistsWhereAMetricIsDefined(ControlType type, bool has)
    {
        var schema = Schema.SchemaFixtures.Doc();
        var control = schema.Controls.FirstOrDefault(c => c.Type == type)
            ?? Schema.SchemaFixtures.ParseOk("""{ "controls": [ { "name": "t", "type": "taxonomy", "options": ["a"] } ] }""").Controls[0];

        Assert.Equal(has, ControlKinds.Of(type).CreateAgreement(control) is not null);
    }
}
