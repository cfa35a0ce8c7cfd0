namespace Yunzhong.Core.Quality;

/// <summary>
/// Vote-based truth inference: majority vote, Wawa and zero-based skill. Posteriors are the
/// (weighted) vote shares; ties go to the smallest label in ordinal order.
/// </summary>
internal static class VoteMethods
{
    public static TruthResult MajorityVote(AnswerSet data)
    {
        var weights = new double[data.WorkerCount];
        Array.Fill(weights, 1.0);
        var posterior = WeightedVote(data, weights);
        return new TruthResult(data, TruthMethod.MajorityVote, posterior, AccuracyAgainst(data, posterior), 1);
    }

    /// <summary>Majority vote, then a vote weighted by each worker's agreement with it.</summary>
    public static TruthResult Wawa(AnswerSet data)
    {
        var ones = new double[data.WorkerCount];
        Array.Fill(ones, 1.0);
        var skills = AccuracyAgainst(data, WeightedVote(data, ones));
        var posterior = WeightedVote(data, skills);
        return new TruthResult(data, TruthMethod.Wawa, posterior, skills, 2);
    }

    /// <summary>
    /// Zero-based skill: start from equal skills, then repeatedly vote with the skills as weights and
    /// move each skill towards the worker's accuracy against that vote, with a learning rate halved
    /// every 20 rounds (as in Crowd-Kit's ZeroBasedSkill).
    /// </summary>
    public static TruthResult ZeroBasedSkill(AnswerSet data, int maxIterations = 100, double tolerance = 1e-5)
    {
        var skills = new double[data.WorkerCount];
        Array.Fill(skills, 1.0 / Math.Max(1, data.LabelCount) + 1e-5);
        var lr = 1.0;
        var posterior = WeightedVote(data, skills);
        var iterations = 0;
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            if (it > 0 && it % 20 == 0) lr *= 0.5;
            posterior = WeightedVote(data, skills);
            var accuracy = AccuracyAgainst(data, posterior);
            var change = 0.0;
            for (var w = 0; w < skills.Length; w++)
            {
                var next = skills[w] + lr * (accuracy[w] - skills[w]);
                change += Math.Abs(next - skills[w]);
                skills[w] = next;
            }
            if (change < tolerance) break;
        }
        posterior = WeightedVote(data, skills);
        return new TruthResult(data, TruthMethod.ZeroBasedSkill, posterior, skills, iterations);
    }

    /// <summary>Vote shares per question with the given worker weights; gold questions are clamped.</summary>
    internal static double[] WeightedVote(AnswerSet data, double[] weights)
    {
        var k = data.LabelCount;
        var posterior = new double[data.QuestionCount * k];
        var answers = data.Answers;
        for (var q = 0; q < data.QuestionCount; q++)
        {
            var row = posterior.AsSpan(q * k, k);
            if (data.Gold[q] >= 0)
            {
                row[data.Gold[q]] = 1;
                continue;
            }
            var total = 0.0;
            for (var i = data.QuestionStart[q]; i < data.QuestionStart[q + 1]; i++)
            {
                var wgt = weights[answers[i].Worker];
                row[answers[i].Label] += wgt;
                total += wgt;
            }
            if (total > 0)
            {
                for (var l = 0; l < k; l++) row[l] /= total;
            }
            else
            {
                // No (usable) answers: nothing favours any label.
                row.Fill(1.0 / k);
            }
        }
        return posterior;
    }

    /// <summary>
    /// Per worker the share of answers equal to the current hard label (argmax of the posterior,
    /// ties to the smallest label). Workers without answers get 0.
    /// </summary>
    internal static double[] AccuracyAgainst(AnswerSet data, double[] posterior)
    {
        var k = data.LabelCount;
        var hard = HardLabels(posterior, data.QuestionCount, k);
        var right = new double[data.WorkerCount];
        var count = new int[data.WorkerCount];
        foreach (var a in data.Answers)
        {
            count[a.Worker]++;
            if (hard[a.Question] == a.Label) right[a.Worker]++;
        }
        for (var w = 0; w < right.Length; w++)
        {
            right[w] = count[w] == 0 ? 0 : right[w] / count[w];
        }
        return right;
    }

    internal static int[] HardLabels(double[] posterior, int questions, int k)
    {
        var hard = new int[questions];
        for (var q = 0; q < questions; q++)
        {
            var best = 0;
            for (var l = 1; l < k; l++)
            {
                if (posterior[q * k + l] > posterior[q * k + best]) best = l;
            }
            hard[q] = best;
        }
        return hard;
    }
}
