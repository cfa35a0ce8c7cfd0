using System.Text.Json;

namespace Yunzhong.Core.Workforce;

/// <summary>A project's route by task data (数据路由): a task whose field <see cref="Field"/> holds
/// <see cref="Value"/> requires <see cref="Need"/>; the route owns bit <see cref="Bit"/> of the task's skill mask.</summary>
/// <param name="Bit">The route's bit, 0 to <see cref="SkillRouting.MaxRoutes"/> − 1.</param>
/// <param name="Field">The task data's top-level field.</param>
/// <param name="Value">The value that routes (compared as text).</param>
/// <param name="Need">What a task so routed requires.</param>
public sealed record SkillRoute(int Bit, string Field, string Value, SkillNeed Need);

/// <summary>Routing by skill: which tasks a person may be served, as bit masks the queue tests with one AND.</summary>
public static class SkillRouting
{
    /// <summary>The most routes a project may have (bits 0–62 of a signed 64-bit mask).</summary>
    public const int MaxRoutes = 63;

    /// <summary>The mask of task data <paramref name="data"/> (a JSON object): the bits of the routes whose
    /// field holds their value (a string as it is, a number or boolean as its JSON text).</summary>
    /// <param name="data">The task's data.</param>
    /// <param name="routes">The project's routes.</param>
    /// <returns>The task's skill mask; 0 when no route matches.</returns>
    public static long TaskMask(JsonElement data, IReadOnlyList<SkillRoute> routes)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }
        long mask = 0;
        foreach (var r in routes)
        {
            if (data.TryGetProperty(r.Field, out var v) && Text(v) == r.Value)
            {
                mask |= 1L << r.Bit;
            }
        }
        return mask;
    }

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => null,
    };

    /// <summary>The bits of <paramref name="routes"/> a person holding <paramref name="held"/> may NOT take at
    /// <paramref name="at"/>: a task is theirs only when <c>(mask &amp; denied) == 0</c>.</summary>
    /// <param name="held">The person's certificates.</param>
    /// <param name="routes">The project's routes.</param>
    /// <param name="at">The time, Unix ms.</param>
    /// <returns>The denied bits; 0 when every route is covered.</returns>
    public static long DeniedMask(IReadOnlyList<Certificate> held, IReadOnlyList<SkillRoute> routes, long at)
    {
        long denied = 0;
        foreach (var r in routes)
        {
            if (!CertificateRules.Covers(held, r.Need, at))
            {
                denied |= 1L << r.Bit;
            }
        }
        return denied;
    }

    /// <summary>The lowest bit no route of <paramref name="routes"/> uses, or null when all are taken.</summary>
    /// <param name="routes">The project's routes.</param>
    /// <returns>A free bit, or null.</returns>
    public static int? FreeBit(IEnumerable<SkillRoute> routes)
    {
        long used = 0;
        foreach (var r in routes)
        {
            used |= 1L << r.Bit;
        }
        for (var b = 0; b < MaxRoutes; b++)
        {
            if ((used & (1L << b)) == 0)
            {
                return b;
            }
        }
        return null;
    }
}
