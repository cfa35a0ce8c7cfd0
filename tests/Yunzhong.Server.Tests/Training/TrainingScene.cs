using Yunzhong.Server.Features.Training;

namespace Yunzhong.Server.Tests.Training;

/// <summary>What the training tests (and the role and tenancy sweeps) build on: a skill of the catalogue,
/// and a project of the organisation with gold tasks "gold 0".."gold n" whose known answer is "pos".</summary>
public static class TrainingScene
{
    /// <summary>A skill with three levels, written straight to the store (the catalogue is the operator's).</summary>
    public static Task<long> SkillAsync(ServerFixture fx) => fx.QueryScalarAsync<long>(
        "INSERT INTO skills (code, name_en, name_zh, description, max_level, created_at, updated_at) VALUES (@code, 'Sentiment', '情感分类', '', 3, 0, 0) RETURNING id",
        new { code = $"sentiment-{Guid.NewGuid():N}" });

    /// <summary>A project of <paramref name="organizationId"/> with <paramref name="gold"/> gold tasks and one plain task; the gold tasks' ids, in key order.</summary>
    public static async Task<(long Project, long[] Gold, long Plain)> GoldProjectAsync(ServerFixture fx, Person admin, long organizationId, int gold)
    {
        var project = await TestData.ProjectAsync(admin, organizationId);
        var lines = Enumerable.Range(0, gold).Select(i => JsonSerializer.Serialize(new { key = $"g{i}", data = new { text = $"gold {i}" }, gold = new { label = new[] { "pos" } } }))
            .Append(JsonSerializer.Serialize(new { key = "plain", data = new { text = "no answer known" } }));
        using (var r = await TestData.ImportRawAsync(admin.Http, project, string.Join("\n", lines)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var ids = await fx.QueryAsync<long>("SELECT id FROM tasks WHERE project_id = @project AND gold_json IS NOT NULL ORDER BY id", new { project });
        var plain = await fx.QueryScalarAsync<long>("SELECT id FROM tasks WHERE project_id = @project AND gold_json IS NULL", new { project });
        return (project, [.. ids], plain);
    }

    public static object Exam(long skillId, long[] pool, int questions = 2, double passMark = 100, int maxAttempts = 3, int cooldownSeconds = 60,
        int timeLimitSeconds = 600) => new
    {
        title = "情感分类 一级", skillId, level = 1, questionCount = questions, timeLimitSeconds, passMark, maxAttempts, cooldownSeconds,
        certificateDays = 365, poolTaskIds = pool,
    };

    public static async Task<ExamDetail> ExamAsync(Person trainer, long organizationId, object exam) =>
        await trainer.Http.PostOkAsync<ExamDetail>($"api/organizations/{organizationId}/exams", exam);

    /// <summary>A multipart body holding one file in the part "file", as the lesson image upload takes it.</summary>
    public static MultipartFormDataContent ImageForm(byte[] bytes, string name)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", name);
        return form;
    }

    /// <summary>The demo's horse photo, uploaded into course <paramref name="courseId"/> by <paramref name="trainer"/>.</summary>
    public static async Task<CourseImageView> ImageAsync(Person trainer, long courseId)
    {
        using var r = await trainer.Http.PostAsync($"api/courses/{courseId}/images", ImageForm(Api.DemoFile("photos/media/horse.png"), "horse.png"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<CourseImageView>(HttpJson.Options))!;
    }

    public static readonly object Right = new { label = new[] { "pos" } };

    public static readonly object Wrong = new { label = new[] { "neg" } };
}
