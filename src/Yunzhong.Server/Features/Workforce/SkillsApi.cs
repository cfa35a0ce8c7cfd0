using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Workforce;

/// <param name="Code">Lower-case ASCII letters, digits and <c>- _ . :</c> (e.g. <c>dialect-datong</c>), unique in the park.</param>
/// <param name="MaxLevel">How many levels the skill has, 1 to 9.</param>
public sealed record SkillRequest(string Code, string NameEn, string NameZh, string? Description, int MaxLevel);

public sealed record SkillView(long Id, string Code, string NameEn, string NameZh, string Description, int MaxLevel, DateTimeOffset CreatedAt);

/// <summary>The park's skills catalogue (技能目录): everyone signed in reads it; the park operator's admins
/// and managers keep it.</summary>
public static class SkillsApi
{
    public static IEndpointRouteBuilder MapSkills(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/skills").WithTags("Workforce").SignedIn();
        g.MapGet("", List).WithName("listSkills");
        g.MapPost("", Create).WithName("createSkill").Gated().JsonBody().Conflicts();
        g.MapPut("/{skillId:long}", Update).WithName("updateSkill").Gated().JsonBody().Conflicts();
        g.MapDelete("/{skillId:long}", Delete).WithName("deleteSkill").Gated().Conflicts();
        return app;
    }

    internal sealed record SkillRow(long Id, string Code, string NameEn, string NameZh, string Description, long MaxLevel, long CreatedAt)
    {
        public SkillView View() => new(Id, Code, NameEn, NameZh, Description, (int)MaxLevel, Http.Time(CreatedAt));
    }

    private static async Task<Ok<List<SkillView>>> List(Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok((await c.QueryAsync<SkillRow>(new CommandDefinition(SkillsSql.ListSql, cancellationToken: ct))).Select(r => r.View()).ToList());
    }

    private static async Task<Results<Created<SkillView>, ProblemHttpResult, ValidationProblem>> Create(
        SkillRequest request, ClaimsPrincipal user, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await OperatorGateAsync(db, user.UserId(), ct) is { } refused)
        {
            return refused;
        }
        if (Check(request) is { } bad)
        {
            return bad;
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(SkillsSql.ByCodeSql, new { code = request.Code }, cancellationToken: ct)) is not null)
        {
            return CodeTaken(request.Code);
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(SkillsSql.InsertSql, Args(request, 0, time), cancellationToken: ct));
        var row = await c.QuerySingleAsync<SkillRow>(new CommandDefinition(SkillsSql.OneSql, new { id }, cancellationToken: ct));
        return TypedResults.Created($"/api/skills/{id}", row.View());
    }

    /// <summary>Renames a skill or changes its levels; its levels never drop below one a certificate,
    /// requirement, route or demand uses.</summary>
    private static async Task<Results<Ok<SkillView>, ProblemHttpResult, ValidationProblem>> Update(
        long skillId, SkillRequest request, ClaimsPrincipal user, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await OperatorGateAsync(db, user.UserId(), ct) is { } refused)
        {
            return refused;
        }
        if (Check(request) is { } bad)
        {
            return bad;
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.QueryFirstOrDefaultAsync<SkillRow>(new CommandDefinition(SkillsSql.OneSql, new { id = skillId }, cancellationToken: ct)) is null)
        {
            return Http.NotFound("Skill");
        }
        var other = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(SkillsSql.ByCodeSql, new { code = request.Code }, cancellationToken: ct));
        if (other is { } o && o != skillId)
        {
            return CodeTaken(request.Code);
        }
        var used = await c.ExecuteScalarAsync<long?>(new CommandDefinition(SkillsSql.HighestUsedLevelSql, new { id = skillId }, cancellationToken: ct));
        if (used is { } highest && request.MaxLevel < highest)
        {
            return Http.Invalid("maxLevel", $"Level {highest} of this skill is in use (certificates, requirements, routes or demands): maxLevel must stay at least {highest}.",
                ProblemCodes.SkillLevelInUse, ProblemCodes.Params(("level", highest)));
        }
        await c.ExecuteAsync(new CommandDefinition(SkillsSql.UpdateSql, Args(request, skillId, time), cancellationToken: ct));
        return TypedResults.Ok((await c.QuerySingleAsync<SkillRow>(new CommandDefinition(SkillsSql.OneSql, new { id = skillId }, cancellationToken: ct))).View());
    }

    /// <summary>Deletes a skill nothing refers to yet (409 once a certificate, requirement, route or demand names it).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long skillId, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        if (await OperatorGateAsync(db, user.UserId(), ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.QueryFirstOrDefaultAsync<SkillRow>(new CommandDefinition(SkillsSql.OneSql, new { id = skillId }, cancellationToken: ct)) is null)
        {
            return Http.NotFound("Skill");
        }
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(SkillsSql.UsedSql, new { id = skillId }, cancellationToken: ct)) == 1)
        {
            return Http.Conflict("Certificates, requirements, routes or demands name this skill: it stays in the catalogue.", ProblemCodes.SkillInUse);
        }
        await c.ExecuteAsync(new CommandDefinition(SkillsSql.DeleteSql, new { id = skillId }, cancellationToken: ct));
        return TypedResults.NoContent();
    }

    /// <summary>403 unless the caller is an admin or manager of the park operator.</summary>
    internal static async Task<ProblemHttpResult?> OperatorGateAsync(Db db, long userId, CancellationToken ct) =>
        (await Park.ParkScope.OperatorRolesAsync(db, userId, ct) & RoleNames.Manage) != 0 ? null
            : Http.Forbidden("Only the park operator's admins and managers keep the skills catalogue.");

    private static object Args(SkillRequest r, long id, TimeProvider time) => new
    {
        id, code = r.Code, nameEn = r.NameEn.Trim(), nameZh = r.NameZh.Trim(), description = r.Description?.Trim() ?? "", maxLevel = r.MaxLevel,
        now = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    private static ValidationProblem CodeTaken(string code) =>
        Http.Invalid("code", $"Another skill has the code {code}.", ProblemCodes.SkillCodeTaken, ProblemCodes.Params(("code", code)));

    private static ValidationProblem? Check(SkillRequest r)
    {
        var errors = new List<SchemaError>();
        if (!SkillRules.IsValidCode(r.Code))
        {
            errors.Add(new("code", "code must be 1–64 lower-case ASCII letters, digits, '-', '_', '.' or ':', starting with a letter or digit.", ProblemCodes.SkillCodeInvalid));
        }
        foreach (var (field, value) in new[] { ("nameEn", r.NameEn), ("nameZh", r.NameZh) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new(field, $"{field} is required.", ProblemCodes.FieldRequired));
            }
            else if (value.Length > 100)
            {
                errors.Add(new(field, $"{field} is longer than 100 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 100))));
            }
        }
        if (r.Description is { Length: > 2000 })
        {
            errors.Add(new("description", "description is longer than 2000 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 2000))));
        }
        if (r.MaxLevel < 1 || r.MaxLevel > SkillRules.LevelCeiling)
        {
            errors.Add(new("maxLevel", $"maxLevel must be between 1 and {SkillRules.LevelCeiling}.", ProblemCodes.FieldRange,
                ProblemCodes.Params(("min", 1), ("max", SkillRules.LevelCeiling))));
        }
        return errors.Count > 0 ? Http.Invalid(errors) : null;
    }
}
