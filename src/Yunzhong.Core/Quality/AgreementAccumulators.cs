namespace Yunzhong.Core.Quality;

/// <summary>One control's agreement over the tasks seen.</summary>
/// <param name="Tasks">Tasks where at least two annotators answered this control.</param>
/// <param name="Pairs">Annotator pairs the metrics are computed over (for pairwise metrics, the pairs averaged).</param>
/// <param name="Metrics">Metric name → value; null where the metric is undefined (no pairs, no variation).</param>
/// <param name="Name">The control's name.</param>
/// <param name="Type">The control's type (snake_case on the wire, as every enum).</param>
public sealed record ControlAgreement(string Name, ControlType Type, long Tasks, long Pairs, IReadOnlyDictionary<string, double?> Metrics);

/// <summary>
/// Agreement of one control, fed one task at a time so a project of any size is measured in
/// constant memory: every metric keeps only sums from which it is finished at the end.
/// </summary>
public abstract class AgreementAccumulator(ControlDef control)
{
    /// <summary>The control measured.</summary>
    public ControlDef Control { get; } = control;

    /// <summary>Takes the results of one task's annotations in force, one per annotator.</summary>
    public abstract void AddTask(IReadOnlyList<JsonElement> results);

    /// <summary>The metrics over the tasks added so far.</summary>
    public abstract ControlAgreement Result();

    /// <summary>The accumulators for every control of the schema that has an agreement metric.</summary>
    public static List<AgreementAccumulator> ForSchema(LabelSchema schema)
    {
        var list = new List<AgreementAccumulator>();
        foreach (var c in schema.Controls)
        {
            if ((c is { PerRegion: null, PerMessage: null } ? ControlKinds.Of(c.Type).CreateAgreement(c) : RegionAttributeScoring.Agreement(schema, c)) is { } a)
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
public sealed class NominalAccumulator(ControlDef control, Func<JsonElement, string?> read) : AgreementAccumulator(control)
{
    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unit = new(StringComparer.Ordinal);
    private double _agreementSum;
    private double _disagreementSum;
    private double _answers;
    private long _units;
    private long _pairs;

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
public sealed class IntervalAccumulator(ControlDef control, Func<JsonElement, double?> read) : AgreementAccumulator(control)
{
    private double _observed;
    private double _sum;
    private double _squares;
    private double _answers;
    private long _units;
    private long _pairs;

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
public sealed class PairwiseAccumulator<T>(ControlDef control, Func<JsonElement, T?> read, string[] names, Func<T, T, double?[]> compare)
    : AgreementAccumulator(control) where T : class
{
    private readonly double[] _sums = new double[names.Length];
    private readonly long[] _counts = new long[names.Length];
    private readonly List<T> _answers = [];
    private long _units;
    private long _pairs;

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
