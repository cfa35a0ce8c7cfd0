namespace Yunzhong.Core.Learning;

/// <summary>How the next texts to label are chosen in a simulated labelling run.</summary>
public enum Selection
{
    /// <summary>In a random order.</summary>
    Random,

    /// <summary>The texts the current model is least sure of first (the queue's most-uncertain order).</summary>
    MostUncertain,
}

/// <summary>Mean test accuracy after a number of labels, over the repeats.</summary>
/// <param name="Labels">Labelled texts the model was trained on.</param>
/// <param name="Accuracy">Mean accuracy on the held-out texts.</param>
/// <param name="Low">The lowest accuracy of a repeat.</param>
/// <param name="High">The highest accuracy of a repeat.</param>
public sealed record CurvePoint(int Labels, double Accuracy, double Low, double High);

/// <summary>
/// A simulated active-learning run on a labelled text set: each repeat holds out a stratified test
/// set, starts from one labelled text per label, and adds <c>step</c> labels at a time chosen by
/// <see cref="Selection"/>, training a <see cref="TextClassifier"/> (one thread) after each step and
/// measuring it on the test set. The most-uncertain selection ranks the pool as the queue does:
/// <see cref="Uncertainty.FromScore"/> of the model's score.
/// </summary>
public static class LearningCurve
{
    /// <summary>The curve of one selection, averaged over <paramref name="repeats"/> shuffles (seeds 1…).</summary>
    /// <param name="texts">The labelled texts.</param>
    /// <param name="selection">How the next labels are chosen.</param>
    /// <param name="measure">The uncertainty measure of the most-uncertain selection.</param>
    /// <param name="testPerLabel">Held-out texts per label.</param>
    /// <param name="step">Labels added per step.</param>
    /// <param name="repeats">Shuffles averaged.</param>
    public static IReadOnlyList<CurvePoint> Run(
        IReadOnlyList<LabelledText> texts, Selection selection, UncertaintyMeasure measure, int testPerLabel, int step, int repeats)
    {
        var labels = texts.Select(t => t.Label).Distinct().Count();
        var byCount = new SortedDictionary<int, List<double>>();
        for (var seed = 1; seed <= repeats; seed++)
        {
            var random = new Random(seed);
            var shuffled = texts.OrderBy(_ => random.Next()).ToList();
            var test = shuffled.GroupBy(t => t.Label).SelectMany(g => g.Take(testPerLabel)).ToList();
            var pool = shuffled.Except(test).ToList();
            var labelled = pool.GroupBy(t => t.Label).Select(g => g.First()).ToList();
            pool = pool.Except(labelled).ToList();
            while (true)
            {
                var model = TextClassifier.Train(labelled, threads: 1, seed: seed)!;
                var predicted = model.Predict(test.Select(t => t.Text).ToList());
                var accuracy = (double)test.Where((t, i) => predicted[i].Label == t.Label).Count() / test.Count;
                (byCount.TryGetValue(labelled.Count, out var list) ? list : byCount[labelled.Count] = []).Add(accuracy);
                if (pool.Count == 0)
                {
                    break;
                }
                var next = selection == Selection.Random
                    ? pool.Take(step).ToList()
                    : model.Predict(pool.Select(t => t.Text).ToList())
                        .Select((p, i) => (Key: Uncertainty.FromScore(measure, p.Score, labels), Text: pool[i]))
                        .OrderByDescending(x => x.Key).Take(step).Select(x => x.Text).ToList();
                labelled.AddRange(next);
                pool = pool.Except(next).ToList();
            }
        }
        return byCount.Select(kv => new CurvePoint(kv.Key, kv.Value.Average(), kv.Value.Min(), kv.Value.Max())).ToList();
    }
}
