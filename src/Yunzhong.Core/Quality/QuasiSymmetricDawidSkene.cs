using System.Runtime.CompilerServices;

namespace Yunzhong.Core.Quality;

/// <summary>
/// Dawid–Skene with quasi-symmetric confusion matrices (the quasi-symmetry model of Caussinus,
/// 1965, used for rater agreement tables): P(worker w answers l | truth t) ∝ b_w[l]·s_w[t,l] with
/// s_w symmetric. b_w is the worker's own leaning towards each answer, s_w how alike they find two
/// classes; likeness is a property of the pair, so "takes a 2 for a 3" and "takes a 3 for a 2" share
/// one parameter. Plain DS fits the two directions separately, and when one class of a similar pair
/// draws many wrong answers EM can explain them as the other class being easy (an asymmetric
/// confusion) instead of as both being confusable. With two labels the model is exactly DS.
/// </summary>
/// <remarks>
/// Maximum likelihood EM from majority vote. The M-step is, per worker, a concave log-linear fit
/// (logits A[t,l] = β[l] + σ[t,l], σ symmetric: K + K(K+1)/2 parameters against DS's K(K−1)) solved
/// by Newton's method, warm-started from the previous round. A tiny ridge (λ = 1e-3) keeps the
/// parameters finite when a worker never gives some answer; it is not tuned. The class prior is
/// Laplace-smoothed. Cost: a (K + K(K+1)/2)² Hessian per worker per round, so meant for small label
/// sets.
/// </remarks>
internal static class QuasiSymmetricDawidSkene
{
    private const double Ridge = 1e-3;
    private const int NewtonSteps = 20;

    public static TruthResult Run(AnswerSet data, int maxIterations = 500, double tolerance = 1e-6)
    {
        var k = data.LabelCount;
        var kk = k * k;
        var workers = data.WorkerCount;
        var p = ParameterCount(k);
        var posterior = VoteMethods.WeightedVote(data, Enumerable.Repeat(1.0, workers).ToArray());
        var x = new double[workers * p];
        for (var w = 0; w < workers; w++)
        {
            // Start at "answers the truth more often than anything else" (σ[t,t] = 1).
            for (var t = 0; t < k; t++) x[w * p + k + Pair(k, t, t)] = 1;
        }
        var counts = new double[workers * kk];
        var logConfusion = new double[workers * kk]; // [w, observed l, true t], as DS's E-step reads it
        var confusion = new double[workers * kk];    // [w, t, l]
        var fit = new RowFit(k);
        var logPrior = new double[k];
        var prior = new double[k];
        var lp = new double[k];
        var iterations = 0;
        var previous = double.NegativeInfinity;
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            DawidSkene.Count(data, posterior, counts, prior);
            var questions = 0.0;
            foreach (var c in prior) questions += c;
            for (var t = 0; t < k; t++) logPrior[t] = Math.Log((prior[t] + 1) / (questions + k));
            for (var w = 0; w < workers; w++)
            {
                var xs = x.AsSpan(w * p, p);
                fit.Fit(counts.AsSpan(w * kk, kk), xs);
                fit.LogProbabilities(xs, confusion.AsSpan(w * kk, kk));
                for (var t = 0; t < k; t++)
                {
                    for (var l = 0; l < k; l++)
                    {
                        var v = confusion[w * kk + t * k + l];
                        logConfusion[(w * k + l) * k + t] = v;
                        confusion[w * kk + t * k + l] = Math.Exp(v);
                    }
                }
            }
            var change = DawidSkene.EStep(data, posterior, logConfusion, logPrior, lp, out var likelihood);
            // As in DS: slow creep on a few near-ties ends EM once the likelihood stops moving.
            if (change < tolerance || Math.Abs(likelihood - previous) < 1e-9 * Math.Max(1, data.Answers.Length)) break;
            previous = likelihood;
        }

