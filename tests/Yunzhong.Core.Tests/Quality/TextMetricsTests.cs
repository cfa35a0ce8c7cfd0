using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class TextMetricsTests
{
    [Fact]
    public void ChineseCharacterErrorRateCountsSubstitutionAndDeletion()
    {
        // 气→汽 substituted, 很 deleted: 2 edits over 6 characters.
        Assert.Equal(2.0 / 6, TextMetrics.CharacterErrorRate("今天天气很好", "今天天汽好"), 10);
    }

    [Fact]
    public void CharacterErrorRateCountsCodePointsNotUtf16Units()
    {
        // U+20000 is one code point (two UTF-16 units): one deletion over 2 code points.
        Assert.Equal(0.5, TextMetrics.CharacterErrorRate("\U00020000a", "a"), 10);
        Assert.Equal(0.5, TextMetrics.CharacterErrorRate("a\U00020000", "a\U00020001"), 10);
    }

    [Fact]
    public void WordErrorRateSplitsOnWhitespace()
    {
        // sat→sit substituted, second "the" deleted: 2 of 6 words.
        Assert.Equal(2.0 / 6, TextMetrics.WordErrorRate("the cat sat on the mat", "the  cat sit on\tmat"), 10);
        Assert.Equal(0, TextMetrics.WordErrorRate("", " "));
        Assert.Equal(1, TextMetrics.WordErrorRate("", "x"));
    }

    [Fact]
    public void KendallTauBHandlesTies()
    {
        // One discordant pair of six: (5 − 1)/6.
        Assert.Equal(4.0 / 6, TextMetrics.KendallTauB([1, 2, 3, 4], [1, 3, 2, 4])!.Value, 10);
        // C = 4, D = 0, one pair tied in x only, one in y only: 4 / √(5·5).
        Assert.Equal(0.8, TextMetrics.KendallTauB([1, 1, 2, 3], [1, 2, 2, 3])!.Value, 10);
        Assert.Null(TextMetrics.KendallTauB([1, 1], [1, 2]));
    }

    [Fact]
    public void KendallTauOfReversedRankingIsMinusOne()
    {
        Assert.Equal(-1, TextMetrics.KendallTau(["a", "b", "c"], ["c", "b", "a"])!.Value, 10);
        Assert.Equal(1.0 / 3, TextMetrics.KendallTau(["a", "b", "c"], ["b", "a", "c"])!.Value, 10);
        Assert.Throws<ArgumentException>(() => TextMetrics.KendallTau(["a", "b"], ["a", "c"]));
    }
}
