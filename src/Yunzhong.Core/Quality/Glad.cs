namespace Yunzhong.Core.Quality;

/// <summary>
/// GLAD (Whitehill et al., NIPS 2009): worker ability α and question easiness β &gt; 0; a worker
/// answers correctly with probability σ(α·β), otherwise picks one of the other labels uniformly.
/// EM, initialised from majority vote; the M-step takes diagonal Newton steps on α and log β with
/// Gaussian priors α ~ N(1, 1) and log β ~ N(0, 1). The class prior is uniform.
/// </summary>
internal static class Glad
{
    public static TruthResult Run(AnswerSet data, int maxIterations = 100, double tolerance = 1e-5, int newtonSteps = 5)
    {
        var k = data.LabelCount;
        var answers = data.Answers;
        var posterior = VoteMethods.WeightedVote(data, Filled(data.WorkerCount, 1.0));
        var alpha = Filled(data.WorkerCount, 1.0);
        var logBeta = new double[data.QuestionCount];
        var beta = Filled(data.QuestionCount, 1.0);
        var grad = new double[Math.Max(data.WorkerCount, data.QuestionCount)];
        var hess = new double[grad.Length];
        var logWrongShare = k > 1 ? Math.Log(k - 1) : 0;
        var lp = new double[k];
        var iterations = 0;
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            for (var step = 0; step < newtonSteps; step++)
            {
                Array.Clear(grad);
                Array.Clear(hess);
                foreach (var a in answers)
                {
                    var s = Sigmoid(alpha[a.Worker] * beta[a.Question]);
                    var r = posterior[a.Question * k + a.Label] - s;
                    var b = beta[a.Question];
                    grad[a.Worker] += r * b;
                    hess[a.Worker] += b * b * s * (1 - s);
                }
                for (var w = 0; w < data.WorkerCount; w++)
                {
                    var g = grad[w] - (alpha[w] - 1);
                    alpha[w] += Math.Clamp(g / (hess[w] + 1), -2, 2);
                }

                Array.Clear(grad);
                Array.Clear(hess);
                foreach (var a in answers)
                {
                    var x = alpha[a.Worker] * beta[a.Question];
                    var s = Sigmoid(x);
                    var r = posterior[a.Question * k + a.Label] - s;
                    grad[a.Question] += r * x;
                    hess[a.Question] += x * x * s * (1 - s);
                }
                for (var q = 0; q < data.QuestionCount; q++)
                {
                    var g = grad[q] - logBeta[q];
                    logBeta[q] = Math.Clamp(logBeta[q] + Math.Clamp(g / (hess[q] + 1), -2, 2), -10, 10);
                    beta[q] = Math.Exp(logBeta[q]);
                }
            }

            var change = 0.0;
            for (var q = 0; q < data.QuestionCount; q++)
            {
                if (data.Gold[q] >= 0) continue;
                Array.Clear(lp);
                for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
                {
                    var a = answers[i];
                    var x = alpha[a.Worker] * beta[q];
                    var logRight = -Softplus(-x);
                    var logWrong = -Softplus(x) - logWrongShare;
                    for (var l = 0; l < k; l++) lp[l] += l == a.Label ? logRight : logWrong;
                }
                change = Math.Max(change, DawidSkene.Normalise(lp, posterior.AsSpan(q * k, k)));
            }
            if (change < tolerance) break;
        }

        var skill = new double[data.WorkerCount];
        var count = new int[data.WorkerCount];
        foreach (var a in answers)
        {
            skill[a.Worker] += Sigmoid(alpha[a.Worker] * beta[a.Question]);
            count[a.Worker]++;
        }
        for (var w = 0; w < skill.Length; w++) skill[w] = count[w] == 0 ? 0 : skill[w] / count[w];
        return new TruthResult(data, TruthMethod.Glad, posterior, skill, iterations);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Softplus(double x) => x > 30 ? x : double.LogP1(Math.Exp(x));

    private static double[] Filled(int n, double v)
    {
        var a = new double[n];
        Array.Fill(a, v);
        return a;
    }
}
