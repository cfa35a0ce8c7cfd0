namespace Yunzhong.Core.Training;

/// <summary>One finished attempt, for the exam's figures.</summary>
public sealed record FinishedAttempt(long UserId, long StartedAt, bool Passed);

/// <summary>An exam's figures: how many took it, how many passed, and how many attempts passing took.</summary>
/// <param name="People">People who finished at least one attempt.</param>
/// <param name="Attempts">Finished attempts.</param>
/// <param name="Passed">People who passed at least once.</param>
/// <param name="PassRate">Share (0–1) of the people who took it that passed; 0 when nobody took it.</param>
/// <param name="MeanAttemptsToPass">Mean over those who passed of the attempts up to and including their first pass; null when nobody passed.</param>
/// <param name="AttemptsToPass">How many passed at their 1st, 2nd, … attempt (index 0 is the first).</param>
public sealed record ExamFigures(int People, int Attempts, int Passed, double PassRate, double? MeanAttemptsToPass, int[] AttemptsToPass)
{
    /// <summary>The figures of <paramref name="attempts"/> (finished ones only; order does not matter).</summary>
    public static ExamFigures Of(IEnumerable<FinishedAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var byPerson = attempts.GroupBy(a => a.UserId).Select(g => g.OrderBy(a => a.StartedAt).ToList()).ToList();
        var firstPass = byPerson.Select(list => list.FindIndex(a => a.Passed)).Where(i => i >= 0).Select(i => i + 1).ToList();
        var histogram = new int[firstPass.Count == 0 ? 0 : firstPass.Max()];
        foreach (var n in firstPass)
        {
            histogram[n - 1]++;
        }
        return new(
            byPerson.Count,
            byPerson.Sum(l => l.Count),
            firstPass.Count,
            byPerson.Count == 0 ? 0 : (double)firstPass.Count / byPerson.Count,
            firstPass.Count == 0 ? null : firstPass.Average(),
            histogram);
    }
}
