using System.Runtime.CompilerServices;

namespace Yunzhong.Core.Quality;

/// <summary>
/// Settings of the Dawid–Skene EM family. Pseudo-counts are added in the M-step (a Dirichlet prior,
/// giving MAP estimates); all zero gives the classic maximum-likelihood Dawid–Skene.
/// </summary>
internal sealed record DawidSkeneOptions
{
    public int MaxIterations { get; init; } = 100;

    /// <summary>EM stops when no posterior moves by more than this.</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>One accuracy per worker (errors spread evenly) instead of a full confusion matrix.</summary>
    public bool OneCoin { get; init; }

    /// <summary>Extra pseudo-count on the diagonal: a prior belief that workers are better than chance.</summary>
    public double Diagonal { get; init; }

    /// <summary>Pseudo-count per class for the class prior.</summary>
    public double PriorSmoothing { get; init; }

    /// <summary>Probabilities are floored here before taking logs, so a zero count never forbids a label.</summary>
    public double Floor { get; init; } = 1e-10;
}

/// <summary>Dawid–Skene EM over flat arrays; initialised from majority-vote shares.</summary>
internal static class DawidSkene
{
    public static TruthResult Run(AnswerSet data, DawidSkeneOptions options, TruthMethod method, double[]? initial = null)
    {
        var k = data.LabelCount;
        var kk = k * k;
        var posterior = initial is null ? VoteMethods.WeightedVote(data, Ones(data.WorkerCount)) : (double[])initial.Clone();
        var counts = new double[data.WorkerCount * kk];
        var confusion = new double[data.WorkerCount * kk];
        var logConfusion = new double[data.WorkerCount * kk];
        var prior = new double[k];
        var logPrior = new double[k];
        var lp = new double[k];
        var iterations = 0;
        var previous = double.NegativeInfinity;
        for (var it = 0; it < options.MaxIterations; it++)
        {
            iterations = it + 1;
            MStep(data, options, posterior, counts, confusion, logConfusion, prior, logPrior);
            var change = EStep(data, posterior, logConfusion, logPrior, lp, out var likelihood);
            // A few near-ties can keep creeping long after the fit has settled, so a negligible
            // gain in log-likelihood per answer also ends EM.
            if (change < options.Tolerance || Math.Abs(likelihood - previous) < 1e-9 * Math.Max(1, data.Answers.Length)) break;
            previous = likelihood;
        }

        var skills = new double[data.WorkerCount];
        for (var w = 0; w < data.WorkerCount; w++)
        {
            var s = 0.0;
            for (var t = 0; t < k; t++) s += prior[t] * confusion[w * kk + t * k + t];
            skills[w] = s;
        }
        return new TruthResult(data, method, posterior, skills, iterations);
    }

    // Hot loops: compile optimised at once rather than running a million answers through tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double EStep(AnswerSet data, double[] posterior, double[] logConfusion, double[] logPrior, double[] lp, out double likelihood)
    {
        var k = data.LabelCount;
        var answers = data.Answers;
        var change = 0.0;
        likelihood = 0;
        for (var q = 0; q < data.QuestionCount; q++)
        {
            if (data.Gold[q] >= 0) continue;
            for (var l = 0; l < k; l++) lp[l] = logPrior[l];
            for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
            {
                var a = answers[i];
                var off = (a.Worker * k + a.Label) * k;
                for (var l = 0; l < k; l++) lp[l] += logConfusion[off + l];
            }
            var max = double.NegativeInfinity;
            for (var l = 0; l < k; l++) max = Math.Max(max, lp[l]);
            var sum = 0.0;
            for (var l = 0; l < k; l++) sum += Math.Exp(lp[l] - max);
            likelihood += max + Math.Log(sum);
            change = Math.Max(change, Normalise(lp, posterior.AsSpan(q * k, k)));
        }
        return change;
    }

