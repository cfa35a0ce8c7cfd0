using System.Text.Json;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;

namespace Yunzhong.Server.Features.Quality;

/// <summary>One control's agreement over the tasks seen.</summary>
/// <param name="Tasks">Tasks where at least two annotators answered this control.</param>
/// <param name="Pairs">Annotator pairs the metrics are computed over (for pairwise metrics, the pairs averaged).</param>
/// <param name="Metrics">Metric name → value; null where the metric is undefined (no pairs, no variation).</param>
public sealed record ControlAgreement(string Name, ControlType Type, long Tasks, long Pairs, IReadOnlyDictionary<string, double?> Metrics);

/// <summary>
/// Agreement of one control, fed one task at a time so a project of any size is measured in
/// constant memory: every metric keeps only sums from which it is finished at the end.
/// </summary>
internal abstract class AgreementAccumulator(ControlDef control)
{
    public ControlDef Control { get; } = control;

    /// <summary>Takes the results of one task's annotations in force, one per annotator.</summary>
    public abstract void AddTask(IReadOnlyList<JsonElement> results);

    public abstract ControlAgreement Result();

    /// <summary>The accumulators for every control of the schema that has an agreement metric.</summary>
    public static List<AgreementAccumulator> ForSchema(LabelSchema schema)
    {
        var list = new List<AgreementAccumulator>();
        foreach (var c in schema.Controls)
        {
            var name = c.Name;
            AgreementAccumulator? a = c.Type switch
            {
                ControlType.Choices => new NominalAccumulator(c, r => ResultValues.ChoiceLabel(r, name)),
                ControlType.Rating => new IntervalAccumulator(c, r => ResultValues.Rating(r, name)),
                ControlType.Ranking when c.Mode == RankingMode.Pairwise => new NominalAccumulator(c, r => ResultValues.Preferred(r, name)),
                ControlType.Ranking => new PairwiseAccumulator<string[]>(c, r => ResultValues.Order(r, name), ["kendallTau"], (x, y) =>
                {
                    try
                    {
                        return [TextMetrics.KendallTau(x, y)];
                    }
                    catch (ArgumentException)
                    {
                        return [null]; // not the same items: the list changed between the two annotations
                    }
                }),
                ControlType.Spans => new PairwiseAccumulator<List<Span>>(c, r => ResultValues.Spans(r, name), ["f1Exact", "f1Overlap"], (x, y) =>
                    [RegionMetrics.CompareSpans(x, y, SpanMatch.Exact).F1, RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1]),
                ControlType.Segments => new PairwiseAccumulator<List<Span>>(c, r => ResultValues.Segments(r, name), ["f1Overlap"], (x, y) =>
                    [RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1]),
                ControlType.Rectangles => new PairwiseAccumulator<List<Box>>(c, r => ResultValues.Boxes(r, name), ["f1", "meanIoU"], (x, y) =>
                {
                    var s = RegionMetrics.CompareBoxes(x, y);
                    return [s.F1, s.MeanIoU];
                }),
                ControlType.Polygons => new PairwiseAccumulator<List<Polygon>>(c, r => ResultValues.Polygons(r, name), ["f1", "meanIoU"], (x, y) =>
                {
                    var s = RegionMetrics.ComparePolygons(x, y);
                    return [s.F1, s.MeanIoU];
                }),
                // Error rates are asymmetric (divided by the reference's length); a pair takes the mean of both directions.
                ControlType.Transcription => new PairwiseAccumulator<string>(c, r => ResultValues.Transcript(r, name, c.PerSegment), ["cer", "wer"], (x, y) =>
                [
                    (TextMetrics.CharacterErrorRate(x, y) + TextMetrics.CharacterErrorRate(y, x)) / 2,
                    (TextMetrics.WordErrorRate(x, y) + TextMetrics.WordErrorRate(y, x)) / 2,
                ]),
                _ => null, // relations and keypoints have no agreement metric yet
            };
            if (a is not null)
            {
                list.Add(a);
            }
        }
        return list;
    }

}

/// <summary>
/// Nominal labels: percent agreement, Fleiss' kappa and Krippendorff's alpha with the definitions
/// of <see cref="Agreement"/>, from per-unit label counts.
/// </summary>
internal sealed class NominalAccumulator(ControlDef control, Func<JsonElement, string?> read) : AgreementAccumulator(control)
{
    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unit = new(StringComparer.Ordinal);
    private double _agreementSum;
    private double _disagreementSum;
    private double _answers;
    private long _units;
    private long _pairs;

