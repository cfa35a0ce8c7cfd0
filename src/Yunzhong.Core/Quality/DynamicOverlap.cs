namespace Yunzhong.Core.Quality;

/// <summary>A project's dynamic-overlap settings.</summary>
/// <param name="MinOverlap">Answers every task gets before confidence is looked at.</param>
/// <param name="MaxOverlap">Answers after which a task is never extended.</param>
/// <param name="ConfidenceTarget">Posterior confidence at which a task stops, in (0, 1].</param>
/// <param name="DefaultSkill">Skill assumed for workers without an estimate (e.g. new workers).</param>
public sealed record OverlapPolicy(int MinOverlap, int MaxOverlap, double ConfidenceTarget, double DefaultSkill = 0.7);

/// <summary>What dynamic overlap says about one task.</summary>
/// <param name="NeedsMore">True when the task should be given to another annotator.</param>
/// <param name="Label">The currently most likely label (null with no answers).</param>
/// <param name="Confidence">Its posterior probability.</param>
/// <param name="Answers">Answers counted.</param>
public sealed record OverlapDecision(bool NeedsMore, string? Label, double Confidence, int Answers);

/// <summary>
/// Decides whether a task needs more annotations: the posterior over labels is computed with a
/// one-coin model (each worker right with their skill, wrong answers spread evenly over the other
/// labels, uniform prior), and the task is extended while below the target, between min and max.
/// </summary>
public static class DynamicOverlap
{
    /// <summary>
    /// Decides for one task. <paramref name="labelCount"/> is the number of possible labels
    /// (schema options); at least the number of distinct answers and 2 are assumed.
    /// Skills are clamped to [0.01, 0.99] so no single answer is ever treated as certain.
    /// </summary>
    public static OverlapDecision Decide(
        IReadOnlyList<(string Worker, string Answer)> answers, IReadOnlyDictionary<string, double> skills,
        OverlapPolicy policy, int labelCount = 0)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MinOverlap < 0 || policy.MaxOverlap < policy.MinOverlap)
        {
            throw new ArgumentException("need 0 ≤ MinOverlap ≤ MaxOverlap", nameof(policy));
        }
        var n = answers.Count;
        if (n == 0) return new OverlapDecision(policy.MaxOverlap > 0, null, 0, 0);

        var seen = answers.Select(a => a.Answer).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var k = Math.Max(Math.Max(labelCount, seen.Length), 2);
        var logLik = new double[seen.Length];
        var unseen = 0.0;
        foreach (var (worker, answer) in answers)
        {
            var s = Math.Clamp(skills.TryGetValue(worker, out var v) ? v : policy.DefaultSkill, 0.01, 0.99);
            var right = Math.Log(s);
            var wrong = Math.Log((1 - s) / (k - 1));
            for (var i = 0; i < seen.Length; i++) logLik[i] += seen[i] == answer ? right : wrong;
            unseen += wrong;
        }
        var max = Math.Max(logLik.Max(), unseen);
        var z = (k - seen.Length) * Math.Exp(unseen - max);
        foreach (var l in logLik) z += Math.Exp(l - max);
        var best = 0;
        for (var i = 1; i < seen.Length; i++)
        {
            if (logLik[i] > logLik[best]) best = i;
        }
        var confidence = Math.Exp(logLik[best] - max) / z;
        var needsMore = n < policy.MinOverlap || (n < policy.MaxOverlap && confidence < policy.ConfidenceTarget);
        return new OverlapDecision(needsMore, seen[best], confidence, n);
    }

    /// <summary>
    /// Worker skills for <see cref="Decide"/> from a truth-inference result, shrunk towards
    /// <paramref name="priorSkill"/> as if each worker had also given <paramref name="priorWeight"/>
    /// answers of that quality: a worker seen on three tasks is not yet trusted like a veteran.
    /// </summary>
    public static Dictionary<string, double> ShrunkSkills(TruthResult result, double priorSkill = 0.7, double priorWeight = 10)
    {
        ArgumentNullException.ThrowIfNull(result);
        var data = result.Data;
        var count = new int[data.WorkerCount];
        foreach (var a in data.Answers) count[a.Worker]++;
        var skills = new Dictionary<string, double>(data.WorkerCount, StringComparer.Ordinal);
        for (var w = 0; w < data.WorkerCount; w++)
        {
            skills[data.Workers[w]] = (count[w] * result.WorkerSkill[w] + priorWeight * priorSkill) / (count[w] + priorWeight);
        }
        return skills;
    }
}
