namespace Yunzhong.Core.Quality;

/// <summary>
/// MACE (Hovy et al., NAACL 2013): each worker either knows the answer (probability θ) and gives
/// the true label, or spams by drawing from a personal label distribution ξ. EM with additive
/// smoothing; the first start is the M-step from majority vote, the rest are seeded random starts,
/// and the start with the highest marginal likelihood wins. The class prior is uniform.
/// </summary>
internal static class Mace
{
    public static TruthResult Run(
        AnswerSet data, int restarts = 10, int maxIterations = 50, double smoothing = 0.01, int seed = 0, double tolerance = 1e-5)
    {
        var k = data.LabelCount;
        var random = new Random(seed);
        double[]? bestPosterior = null, bestTheta = null, bestXi = null;
        var bestLikelihood = double.NegativeInfinity;
        var iterations = 0;
        for (var r = 0; r < restarts; r++)
        {
            var theta = new double[data.WorkerCount];
            var xi = new double[data.WorkerCount * k];
            // Vote shares also clamp gold questions, which the E-step then leaves alone.
            var posterior = VoteMethods.WeightedVote(data, Enumerable.Repeat(1.0, data.WorkerCount).ToArray());
            if (r == 0)
            {
                Array.Fill(theta, 0.5);
                Array.Fill(xi, 1.0 / k);
                MStep(data, posterior, theta, xi, smoothing);
            }
            else
            {
                for (var w = 0; w < data.WorkerCount; w++)
                {
                    theta[w] = 0.2 + 0.7 * random.NextDouble();
                    var s = 0.0;
                    for (var l = 0; l < k; l++) s += xi[w * k + l] = 0.1 + random.NextDouble();
                    for (var l = 0; l < k; l++) xi[w * k + l] /= s;
                }
            }
            var likelihood = double.NegativeInfinity;
            for (var it = 0; it < maxIterations; it++)
            {
                iterations++;
                var (next, change) = EStep(data, posterior, theta, xi);
                likelihood = next;
                MStep(data, posterior, theta, xi, smoothing);
                if (change < tolerance) break;
            }
            (likelihood, _) = EStep(data, posterior, theta, xi);
            if (likelihood > bestLikelihood)
            {
                bestLikelihood = likelihood;
                bestPosterior = posterior;
                bestTheta = theta;
                bestXi = xi;
            }
        }

        var skill = new double[data.WorkerCount];
        if (bestPosterior is not null && bestTheta is not null && bestXi is not null)
        {
            // P(correct) = θ + (1 − θ)·P(spam draw hits the truth), truth distributed as the posterior mass.
            var mass = new double[k];
            for (var q = 0; q < data.QuestionCount; q++)
            {
                for (var l = 0; l < k; l++) mass[l] += bestPosterior[q * k + l] / Math.Max(1, data.QuestionCount);
            }
            for (var w = 0; w < data.WorkerCount; w++)
            {
                var hit = 0.0;
                for (var l = 0; l < k; l++) hit += mass[l] * bestXi[w * k + l];
                skill[w] = bestTheta[w] + (1 - bestTheta[w]) * hit;
            }
        }
        return new TruthResult(data, TruthMethod.Mace, bestPosterior ?? new double[data.QuestionCount * k], skill, iterations);
    }

    private static (double Likelihood, double Change) EStep(AnswerSet data, double[] posterior, double[] theta, double[] xi)
    {
        var k = data.LabelCount;
        var lp = new double[k];
        var likelihood = 0.0;
        var change = 0.0;
        for (var q = 0; q < data.QuestionCount; q++)
        {
            Array.Clear(lp);
            for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
            {
                var a = data.Answers[i];
                var spam = (1 - theta[a.Worker]) * xi[a.Worker * k + a.Label];
                var logSpam = Math.Log(Math.Max(spam, 1e-300));
                var logKnow = Math.Log(Math.Max(theta[a.Worker] + spam, 1e-300));
                for (var l = 0; l < k; l++) lp[l] += l == a.Label ? logKnow : logSpam;
            }
            var max = double.NegativeInfinity;
            foreach (var v in lp) max = Math.Max(max, v);
            var sum = 0.0;
            foreach (var v in lp) sum += Math.Exp(v - max);
            likelihood += max + Math.Log(sum / k);
            if (data.Gold[q] >= 0) continue;
            change = Math.Max(change, DawidSkene.Normalise(lp, posterior.AsSpan(q * k, k)));
        }
        return (likelihood, change);
    }

    private static void MStep(AnswerSet data, double[] posterior, double[] theta, double[] xi, double smoothing)
    {
        var k = data.LabelCount;
        var know = new double[data.WorkerCount];
        var n = new double[data.WorkerCount];
        var spamCounts = new double[data.WorkerCount * k];
        foreach (var a in data.Answers)
        {
            var spam = (1 - theta[a.Worker]) * xi[a.Worker * k + a.Label];
            var denominator = theta[a.Worker] + spam;
            // Only when the answer equals the truth can the worker have known it.
            var knew = denominator > 0 ? posterior[a.Question * k + a.Label] * theta[a.Worker] / denominator : 0;
            know[a.Worker] += knew;
            n[a.Worker]++;
            spamCounts[a.Worker * k + a.Label] += 1 - knew;
        }
        for (var w = 0; w < data.WorkerCount; w++)
        {
            theta[w] = (know[w] + smoothing) / (n[w] + 2 * smoothing);
            var s = 0.0;
            for (var l = 0; l < k; l++) s += spamCounts[w * k + l] + smoothing;
            for (var l = 0; l < k; l++) xi[w * k + l] = (spamCounts[w * k + l] + smoothing) / s;
        }
    }
}