    public override void AddTask(IReadOnlyList<JsonElement> results)
    {
        _unit.Clear();
        var m = 0;
        foreach (var r in results)
        {
            if (read(r) is { } label)
            {
                _unit[label] = _unit.GetValueOrDefault(label) + 1;
                m++;
            }
        }
        if (m < 2)
        {
            return;
        }
        double agreeing = 0, squares = 0;
        foreach (var (label, n) in _unit)
        {
            agreeing += n * (n - 1.0);
            squares += (double)n * n;
            _totals[label] = _totals.GetValueOrDefault(label) + n;
        }
        _agreementSum += agreeing / (m * (m - 1.0));
        // Σ_{c≠k} o_ck of this unit: ordered pairs of different labels, weighted 1/(m−1).
        _disagreementSum += ((double)m * m - squares) / (m - 1.0);
        _answers += m;
        _units++;
        _pairs += m * (m - 1L) / 2;
    }

    public override ControlAgreement Result()
    {
        double? percent = null, fleiss = null, alpha = null;
        if (_units > 0)
        {
            var pBar = _agreementSum / _units;
            percent = pBar;
            double pe = 0, squares = 0;
            foreach (var c in _totals.Values)
            {
                pe += c / _answers * (c / _answers);
                squares += c * c;
            }
            fleiss = pe >= 1 ? null : (pBar - pe) / (1 - pe);
            var n = _answers;
            var expected = (n * n - squares) / (n * (n - 1));
            alpha = expected <= 0 ? null : 1 - _disagreementSum / n / expected;
        }
        return new ControlAgreement(Control.Name, Control.Type, _units, _pairs, new Dictionary<string, double?>
        {
            ["percentAgreement"] = percent,
            ["fleissKappa"] = fleiss,
            ["krippendorffAlpha"] = alpha,
        });
    }
}

/// <summary>
/// Krippendorff's alpha at the interval level (squared differences), from sums of values and of
/// squares: within a unit, Σ over ordered pairs of (a − b)² = 2(m·Σv² − (Σv)²).
/// </summary>
internal sealed class IntervalAccumulator(ControlDef control, Func<JsonElement, double?> read) : AgreementAccumulator(control)
{
    private double _observed;
    private double _sum;
    private double _squares;
    private double _answers;
    private long _units;
    private long _pairs;

    public override void AddTask(IReadOnlyList<JsonElement> results)
    {
        double m = 0, sum = 0, squares = 0;
        foreach (var r in results)
        {
            if (read(r) is { } v)
            {
                m++;
                sum += v;
                squares += v * v;
            }
        }
        if (m < 2)
        {
            return;
        }
        _observed += 2 * (m * squares - sum * sum) / (m - 1);
        _sum += sum;
        _squares += squares;
        _answers += m;
        _units++;
        _pairs += (long)(m * (m - 1) / 2);
    }

    public override ControlAgreement Result()
    {
        double? alpha = null;
        if (_units > 0)
        {
            var n = _answers;
            var expected = 2 * (n * _squares - _sum * _sum) / (n * (n - 1));
            alpha = expected <= 1e-12 ? null : 1 - _observed / n / expected;
        }
        return new ControlAgreement(Control.Name, Control.Type, _units, _pairs,
            new Dictionary<string, double?> { ["krippendorffAlpha"] = alpha });
    }
}

/// <summary>Metrics defined between two annotators' answers, averaged over every pair on every task.</summary>
internal sealed class PairwiseAccumulator<T>(ControlDef control, Func<JsonElement, T?> read, string[] names, Func<T, T, double?[]> compare)
    : AgreementAccumulator(control) where T : class
{
    private readonly double[] _sums = new double[names.Length];
    private readonly long[] _counts = new long[names.Length];
    private readonly List<T> _answers = [];
    private long _units;
    private long _pairs;

    public override void AddTask(IReadOnlyList<JsonElement> results)
    {
        _answers.Clear();
        foreach (var r in results)
        {
            if (read(r) is { } v)
            {
                _answers.Add(v);
            }
        }
        if (_answers.Count < 2)
        {
            return;
        }
        _units++;
        for (var i = 0; i < _answers.Count; i++)
        {
            for (var j = i + 1; j < _answers.Count; j++)
            {
                _pairs++;
                var values = compare(_answers[i], _answers[j]);
                for (var k = 0; k < values.Length; k++)
                {
                    if (values[k] is { } x)
                    {
                        _sums[k] += x;
                        _counts[k]++;
                    }
                }
            }
        }
    }

    public override ControlAgreement Result()
    {
        var metrics = new Dictionary<string, double?>();
        for (var k = 0; k < names.Length; k++)
        {
            metrics[names[k]] = _counts[k] == 0 ? null : _sums[k] / _counts[k];
        }
        return new ControlAgreement(Control.Name, Control.Type, _units, _pairs, metrics);
    }
}