        DawidSkene.Count(data, posterior, counts, prior);
        var total = 0.0;
        foreach (var c in prior) total += c;
        var skills = new double[workers];
        for (var w = 0; w < workers; w++)
        {
            var s = 0.0;
            for (var t = 0; t < k; t++) s += (prior[t] + 1) / (total + k) * confusion[w * kk + t * k + t];
            skills[w] = s;
        }
        return new TruthResult(data, TruthMethod.QuasiSymmetricDawidSkene, posterior, skills, iterations);
    }

    internal static int ParameterCount(int k) => k + k * (k + 1) / 2;

    /// <summary>Index of σ[t,l] = σ[l,t] among the K(K+1)/2 symmetric parameters.</summary>
    internal static int Pair(int k, int t, int l)
    {
        var (a, b) = t <= l ? (t, l) : (l, t);
        return a * k - a * (a - 1) / 2 + (b - a);
    }

    /// <summary>
    /// Newton's method for one worker: minimise −Σ n[t,l] log P(l|t) + λ/2 |x|² over x = (β, σ).
    /// The objective is convex (a log-linear likelihood plus a ridge), so a Newton step with
    /// halving until the objective falls always converges.
    /// </summary>
    internal sealed class RowFit(int k)
    {
        private readonly int _p = ParameterCount(k);
        private readonly double[] _logP = new double[k * k];
        private readonly double[] _gradient = new double[ParameterCount(k)];
        private readonly double[] _hessian = new double[ParameterCount(k) * ParameterCount(k)];
        private readonly double[] _step = new double[ParameterCount(k)];
        private readonly double[] _trial = new double[ParameterCount(k)];

        public void Fit(ReadOnlySpan<double> counts, Span<double> x)
        {
            var value = Objective(counts, x);
            for (var s = 0; s < NewtonSteps; s++)
            {
                GradientAndHessian(counts, x);
                if (!Cholesky.Solve(_hessian, _gradient, _step, _p)) return;
                var decrease = 0.0;
                for (var i = 0; i < _p; i++) decrease += _gradient[i] * _step[i];
                if (decrease < 1e-12) return;
                var scale = 1.0;
                var accepted = false;
                for (var halving = 0; halving < 30; halving++, scale /= 2)
                {
                    for (var i = 0; i < _p; i++) _trial[i] = x[i] - scale * _step[i];
                    var v = Objective(counts, _trial);
                    if (v <= value)
                    {
                        _trial.CopyTo(x);
                        value = v;
                        accepted = true;
                        break;
                    }
                }
                if (!accepted) return;
            }
        }

        /// <summary>log P(l | t) at x, layout [t, l].</summary>
        public void LogProbabilities(ReadOnlySpan<double> x, Span<double> logP)
        {
            for (var t = 0; t < k; t++)
            {
                var max = double.NegativeInfinity;
                for (var l = 0; l < k; l++) max = Math.Max(max, logP[t * k + l] = x[l] + x[k + Pair(k, t, l)]);
                var sum = 0.0;
                for (var l = 0; l < k; l++) sum += Math.Exp(logP[t * k + l] - max);
                var lse = max + Math.Log(sum);
                for (var l = 0; l < k; l++) logP[t * k + l] -= lse;
            }
        }

        private double Objective(ReadOnlySpan<double> counts, ReadOnlySpan<double> x)
        {
            LogProbabilities(x, _logP);
            var v = 0.0;
            for (var i = 0; i < k * k; i++) v -= counts[i] * _logP[i];
            for (var i = 0; i < _p; i++) v += Ridge / 2 * x[i] * x[i];
            return v;
        }

        private void GradientAndHessian(ReadOnlySpan<double> counts, ReadOnlySpan<double> x)
        {
            LogProbabilities(x, _logP);
            Array.Clear(_gradient);
            Array.Clear(_hessian);
            for (var i = 0; i < _p; i++)
            {
                _gradient[i] = Ridge * x[i];
                _hessian[i * _p + i] = Ridge;
            }
            for (var t = 0; t < k; t++)
            {
                var n = 0.0;
                for (var l = 0; l < k; l++) n += counts[t * k + l];
                if (n <= 0) continue;
                for (var l = 0; l < k; l++)
                {
                    // Logit A[t,l] = β[l] + σ[t,l]: its derivative feeds both parameters.
                    var pl = Math.Exp(_logP[t * k + l]);
                    var g = n * pl - counts[t * k + l];
                    var sl = k + Pair(k, t, l);
                    _gradient[l] += g;
                    _gradient[sl] += g;
                    for (var m = 0; m < k; m++)
                    {
                        var pm = Math.Exp(_logP[t * k + m]);
                        var h = n * ((l == m ? pl : 0) - pl * pm);
                        var sm = k + Pair(k, t, m);
                        _hessian[l * _p + m] += h;
                        _hessian[l * _p + sm] += h;
                        _hessian[sl * _p + m] += h;
                        _hessian[sl * _p + sm] += h;
                    }
                }
            }
        }
    }

    private static class Cholesky
    {
        /// <summary>Solves H s = g for a symmetric positive definite H (n × n, overwritten).</summary>
        public static bool Solve(double[] h, double[] g, double[] s, int n)
        {
            for (var j = 0; j < n; j++)
            {
                var d = h[j * n + j];
                for (var c = 0; c < j; c++) d -= h[j * n + c] * h[j * n + c];
                if (d <= 0) return false;
                d = Math.Sqrt(d);
                h[j * n + j] = d;
                for (var i = j + 1; i < n; i++)
                {
                    var v = h[i * n + j];
                    for (var c = 0; c < j; c++) v -= h[i * n + c] * h[j * n + c];
                    h[i * n + j] = v / d;
                }
            }
            for (var i = 0; i < n; i++)
            {
                var v = g[i];
                for (var c = 0; c < i; c++) v -= h[i * n + c] * s[c];
                s[i] = v / h[i * n + i];
            }
            for (var i = n - 1; i >= 0; i--)
            {
                var v = s[i];
                for (var c = i + 1; c < n; c++) v -= h[c * n + i] * s[c];
                s[i] = v / h[i * n + i];
            }
            return true;
        }
    }
}
