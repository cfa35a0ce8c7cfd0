using Yunzhong.Core.Workforce;
using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Features.Training;

/// <summary>The park's skills as training names them: a course or exam names a skill of the catalogue, an exam one of its
/// levels; refused with the catalogue's own codes, as a certificate grant or a requirement is.</summary>
internal static class TrainingSkills
{
    /// <summary>Null when <paramref name="skillId"/> is null or a skill of the catalogue (and <paramref name="level"/>, when given, one of its levels).</summary>
    public static async Task<ValidationProblem?> UnknownAsync(DbConnection c, long? skillId, CancellationToken ct, int? level = null)
    {
        if (skillId is not { } id)
        {
            return null;
        }
        var levels = await RoutingApi.LevelsAsync(c, ct);
        if (!levels.TryGetValue(id, out var max))
        {
            return Http.Invalid("skillId", $"skillId names no skill of the catalogue ({id}).", ProblemCodes.SkillUnknown, ProblemCodes.Params(("skillId", id)));
        }
        return level is { } l && !SkillRules.IsLevelOf(l, max)
            ? Http.Invalid("level", $"level must be a level of the skill, 1 to {max}.", ProblemCodes.SkillLevelOutOfRange, ProblemCodes.Params(("min", 1), ("max", max)))
            : null;
    }
}
