namespace Yunzhong.Core.Workforce;

/// <summary>When a certificate counts, and whether a person's certificates cover requirements.</summary>
public static class CertificateRules
{
    /// <summary>Whether <paramref name="certificate"/> is valid at <paramref name="at"/> (Unix ms): issued
    /// by then, not revoked by then, and not expired (the expiry instant itself is past).</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>True when it counts at that time.</returns>
    public static bool IsValid(Certificate certificate, long at) =>
        certificate.IssuedAt <= at
        && (certificate.RevokedAt is not { } revoked || revoked > at)
        && (certificate.ExpiresAt is not { } expires || expires > at);

    /// <summary>Whether <paramref name="certificate"/> covers <paramref name="need"/> at <paramref name="at"/>:
    /// the same skill, a level at least the one required, valid then.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <param name="need">The requirement.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>True when covered.</returns>
    public static bool Covers(Certificate certificate, SkillNeed need, long at) =>
        certificate.SkillId == need.SkillId && certificate.Level >= need.MinLevel && IsValid(certificate, at);

    /// <summary>Whether some certificate of <paramref name="held"/> covers <paramref name="need"/> at <paramref name="at"/>.</summary>
    /// <param name="held">A person's certificates (any state).</param>
    /// <param name="need">The requirement.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>True when covered.</returns>
    public static bool Covers(IReadOnlyList<Certificate> held, SkillNeed need, long at)
    {
        for (var i = 0; i < held.Count; i++)
        {
            if (Covers(held[i], need, at))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The requirements of <paramref name="needs"/> that <paramref name="held"/> does not cover at
    /// <paramref name="at"/>, in their order; empty when all are covered.</summary>
    /// <param name="held">A person's certificates.</param>
    /// <param name="needs">The requirements.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>The missing requirements.</returns>
    public static IReadOnlyList<SkillNeed> Missing(IReadOnlyList<Certificate> held, IEnumerable<SkillNeed> needs, long at) =>
        needs.Where(n => !Covers(held, n, at)).ToList();

    /// <summary>The highest level of <paramref name="skillId"/> that <paramref name="held"/> proves at
    /// <paramref name="at"/>, or 0 when none.</summary>
    /// <param name="held">A person's certificates.</param>
    /// <param name="skillId">The skill.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>The level, or 0.</returns>
    public static int LevelAt(IReadOnlyList<Certificate> held, long skillId, long at)
    {
        var best = 0;
        foreach (var c in held)
        {
            if (c.SkillId == skillId && c.Level > best && IsValid(c, at))
            {
                best = c.Level;
            }
        }
        return best;
    }

    /// <summary>When the coverage of <paramref name="held"/> can next change after <paramref name="at"/>
    /// (the earliest future expiry, issue or revocation), or null when never: how long an answer may be kept.</summary>
    /// <param name="held">A person's certificates.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>The next instant, Unix ms, or null.</returns>
    public static long? NextChange(IReadOnlyList<Certificate> held, long at)
    {
        long? next = null;
        foreach (var c in held)
        {
            foreach (var t in new[] { c.IssuedAt, c.ExpiresAt ?? long.MaxValue, c.RevokedAt ?? long.MaxValue })
            {
                if (t > at && t != long.MaxValue && (next is null || t < next))
                {
                    next = t;
                }
            }
        }
        return next;
    }
}
