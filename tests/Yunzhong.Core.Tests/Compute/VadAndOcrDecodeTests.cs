using Yunzhong.Core.Compute;

namespace Yunzhong.Core.Tests.Compute;

public class VadAndOcrDecodeTests
{
    private const double Frame = 0.032;

    private static float[] Frames(params (int Count, float P)[] runs) => [.. runs.SelectMany(r => Enumerable.Repeat(r.P, r.Count))];

    [Fact]
    public void SpeechBetweenSilencesBecomesOnePaddedSegment()
    {
        var p = Frames((10, 0.05f), (20, 0.9f), (10, 0.05f));
        var s = Assert.Single(VadSegments.From(p, Frame, 40 * Frame));
        Assert.Equal(10 * Frame - 0.03, s.Start, 3);
        Assert.Equal(30 * Frame + 0.03, s.End, 3);
        Assert.Equal(0.9, s.Score, 3);
    }

    [Fact]
    public void AShortDipDoesNotSplitAndAShortBurstIsDropped()
    {
        // 2 frames (64 ms) below the negative threshold: shorter than the 100 ms minimum silence.
        var p = Frames((20, 0.9f), (2, 0.05f), (20, 0.9f), (20, 0.05f), (5, 0.9f), (20, 0.05f));
        var s = Assert.Single(VadSegments.From(p, Frame, p.Length * Frame));
        Assert.Equal(0, s.Start);
        Assert.Equal(42 * Frame + 0.03, s.End, 3);
    }

    [Fact]
    public void SpeechToTheEndIsClippedToTheDuration()
    {
        var p = Frames((5, 0.05f), (30, 0.8f));
        var s = Assert.Single(VadSegments.From(p, Frame, 35 * Frame));
        Assert.Equal(35 * Frame, s.End, 3);
        Assert.Empty(VadSegments.From(Frames((50, 0.2f)), Frame, 50 * Frame));
    }

    [Fact]
    public void ConnectedRegionsBecomeUnclippedBoxesInReadingOrder()
    {
        const int W = 40, H = 20;
        var map = new float[W * H];
        void Fill(int x0, int y0, int w, int h, float p)
        {
            for (var y = y0; y < y0 + h; y++)
            {
                for (var x = x0; x < x0 + w; x++)
                {
                    map[y * W + x] = p;
                }
            }
        }
        Fill(22, 2, 10, 4, 0.9f);   // right of the first line
        Fill(2, 3, 10, 4, 0.8f);    // left of the first line
        Fill(2, 12, 20, 4, 0.95f);  // second line
        Fill(30, 14, 5, 5, 0.4f);   // faint: below the box threshold
        var boxes = OcrDecode.Boxes(map, W, H, 2, 2, 80, 40);
        Assert.Equal(3, boxes.Count);
        // Left box of line one: 10 × 4 grows by 10·4·1.5/28 ≈ 2.14 px a side, then doubles.
        Assert.Equal(new TextBox(0, 2, 28, 17, 0.8), boxes[0]);
        Assert.Equal(40, boxes[1].X);
        Assert.True(boxes[2].Y > boxes[0].Y);
    }

    [Fact]
    public void CtcCollapsesRepeatsAndDropsBlanks()
    {
        string[] alphabet = ["a", "b", "云"];
        // steps: a a blank a b 云 云
        int[] best = [1, 1, 0, 1, 2, 3, 3];
        var probs = new float[best.Length * 4];
        for (var t = 0; t < best.Length; t++)
        {
            for (var c = 0; c < 4; c++)
            {
                probs[t * 4 + c] = c == best[t] ? 0.9f : 0.03f;
            }
        }
        var (text, score) = OcrDecode.Ctc(probs, best.Length, 4, alphabet);
        Assert.Equal("aab云", text);
        Assert.Equal(0.9, score, 3);
    }
}