    /// <summary>
    /// Turns log-likelihoods into a normalised posterior in <paramref name="row"/>; returns the
    /// largest change of any entry.
    /// </summary>
    internal static double Normalise(ReadOnlySpan<double> lp, Span<double> row)
    {
        var max = double.NegativeInfinity;
        foreach (var v in lp) max = Math.Max(max, v);
        var sum = 0.0;
        for (var l = 0; l < lp.Length; l++) sum += Math.Exp(lp[l] - max);
        var change = 0.0;
        for (var l = 0; l < lp.Length; l++)
        {
            var p = Math.Exp(lp[l] - max) / sum;
            change = Math.Max(change, Math.Abs(p - row[l]));
            row[l] = p;
        }
        return change;
    }

    /// <summary>
    /// Expected counts under the posterior: <paramref name="counts"/>[w, true t, observed l] and
    /// <paramref name="classCounts"/>[t], the sufficient statistics every confusion model here fits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Count(AnswerSet data, double[] posterior, double[] counts, double[] classCounts)
    {
        var k = data.LabelCount;
        var kk = k * k;
        Array.Clear(counts);
        Array.Clear(classCounts);
        for (var q = 0; q < data.QuestionCount; q++)
        {
            var pOff = q * k;
            for (var t = 0; t < k; t++) classCounts[t] += posterior[pOff + t];
            for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
            {
                var a = data.Answers[i];
                var cOff = a.Worker * kk + a.Label;
                for (var t = 0; t < k; t++) counts[cOff + t * k] += posterior[pOff + t];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MStep(
        AnswerSet data, DawidSkeneOptions o, double[] posterior, double[] counts, double[] confusion,
        double[] logConfusion, double[] prior, double[] logPrior)
    {
        var k = data.LabelCount;
        var kk = k * k;
        Count(data, posterior, counts, prior);
        var total = 0.0;
        for (var t = 0; t < k; t++) total += prior[t];
        for (var t = 0; t < k; t++)
        {
            prior[t] = total + k * o.PriorSmoothing > 0 ? (prior[t] + o.PriorSmoothing) / (total + k * o.PriorSmoothing) : 1.0 / k;
            logPrior[t] = Math.Log(Math.Max(prior[t], o.Floor));
        }

        for (var w = 0; w < data.WorkerCount; w++)
        {
            var wOff = w * kk;
            if (o.OneCoin)
            {
                double right = 0, all = 0;
                for (var t = 0; t < k; t++)
                {
                    for (var l = 0; l < k; l++)
                    {
                        all += counts[wOff + t * k + l];
                        if (t == l) right += counts[wOff + t * k + l];
                    }
                }
                var p = all + o.Diagonal > 0 ? (right + o.Diagonal) / (all + o.Diagonal) : 1.0 / k;
                var wrong = k > 1 ? (1 - p) / (k - 1) : 0;
                for (var t = 0; t < k; t++)
                {
                    for (var l = 0; l < k; l++) confusion[wOff + t * k + l] = t == l ? p : wrong;
                }
            }
            else
            {
                for (var t = 0; t < k; t++)
                {
                    var rowOff = wOff + t * k;
                    var s = 0.0;
                    for (var l = 0; l < k; l++) s += counts[rowOff + l];
                    var denominator = s + o.Diagonal;
                    for (var l = 0; l < k; l++)
                    {
                        var numerator = counts[rowOff + l] + (t == l ? o.Diagonal : 0);
                        confusion[rowOff + l] = denominator > 0 ? numerator / denominator : 1.0 / k;
                    }
                }
            }
            // Transposed log layout [w, observed l, true t] so the E-step reads one contiguous run.
            for (var t = 0; t < k; t++)
            {
                for (var l = 0; l < k; l++)
                {
                    logConfusion[(w * k + l) * k + t] = Math.Log(Math.Max(confusion[wOff + t * k + l], o.Floor));
                }
            }
        }
    }

    private static double[] Ones(int n)
    {
        var a = new double[n];
        Array.Fill(a, 1.0);
        return a;
    }
}
