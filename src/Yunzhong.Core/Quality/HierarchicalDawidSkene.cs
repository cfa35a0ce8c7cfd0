using System.Runtime.CompilerServices;

namespace Yunzhong.Core.Quality;

/// <summary>
/// Hierarchical Bayesian Dawid–Skene fitted by variational Bayes (the IBCC model of Kim and
/// Ghahramani, 2012, with empirical-Bayes hyperparameters). Every worker's confusion row for true
/// class t is drawn from a Dirichlet(α_t) shared by the whole crowd, and α_t is learned from the
/// data: its mean is the crowd's typical confusion and its total how alike workers are. A worker
/// with few answers is therefore pulled towards how the crowd errs rather than towards a fixed
/// guess, and one with many answers keeps their own matrix. The class prior is Dirichlet(1).
/// </summary>
/// <remarks>
/// Each round: soft counts n_w[t,l] from the current posteriors; q(π_w[t]) = Dir(α_t + n_w[t]);
/// α_t by Minka's fixed point for a Dirichlet from the expected log-probabilities E[log π_w[t]]
/// (the maximum of the evidence lower bound in α); then the E-step with E[log π] and E[log p]
/// in place of the point estimates DS uses (posteriors only slightly less sure than MAP ones).
/// </remarks>
internal static class HierarchicalDawidSkene
{
    // Starting hyperparameters: two pseudo-answers on the diagonal, one elsewhere (workers a little
    // better than chance). The data move them within the first rounds.
    private const double InitialDiagonal = 2, InitialOffDiagonal = 1;
    private const double ClassPseudoCount = 1;

    // A Dirichlet parameter must stay positive; below this the digamma inverse is ill-conditioned.
    private const double MinConcentration = 1e-3;

    public static TruthResult Run(AnswerSet data, int maxIterations = 200, double tolerance = 1e-6)
    {
        var k = data.LabelCount;
        var kk = k * k;
        var workers = data.WorkerCount;
        var posterior = VoteMethods.WeightedVote(data, Enumerable.Repeat(1.0, workers).ToArray());
        var alpha = new double[kk];
        for (var t = 0; t < k; t++)
        {
            for (var l = 0; l < k; l++) alpha[t * k + l] = t == l ? InitialDiagonal : InitialOffDiagonal;
        }
        var counts = new double[workers * kk];
        var logConfusion = new double[workers * kk]; // E[log π_w[t,l]], layout [w, t, l]
        var classCounts = new double[k];
        var logPrior = new double[k];
        var lp = new double[k];
        var iterations = 0;
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            DawidSkene.Count(data, posterior, counts, classCounts);
            // Worker rows and α depend on each other; a few alternations per round settle them
            // well before the posteriors move again.
            for (var inner = 0; inner < 5; inner++)
            {
                ExpectedLogConfusion(k, workers, alpha, counts, logConfusion);
                FitAlpha(k, workers, counts, logConfusion, alpha);
            }
            ExpectedLogConfusion(k, workers, alpha, counts, logConfusion);
            var total = 0.0;
            for (var t = 0; t < k; t++) total += classCounts[t] + ClassPseudoCount;
            for (var t = 0; t < k; t++) logPrior[t] = SpecialFunctions.Digamma(classCounts[t] + ClassPseudoCount) - SpecialFunctions.Digamma(total);
            var change = EStep(data, posterior, logConfusion, logPrior, lp);
            if (change < tolerance) break;
        }

        // Skill: P(correct) under the posterior means of the class prior and the confusion rows.
        DawidSkene.Count(data, posterior, counts, classCounts);
        var questions = 0.0;
        for (var t = 0; t < k; t++) questions += classCounts[t] + ClassPseudoCount;
        var skills = new double[workers];
        for (var w = 0; w < workers; w++)
        {
            var s = 0.0;
            for (var t = 0; t < k; t++)
            {
                var row = 0.0;
                for (var l = 0; l < k; l++) row += alpha[t * k + l] + counts[w * kk + t * k + l];
                s += (classCounts[t] + ClassPseudoCount) / questions * (alpha[t * k + t] + counts[w * kk + t * k + t]) / row;
            }
            skills[w] = s;
        }
        return new TruthResult(data, TruthMethod.HierarchicalDawidSkene, posterior, skills, iterations);
    }

    private static void ExpectedLogConfusion(int k, int workers, double[] alpha, double[] counts, double[] logConfusion)
    {
        var kk = k * k;
        for (var w = 0; w < workers; w++)
        {
            for (var t = 0; t < k; t++)
            {
                var off = w * kk + t * k;
                var sum = 0.0;
                for (var l = 0; l < k; l++) sum += alpha[t * k + l] + counts[off + l];
                var psiSum = SpecialFunctions.Digamma(sum);
                for (var l = 0; l < k; l++) logConfusion[off + l] = SpecialFunctions.Digamma(alpha[t * k + l] + counts[off + l]) - psiSum;
            }
        }
    }

    /// <summary>
    /// Minka's fixed point ψ(α_l) = ψ(Σα) + mean_w E[log π_w[t,l]] for each true class t. A row
    /// with no soft answers is left out: its posterior equals the prior whatever α is, so it adds
    /// nothing to the bound and would only drag α towards its current value.
    /// </summary>
    private static void FitAlpha(int k, int workers, double[] counts, double[] logConfusion, double[] alpha)
    {
        var kk = k * k;
        var mean = new double[k];
        for (var t = 0; t < k; t++)
        {
            Array.Clear(mean);
            var rows = 0;
            for (var w = 0; w < workers; w++)
            {
                var off = w * kk + t * k;
                var n = 0.0;
                for (var l = 0; l < k; l++) n += counts[off + l];
                if (n <= 1e-12) continue;
                rows++;
                for (var l = 0; l < k; l++) mean[l] += logConfusion[off + l];
            }
            if (rows == 0) continue;
            // The hyperprior: one imaginary worker whose row is the starting Dirichlet's mean.
            // Without it a class few answers point at (a schema option nobody chose) can learn
            // "when the truth is t, people answer something else", which then pulls contested
            // questions to t; with a real crowd one imaginary worker is negligible.
            var initialSum = InitialDiagonal + (k - 1) * InitialOffDiagonal;
            for (var l = 0; l < k; l++)
            {
                var a0 = l == t ? InitialDiagonal : InitialOffDiagonal;
                mean[l] = (mean[l] + SpecialFunctions.Digamma(a0) - SpecialFunctions.Digamma(initialSum)) / (rows + 1);
            }
            for (var step = 0; step < 20; step++)
            {
                var sum = 0.0;
                for (var l = 0; l < k; l++) sum += alpha[t * k + l];
                var psiSum = SpecialFunctions.Digamma(sum);
                for (var l = 0; l < k; l++)
                {
                    alpha[t * k + l] = Math.Max(MinConcentration, SpecialFunctions.InverseDigamma(psiSum + mean[l]));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double EStep(AnswerSet data, double[] posterior, double[] logConfusion, double[] logPrior, double[] lp)
    {
        var k = data.LabelCount;
        var kk = k * k;
        var change = 0.0;
        for (var q = 0; q < data.QuestionCount; q++)
        {
            if (data.Gold[q] >= 0) continue;
            for (var t = 0; t < k; t++) lp[t] = logPrior[t];
            for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
            {
                var a = data.Answers[i];
                var off = a.Worker * kk + a.Label;
                for (var t = 0; t < k; t++) lp[t] += logConfusion[off + t * k];
            }
            change = Math.Max(change, DawidSkene.Normalise(lp, posterior.AsSpan(q * k, k)));
        }
        return change;
    }
}
