namespace Yunzhong.Core.Training;

/// <summary>One earlier attempt at an exam, as <see cref="ExamRules.MayStart"/> needs it (Unix ms).</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="Deadline">Start plus the time limit, fixed at the start.</param>
/// <param name="FinishedAt">When it was handed in or scored after its deadline; null while open.</param>
public sealed record AttemptTimes(long StartedAt, long Deadline, long? FinishedAt)
{
    /// <summary>When the attempt stopped counting time: handed in, else its deadline.</summary>
    public long EndedAt => FinishedAt is { } f ? Math.Min(f, Deadline) : Deadline;

    /// <summary>Still running at <paramref name="now"/>: not handed in and before its deadline.</summary>
    public bool OpenAt(long now) => FinishedAt is null && now < Deadline;
}

/// <summary>Why a person may not start an attempt now.</summary>
public enum StartRefusal
{
    /// <summary>They may start one.</summary>
    None,

    /// <summary>Every attempt the exam allows is used.</summary>
    NoAttemptsLeft,

    /// <summary>The last attempt ended less than the cool-down ago (<see cref="StartDecision.RetryAt"/> says when).</summary>
    CoolingDown,

    /// <summary>An attempt is still running (<see cref="StartDecision.OpenAttempt"/>): answer it first.</summary>
    AttemptOpen,
}

/// <param name="Refusal">Why not, or <see cref="StartRefusal.None"/>.</param>
/// <param name="OpenAttempt">Index of the attempt still running, for <see cref="StartRefusal.AttemptOpen"/>.</param>
/// <param name="RetryAt">When the cool-down ends (Unix ms), for <see cref="StartRefusal.CoolingDown"/>.</param>
public sealed record StartDecision(StartRefusal Refusal, int? OpenAttempt = null, long? RetryAt = null);

/// <summary>An attempt's result: its mark in percent of the gold score and whether that passes.</summary>
public sealed record ExamGrade(double Percent, bool Passed, int Answered);

/// <summary>
/// The pure rules of qualification exams: which questions an attempt draws, whether a person may
/// start one, and how a finished (or expired) attempt is marked. Each question is scored by
/// <see cref="GoldScoring"/>, the same rules that score gold tasks in projects.
/// </summary>
public static class ExamRules
{
    /// <summary>
    /// <paramref name="count"/> distinct tasks of the pool in the order the attempt asks them: a
    /// Fisher–Yates shuffle of the pool (sorted first, so the stored order of the pool does not matter)
    /// driven by <paramref name="seed"/>. The seed is recorded with the attempt, so the same seed and
    /// pool always give the same questions.
    /// </summary>
    public static long[] Draw(IEnumerable<long> pool, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var items = pool.Distinct().Order().ToArray();
        if (count < 0 || count > items.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"cannot draw {count} of {items.Length}");
        }
        // System.Random with a seed is a fixed algorithm (the legacy subtractive generator), stable across runtimes.
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, items.Length);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items[..count];
    }

    /// <summary>Whether a person whose earlier attempts at the exam are <paramref name="attempts"/> may start another at <paramref name="now"/>.</summary>
    public static StartDecision MayStart(ExamTerms terms, IReadOnlyList<AttemptTimes> attempts, long now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(attempts);
        for (var i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].OpenAt(now))
            {
                return new(StartRefusal.AttemptOpen, OpenAttempt: i);
            }
        }
        if (attempts.Count >= terms.MaxAttempts)
        {
            return new(StartRefusal.NoAttemptsLeft);
        }
        if (attempts.Count > 0)
        {
            var retryAt = attempts.Max(a => a.EndedAt) + terms.CooldownSeconds * 1000L;
            if (now < retryAt)
            {
                return new(StartRefusal.CoolingDown, RetryAt: retryAt);
            }
        }
        return new(StartRefusal.None);
    }

    /// <summary>
    /// The mark of an attempt whose questions scored <paramref name="scores"/> (each in [0, 1]; null for a
    /// question never answered, which counts 0): the mean in percent, rounded to a tenth, passing at
    /// <see cref="ExamTerms.PassMark"/> or above. An attempt that ran out of time is marked as it stood.
    /// </summary>
    public static ExamGrade Grade(ExamTerms terms, IReadOnlyList<double?> scores)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            return new(0, false, 0);
        }
        var sum = scores.Sum(s => Math.Clamp(s ?? 0, 0, 1));
        var percent = Math.Round(sum / scores.Count * 100, 1, MidpointRounding.AwayFromZero);
        return new(percent, percent >= terms.PassMark, scores.Count(s => s is not null));
    }
}
