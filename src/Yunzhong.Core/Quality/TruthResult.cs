namespace Yunzhong.Core.Quality;

/// <summary>
/// What a truth-inference method concluded: per question the inferred label, the posterior over
/// labels and its confidence; per worker a skill estimate.
/// </summary>
public sealed class TruthResult
{
    internal TruthResult(AnswerSet data, TruthMethod method, double[] posterior, double[] workerSkill, int iterations)
    {
        Data = data;
        Method = method;
        Posterior = posterior;
        WorkerSkill = workerSkill;
        Iterations = iterations;
        var k = data.LabelCount;
        Truth = new int[data.QuestionCount];
        Confidence = new double[data.QuestionCount];
        for (var q = 0; q < data.QuestionCount; q++)
        {
            // Strictly greater keeps the smallest label on ties.
            var best = 0;
            for (var l = 1; l < k; l++)
            {
                if (posterior[q * k + l] > posterior[q * k + best]) best = l;
            }
            Truth[q] = k == 0 ? -1 : best;
            Confidence[q] = k == 0 ? 0 : Math.Clamp(posterior[q * k + best], 0, 1);
        }
    }

    /// <summary>The answers this result was inferred from.</summary>
    public AnswerSet Data { get; }

    /// <summary>The method that produced it.</summary>
    public TruthMethod Method { get; }

    /// <summary>Inferred label index per question (index into <see cref="AnswerSet.Labels"/>).</summary>
    public int[] Truth { get; }

    /// <summary>Posterior probability of the inferred label per question, in [0, 1].</summary>
    public double[] Confidence { get; }

    /// <summary>Posterior over labels, row-major: question q, label l at [q * LabelCount + l].</summary>
    public double[] Posterior { get; }

    /// <summary>
    /// Per worker the method's estimate of the probability that the worker answers correctly,
    /// in [0, 1] (for GLAD, the mean over the worker's questions of σ(α·β)).
    /// </summary>
    public double[] WorkerSkill { get; }

    /// <summary>EM/update rounds the method ran (1 for closed-form methods).</summary>
    public int Iterations { get; }

    /// <summary>The inferred label of question <paramref name="question"/> as a string.</summary>
    public string TruthLabel(int question) => Data.Labels[Truth[question]];

    /// <summary>Skill per worker id.</summary>
    public IReadOnlyDictionary<string, double> SkillsByWorker()
    {
        var d = new Dictionary<string, double>(Data.WorkerCount, StringComparer.Ordinal);
        for (var w = 0; w < Data.WorkerCount; w++)
        {
            d[Data.Workers[w]] = WorkerSkill[w];
        }
        return d;
    }

    /// <summary>
    /// Share of questions with a known truth whose inferred label equals it; questions missing
    /// from <paramref name="truth"/> are not counted. Returns 0 when none are known.
    /// </summary>
    public double Accuracy(IReadOnlyDictionary<string, string> truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        int known = 0, right = 0;
        for (var q = 0; q < Data.QuestionCount; q++)
        {
            if (!truth.TryGetValue(Data.Questions[q], out var t)) continue;
            known++;
            if (Truth[q] >= 0 && Data.Labels[Truth[q]] == t) right++;
        }
        return known == 0 ? 0 : (double)right / known;
    }
}
