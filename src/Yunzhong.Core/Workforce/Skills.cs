namespace Yunzhong.Core.Workforce;

/// <summary>A skill of the park's catalogue (技能), kept by the operator: a stable code, its names in
/// English and Chinese, and the levels it has (1 to <see cref="MaxLevel"/>).</summary>
/// <param name="Id">The skill's id.</param>
/// <param name="Code">A stable code, unique in the park (e.g. <c>dialect-datong</c>).</param>
/// <param name="NameEn">The English name.</param>
/// <param name="NameZh">The Chinese name.</param>
/// <param name="Description">What holding the skill means.</param>
/// <param name="MaxLevel">The highest level, 1 to <see cref="SkillRules.LevelCeiling"/>.</param>
public sealed record Skill(long Id, string Code, string NameEn, string NameZh, string Description, int MaxLevel);

/// <summary>Where a certificate came from.</summary>
public enum CertificateSource
{
    /// <summary>Passing a qualification exam; the source id is the exam attempt.</summary>
    Exam,

    /// <summary>Granted by an operator or a trainer.</summary>
    Granted,
}

/// <summary>A certificate (证书): proof that a person holds a skill at a level from a date, until it
/// expires or is revoked.</summary>
/// <param name="Id">The certificate's id.</param>
/// <param name="UserId">Who holds it.</param>
/// <param name="SkillId">The skill.</param>
/// <param name="Level">The level proven.</param>
/// <param name="IssuedAt">When it was issued (Unix ms).</param>
/// <param name="ExpiresAt">When it stops being valid (Unix ms), or null for never.</param>
/// <param name="RevokedAt">When it was revoked (Unix ms), or null.</param>
public sealed record Certificate(long Id, long UserId, long SkillId, int Level, long IssuedAt, long? ExpiresAt, long? RevokedAt);

/// <summary>A requirement: the skill at least at a level.</summary>
/// <param name="SkillId">The skill required.</param>
/// <param name="MinLevel">The lowest level that covers it.</param>
public readonly record struct SkillNeed(long SkillId, int MinLevel);

/// <summary>Rules of the skills catalogue.</summary>
public static class SkillRules
{
    /// <summary>The most levels a skill may have.</summary>
    public const int LevelCeiling = 9;

    /// <summary>The longest code.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>Whether <paramref name="code"/> is a valid skill code: 1–64 of lower-case ASCII letters,
    /// digits, <c>-</c>, <c>_</c>, <c>.</c> and <c>:</c>, starting with a letter or digit.</summary>
    /// <param name="code">The code to check.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidCode(string? code)
    {
        if (code is null || code.Length == 0 || code.Length > MaxCodeLength || !LowerOrDigit(code[0]))
        {
            return false;
        }
        foreach (var ch in code)
        {
            if (!LowerOrDigit(ch) && ch is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool LowerOrDigit(char ch) => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch);

    /// <summary>Whether <paramref name="level"/> is a level of a skill with <paramref name="maxLevel"/> levels.</summary>
    /// <param name="level">The level.</param>
    /// <param name="maxLevel">The skill's highest level.</param>
    /// <returns>True when 1 ≤ level ≤ maxLevel.</returns>
    public static bool IsLevelOf(int level, int maxLevel) => level >= 1 && level <= maxLevel;
}
