namespace Yunzhong.Core.Quality;

/// <summary>
/// A log-linear confusion model in the spirit of regularised minimax conditional entropy (Zhou et
/// al., NIPS 2012 / ICML 2014): the chance that worker j answers l on question i whose truth is k
/// is softmax over l of σ_j[k,l] + τ_i[k,l], so workers have confusions and questions have their
/// own (hard or ambiguous items pull everyone the same way). EM from majority vote: the E-step is
/// the posterior over truths, the M-step takes damped diagonal Newton steps, alternating worker
/// and question parameters, under L2 penalties (λ_worker = 0.1, λ_question = 5) that keep the
/// question terms small unless many answers support them.
/// </summary>
internal static class LogLinearConfusion
{
    public static TruthResult Run(
        AnswerSet data, double workerPenalty = 0.1, double itemPenalty = 5,
        int maxIterations = 50, int newtonSteps = 3, double tolerance = 1e-5)
    {
        var k = data.LabelCount;
        var kk = k * k;
        var answers = data.Answers;
        var posterior = VoteMethods.WeightedVote(data, Enumerable.Repeat(1.0, data.WorkerCount).ToArray());
        var sigma = new double[data.WorkerCount * kk];
        var tau = new double[data.QuestionCount * kk];
        var g = new double[Math.Max(sigma.Length, tau.Length)];
        var h = new double[g.Length];
        var p = new double[k];
        var lp = new double[k];
        var prior = new double[k];
        var iterations = 0;
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            for (var step = 0; step < newtonSteps * 2; step++)
            {
                // Updating σ and τ from the same gradient at once double-counts the residual and
                // oscillates; alternating them converges.
                var workers = step % 2 == 0;
                Array.Clear(g);
                Array.Clear(h);
                foreach (var a in answers)
                {
                    var so = a.Worker * kk;
                    var to = a.Question * kk;
                    var target = workers ? so : to;
                    for (var t = 0; t < k; t++)
                    {
                        var wgt = posterior[a.Question * k + t];
                        if (wgt < 1e-12) continue;
                        var max = double.NegativeInfinity;
                        for (var l = 0; l < k; l++)
                        {
                            p[l] = sigma[so + t * k + l] + tau[to + t * k + l];
                            max = Math.Max(max, p[l]);
                        }
                        var sum = 0.0;
                        for (var l = 0; l < k; l++) sum += p[l] = Math.Exp(p[l] - max);
                        for (var l = 0; l < k; l++)
                        {
                            var pl = p[l] / sum;
                            g[target + t * k + l] += wgt * ((l == a.Label ? 1 : 0) - pl);
                            h[target + t * k + l] += wgt * pl * (1 - pl);
                        }
                    }
                }
                var theta = workers ? sigma : tau;
                var penalty = workers ? workerPenalty : itemPenalty;
                for (var i = 0; i < theta.Length; i++)
                {
                    theta[i] += Math.Clamp((g[i] - penalty * theta[i]) / (h[i] + penalty), -1, 1);
                }
            }

            Array.Clear(prior);
            for (var q = 0; q < data.QuestionCount; q++)
            {
                for (var t = 0; t < k; t++) prior[t] += posterior[q * k + t];
            }
            for (var t = 0; t < k; t++) prior[t] = Math.Log((prior[t] + 1) / (data.QuestionCount + k));

            var change = 0.0;
            for (var q = 0; q < data.QuestionCount; q++)
            {
                if (data.Gold[q] >= 0) continue;
                for (var t = 0; t < k; t++) lp[t] = prior[t];
                var to = q * kk;
                for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
                {
                    var a = answers[i];
                    var so = a.Worker * kk;
                    for (var t = 0; t < k; t++)
                    {
                        lp[t] += sigma[so + t * k + a.Label] + tau[to + t * k + a.Label] - LogPartition(sigma, tau, so + t * k, to + t * k, k);
                    }
                }
                change = Math.Max(change, DawidSkene.Normalise(lp, posterior.AsSpan(q * k, k)));
            }
            if (change < tolerance) break;
        }
        // Skill: the model's probability of a correct answer, averaged over the worker's answers.
        var skill = new double[data.WorkerCount];
        var count = new int[data.WorkerCount];
        foreach (var a in answers)
        {
            var so = a.Worker * kk;
            var to = a.Question * kk;
            for (var t = 0; t < k; t++)
            {
                var logP = sigma[so + t * k + t] + tau[to + t * k + t] - LogPartition(sigma, tau, so + t * k, to + t * k, k);
                skill[a.Worker] += posterior[a.Question * k + t] * Math.Exp(logP);
            }
            count[a.Worker]++;
        }
        for (var w = 0; w < skill.Length; w++) skill[w] = count[w] == 0 ? 0 : skill[w] / count[w];
        return new TruthResult(data, TruthMethod.LogLinearConfusion, posterior, skill, iterations);
    }

    /// <summary>log Σₗ exp(σ[s + l] + τ[r + l]) over the k labels: the normaliser of one row of the answer model.</summary>
    private static double LogPartition(double[] sigma, double[] tau, int s, int r, int k)
    {
        var max = double.NegativeInfinity;
        for (var l = 0; l < k; l++) max = Math.Max(max, sigma[s + l] + tau[r + l]);
        var sum = 0.0;
        for (var l = 0; l < k; l++) sum += Math.Exp(sigma[s + l] + tau[r + l] - max);
        return max + Math.Log(sum);
    }
}
