using Yunzhong.Core.Learning;

namespace Yunzhong.Core.Tests.Learning;

public class UncertaintyTests
{
    [Theory]
    [InlineData(UncertaintyMeasure.LeastConfidence, 0.8, 2, 0.2)]
    [InlineData(UncertaintyMeasure.LeastConfidence, 1.5, 2, 0.0)] // clamped
    [InlineData(UncertaintyMeasure.Margin, 0.8, 2, 0.4)]          // 1 − (0.8 − 0.2)
    [InlineData(UncertaintyMeasure.Margin, 0.6, 3, 0.6)]          // 1 − (0.6 − 0.2)
    [InlineData(UncertaintyMeasure.Entropy, 0.5, 2, 1.0)]         // a coin: the most uncertain
    [InlineData(UncertaintyMeasure.Entropy, 1.0, 3, 0.0)]
    [InlineData(UncertaintyMeasure.Entropy, 1.0 / 3, 3, 1.0)]     // uniform over three labels
    public void KeysAreTheMeasuresOfTheScore(UncertaintyMeasure measure, double score, int labels, double expected) =>
        Assert.Equal(expected, Uncertainty.FromScore(measure, score, labels), 9);

    [Theory]
    [InlineData(UncertaintyMeasure.LeastConfidence)]
    [InlineData(UncertaintyMeasure.Margin)]
    [InlineData(UncertaintyMeasure.Entropy)]
    public void WithTwoLabelsEveryMeasureOrdersTasksAlike(UncertaintyMeasure measure)
    {
        double[] scores = [0.99, 0.5, 0.7, 0.55, 0.9];
        var order = scores.OrderByDescending(s => Uncertainty.FromScore(measure, s, 2)).ToArray();
        Assert.Equal([0.5, 0.55, 0.7, 0.9, 0.99], order);
    }
}
