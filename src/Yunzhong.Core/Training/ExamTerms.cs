namespace Yunzhong.Core.Training;

/// <summary>
/// The terms of a qualification exam (资格考试): how many questions an attempt draws from the pool, how
/// long it may take, the mark that passes it, how often it may be taken and how long to wait between
/// attempts, and how long the certificate it leads to stays valid.
/// </summary>
/// <param name="QuestionCount">Questions each attempt draws from the pool (1 or more, at most the pool).</param>
/// <param name="TimeLimitSeconds">From the start of an attempt to its fixed deadline (server time).</param>
/// <param name="PassMark">Percent (0–100) of the gold score an attempt needs to pass.</param>
/// <param name="MaxAttempts">Attempts one person may start (1 or more).</param>
/// <param name="CooldownSeconds">Wait after one attempt ends before the next may start (0: none).</param>
/// <param name="CertificateDays">Days a certificate issued on passing stays valid.</param>
public sealed record ExamTerms(int QuestionCount, int TimeLimitSeconds, double PassMark, int MaxAttempts, int CooldownSeconds, int CertificateDays)
{
    /// <summary>Longest time limit: a working day.</summary>
    public const int MaxTimeLimitSeconds = 8 * 3600;

    /// <summary>Longest wait between attempts: thirty days.</summary>
    public const int MaxCooldownSeconds = 30 * 24 * 3600;

    /// <summary>Most questions one attempt draws.</summary>
    public const int MaxQuestions = 200;

    /// <summary>What is wrong with the terms for a pool of <paramref name="poolSize"/> gold tasks, each
    /// naming its field (<c>questionCount</c>, <c>passMark</c>, …); empty when nothing is.</summary>
    public IReadOnlyList<SchemaError> Check(int poolSize)
    {
        var errors = new List<SchemaError>();
        if (QuestionCount is < 1 or > MaxQuestions)
        {
            errors.Add(Range("questionCount", QuestionCount, 1, MaxQuestions));
        }
        else if (QuestionCount > poolSize)
        {
            errors.Add(SchemaError.Of("questionCount", $"questionCount ({QuestionCount}) is more than the pool's {poolSize} gold tasks.",
                ExamCodes.PoolTooSmall, ("value", QuestionCount), ("pool", poolSize)));
        }
        if (TimeLimitSeconds is < 30 or > MaxTimeLimitSeconds)
        {
            errors.Add(Range("timeLimitSeconds", TimeLimitSeconds, 30, MaxTimeLimitSeconds));
        }
        if (double.IsNaN(PassMark) || PassMark is < 0 or > 100)
        {
            errors.Add(Range("passMark", PassMark, 0, 100));
        }
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add(Range("maxAttempts", MaxAttempts, 1, 100));
        }
        if (CooldownSeconds is < 0 or > MaxCooldownSeconds)
        {
            errors.Add(Range("cooldownSeconds", CooldownSeconds, 0, MaxCooldownSeconds));
        }
        if (CertificateDays is < 1 or > 3650)
        {
            errors.Add(Range("certificateDays", CertificateDays, 1, 3650));
        }
        return errors;
    }

    private static SchemaError Range(string field, double value, double min, double max) =>
        SchemaError.Of(field, $"{field} must be between {min} and {max}; it is {value}.", ExamCodes.OutOfRange, ("value", value), ("min", min), ("max", max));
}

/// <summary>Codes of the training checks' problems, which clients translate.</summary>
public static class ExamCodes
{
    /// <summary>A number outside its range (<c>value</c>, <c>min</c>, <c>max</c>).</summary>
    public const string OutOfRange = "field.range";

    /// <summary>More questions than gold tasks in the pool (<c>value</c>, <c>pool</c>).</summary>
    public const string PoolTooSmall = "exam.pool_too_small";
}
