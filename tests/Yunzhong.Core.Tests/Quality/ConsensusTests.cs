using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class ConsensusTests
{
    [Fact]
    public void SpansMergeByOverlapVoteLabelAndDropMinorityRegions()
    {
        // A (0,5) and B (0,4): IoU .8 → one cluster, centre (0,4). C (1,5) vs (0,4): 3/5 → joins.
        // Starts 0,0,1 → 0; ends 4,5,5 → 5; labels PER, PER, ORG → PER with 2/3.
        // B's (10,12) is drawn by one annotator of three and is dropped.
        var result = Consensus.Spans(
        [
            [new Span(0, 5, "PER")],
            [new Span(0, 4, "PER"), new Span(10, 12, "LOC")],
            [new Span(1, 5, "ORG")],
        ]);
        var only = Assert.Single(result);
        Assert.Equal(new Span(0, 5, "PER"), only.Region);
        Assert.Equal(3, only.Support);
        Assert.Equal(2.0 / 3, only.LabelAgreement, 10);
    }

    [Fact]
    public void BoxesTakeMedianEdges()
    {
        // Left 0,1,0 → 0; top 0,1,1 → 1; right 10,11,9 → 10; bottom 10,11,11 → 11.
        var result = Consensus.Boxes(
        [
            [new Box(0, 0, 10, 10, "car")],
            [new Box(1, 1, 10, 10, "car"), new Box(100, 100, 5, 5, "car")],
            [new Box(0, 1, 9, 10, "truck")],
        ]);
        var only = Assert.Single(result);
        Assert.Equal(new Box(0, 1, 10, 10, "car"), only.Region);
    }

    [Fact]
    public void LabelTieGoesToSmallestLabelAndEmptyAnnotatorsCount()
    {
        // Two of four annotators is not a majority; with three of four it is.
        var twoOfFour = Consensus.Spans([[new Span(0, 2, "b")], [new Span(0, 2, "a")], [], []]);
        Assert.Empty(twoOfFour);
        var tie = Consensus.Spans([[new Span(0, 2, "b")], [new Span(0, 2, "a")], []]);
        Assert.Equal("a", Assert.Single(tie).Region.Label);
        Assert.Empty(Consensus.Boxes([]));
    }
}
