using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Yunzhong.Core.Learning;

/// <summary>One labelled text the classifier learns from.</summary>
/// <param name="Text">The text.</param>
/// <param name="Label">Its label (a choices option).</param>
public sealed record LabelledText(string Text, string Label);

/// <summary>What the classifier says of one text: the label it chose and that label's probability.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Score">Its probability, 0–1.</param>
public sealed record TextPrediction(string Label, double Score);

/// <summary>
/// A text classifier trained in-process with ML.NET: word and character n-gram features
/// (<c>FeaturizeText</c>) and a maximum-entropy model (L-BFGS), which gives a probability per label,
/// the score the most-uncertain order reads. Training uses at most the threads it is given, so the
/// active-learning loop does not take the cores the queue runs on. Deterministic for a seed.
/// </summary>
public sealed class TextClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly string[] _labels;

    private TextClassifier(MLContext ml, ITransformer model, string[] labels)
    {
        _ml = ml;
        _model = model;
        _labels = labels;
    }

    /// <summary>The labels the model knows, in the order of its probabilities.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Trains on <paramref name="examples"/>; null when they hold fewer than two distinct labels (nothing to tell apart).</summary>
    /// <param name="examples">The labelled texts.</param>
    /// <param name="threads">The most threads training uses (at least 1).</param>
    /// <param name="seed">Fixes the model for the same examples.</param>
    public static TextClassifier? Train(IReadOnlyList<LabelledText> examples, int threads = 1, int seed = 1)
    {
        var labels = examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (labels.Length < 2)
        {
            return null;
        }
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => new Row { Text = e.Text, Label = e.Label }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
            // L-BFGS with light L2 and no L1: the defaults (SDCA's automatic L2, L-BFGS's L1 = L2 = 1)
            // held every probability within 0.002 of one half on the demo's emails, a few dozen
            // examples over tens of thousands of n-gram features, and the model never left 50 %.
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                NumberOfThreads = Math.Max(1, threads),
                L1Regularization = 0,
                L2Regularization = 0.01f,
            }));
        return new TextClassifier(ml, pipeline.Fit(data), labels);
    }

    /// <summary>The most probable label of each text, with its probability, in order.</summary>
    public IReadOnlyList<TextPrediction> Predict(IReadOnlyList<string> texts)
    {
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t, Label = _labels[0] })));
        var list = new List<TextPrediction>(texts.Count);
        foreach (var row in _ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false))
        {
            var best = 0;
            for (var i = 1; i < row.Score.Length; i++)
            {
                if (row.Score[i] > row.Score[best])
                {
                    best = i;
                }
            }
            list.Add(new TextPrediction(_labels[best], Math.Clamp(row.Score[best], 0, 1)));
        }
        return list;
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }
}
