using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Training;

/// <summary>The park's skills as training names them: a course or exam names a skill of the catalogue, an exam one of its levels.</summary>
internal static class TrainingSkills
{
    private const string MaxLevelSql = "SELECT max_level FROM skills WHERE id = @skillId";

    /// <summary>Null when <paramref name="skillId"/> is null or a skill of the catalogue (and <paramref name="level"/>, when given, one of its levels).</summary>
    public static async Task<ValidationProblem?> UnknownAsync(DbConnection c, long? skillId, CancellationToken ct, int? level = null)
    {
        if (skillId is null)
        {
            return null;
        }
        var max = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(MaxLevelSql, new { skillId }, cancellationToken: ct));
        if (max is null)
        {
            return Http.Invalid("skillId", $"There is no skill {skillId} in the park's catalogue.", ProblemCodes.TrainingUnknownSkill,
                ProblemCodes.Params(("value", skillId)));
        }
        return level is { } l && !SkillRules.IsLevelOf(l, (int)max)
            ? Http.Invalid("level", $"level must be between 1 and the skill's {max} levels.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", max)))
            : null;
    }
}
