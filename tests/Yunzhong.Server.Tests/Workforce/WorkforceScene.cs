using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Tests.Workforce;

/// <summary>The park operator (a manager and a trainer), and skills made by it with unique codes.</summary>
internal sealed class WorkforceScene
{
    public required ServerFixture Fx { get; init; }
    public required Person OperatorManager { get; init; }
    public required Person OperatorTrainer { get; init; }

    public static async Task<WorkforceScene> CreateAsync(ServerFixture fx)
    {
        var park = await fx.NewOrgAsync("operator");
        return new WorkforceScene { Fx = fx, OperatorManager = await park.PersonAsync(Roles.Manager), OperatorTrainer = await park.PersonAsync(Roles.Trainer) };
    }

    public Task<SkillView> SkillAsync(string prefix = "dialect", int maxLevel = 3) =>
        OperatorManager.Http.PostOkAsync<SkillView>("api/skills", new
        {
            code = $"{prefix}-{Guid.NewGuid():N}", nameEn = "Datong dialect speech", nameZh = "方言语音·大同话", maxLevel,
        });

    public Task<CertificateView> GrantAsync(Person to, long skill, int level = 1, DateTimeOffset? expiresAt = null) =>
        OperatorTrainer.Http.PostOkAsync<CertificateView>("api/certificates", new { userId = to.Id, skillId = skill, level, expiresAt });

    public static async Task<ProjectSkillsView> RequireAsync(Person manager, long project, object[] requirements, object[]? routes = null)
    {
        using var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/skills", new { requirements, routes = routes ?? [] }, HttpJson.Options);
        return await r.OkAsync<ProjectSkillsView>("project skills");
    }

    /// <summary>Tasks with a <c>dialect</c> field: <paramref name="datong"/> of 大同话 first, then <paramref name="other"/> of 普通话.</summary>
    public static async Task ImportDialectsAsync(Person manager, long project, int datong, int other)
    {
        var lines = Enumerable.Range(0, datong + other).Select(i => JsonSerializer.Serialize(new
        {
            key = $"d{Guid.NewGuid():N}",
            data = new { text = $"录音 {i} {Guid.NewGuid():N}", dialect = i < datong ? "大同话" : "普通话" },
        }));
        using var r = await TestData.ImportRawAsync(manager.Http, project, string.Join("\n", lines));
        await r.OkAsync<ImportResponse>("import");
    }
}
