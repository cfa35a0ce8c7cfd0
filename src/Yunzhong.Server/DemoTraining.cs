using Yunzhong.Server.Features.Training;

namespace Yunzhong.Server;

/// <summary>
/// The demo's training (after <see cref="DemoSeeder"/>'s projects and <see cref="DemoPark"/>): two skills of the
/// catalogue (found by code when the park already has them), a course per skill with lessons in Markdown (one with
/// a photo of the demo's) and practice on the demo projects' gold tasks, an exam per skill, and attempts by the
/// demo's second annotator, one failed and one passed (which issues a certificate the usual way). The first
/// annotator starts with nothing, to take the course and the exams.
/// </summary>
public sealed class DemoTraining(Db db, Attempts attempts, TimeProvider time, ILogger<DemoTraining> log)
{
    private sealed record Skill(string Code, string NameEn, string NameZh, string Description, int MaxLevel);

    private static readonly Skill _ner = new("ner-zh", "Chinese named entities", "中文命名实体", "Marks people, organisations, places and times in Chinese text.", 3);
    private static readonly Skill _spam = new("email-spam", "Email spam triage", "邮件垃圾识别", "Tells unsolicited bulk mail from mail the recipient wants.", 2);

    public async Task SeedAsync(long clientOrg, long adminId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM courses WHERE organization_id = @clientOrg", new { clientOrg }, cancellationToken: ct)) > 0)
        {
            return;
        }
        var news = await ProjectAsync(c, clientOrg, "Debian FAQ", ct);
        var emails = await ProjectAsync(c, clientOrg, "spam or ham", ct);
        var photos = await ProjectAsync(c, clientOrg, "Photos:", ct);
        if (news is null || emails is null)
        {
            log.LogWarning("Demo training: the demo's news and email projects are missing; no courses or exams");
            return;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var nerGold = await GoldAsync(c, news.Value, ct);
        var spamGold = await GoldAsync(c, emails.Value, ct);
        long nerSkill, spamSkill, spamExam;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            nerSkill = await SkillAsync(c, tx, _ner, now, ct);
            spamSkill = await SkillAsync(c, tx, _spam, now, ct);
            var image = photos is { } ph ? $"\n\n![马的剪影 A horse silhouette](/api/projects/{ph}/media/horse.png)\n" : "";
            var ner = await CourseAsync(c, tx, clientOrg, adminId, nerSkill, "中文命名实体入门 Chinese NER basics", "人名、组织、地点与时间的标注规范。", now, ct);
            await LessonAsync(c, tx, clientOrg, ner, "实体是什么 What an entity is",
                "## 四类实体\n\n| 标签 | 含义 | 例子 |\n|---|---|---|\n| PER | 人名 | Ian Murdock |\n| ORG | 组织、计划 | 自由软件基金会、Debian 计划 |\n| LOC | 地名 | Braunschweig |\n| TIME | 日期与时间 | 1993 年 |\n\n" +
                "边界**不含**“的”等虚词。\n\nEntity boundaries leave out particles such as 的.", nerGold.Take(2), now, ct);
            await LessonAsync(c, tx, clientOrg, ner, "边界与嵌套 Boundaries",
                "先标最长的完整名称，再检查英文名与中文之间的空格是否被排除。\n\nMark the longest complete name; spaces between Latin and Chinese text are not part of it." + image,
                nerGold.Skip(2).Take(2), now, ct);
            var spam = await CourseAsync(c, tx, clientOrg, adminId, spamSkill, "垃圾邮件识别 Spam or ham", "看主题与正文开头，判断是否为垃圾邮件。", now, ct);
            await LessonAsync(c, tx, clientOrg, spam, "判断要点 What makes spam",
                "- **spam**：广告群发、诈骗、连锁信\n- **ham**：个人邮件、邮件列表讨论、自己订阅的通讯\n\nA newsletter the recipient signed up for is **ham** even when it sells something.",
                spamGold.Take(3), now, ct);
            await ExamAsync(c, tx, clientOrg, adminId, "中文命名实体 一级 NER level 1", nerSkill, 1, 2, 900, 70, 3, 600, 365, nerGold, now, ct);
            spamExam = await ExamAsync(c, tx, clientOrg, adminId, "垃圾邮件识别 一级 Spam level 1", spamSkill, 1, 5, 600, 80, 3, 300, 180, spamGold, now, ct);
            await tx.CommitAsync(ct);
        }
        await TakeAsync(c, spamExam, "annotator2@demo.yunzhong", right: 2, ct);
        await TakeAsync(c, spamExam, "annotator2@demo.yunzhong", right: 5, ct);
        await TakeAsync(c, spamExam, "reviewer@demo.yunzhong", right: 4, ct);
    }

    private static Task<long?> ProjectAsync(DbConnection c, long org, string nameLike, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM projects WHERE organization_id = @org AND name LIKE @like AND deleted_at IS NULL ORDER BY id",
            new { org, like = $"%{nameLike}%" }, cancellationToken: ct));

    private static async Task<List<long>> GoldAsync(DbConnection c, long project, CancellationToken ct) =>
        (await c.QueryAsync<long>(new CommandDefinition("SELECT id FROM tasks WHERE project_id = @project AND gold_json IS NOT NULL ORDER BY id",
            new { project }, cancellationToken: ct))).ToList();

    private static async Task<long> SkillAsync(DbConnection c, DbTransaction tx, Skill s, long now, CancellationToken ct) =>
        await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition("SELECT id FROM skills WHERE code = @code", new { code = s.Code }, tx, cancellationToken: ct))
        ?? await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO skills (code, name_en, name_zh, description, max_level, created_at, updated_at)
            VALUES (@code, @nameEn, @nameZh, @description, @maxLevel, @now, @now) RETURNING id
            """, new { code = s.Code, nameEn = s.NameEn, nameZh = s.NameZh, description = s.Description, maxLevel = s.MaxLevel, now }, tx, cancellationToken: ct));

    private static Task<long> CourseAsync(DbConnection c, DbTransaction tx, long org, long userId, long skillId, string title, string summary, long now, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertCourseSql,
            new { organizationId = org, title, summary, skillId = (long?)skillId, userId, now }, tx, cancellationToken: ct));

    private static async Task LessonAsync(DbConnection c, DbTransaction tx, long org, long courseId, string title, string body, IEnumerable<long> practice, long now, CancellationToken ct)
    {
        var lessonId = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertLessonSql, new { courseId, title, body, now }, tx, cancellationToken: ct));
        var position = 0;
        foreach (var task in practice)
        {
            var copy = await TrainingTasks.CopyAsync(c, tx, org, task, now, ct) ?? throw new InvalidOperationException($"demo task {task} is not gold");
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.InsertPracticeSql, new { lessonId, position = ++position, trainingTaskId = copy }, tx, cancellationToken: ct));
        }
    }

    private static async Task<long> ExamAsync(
        DbConnection c, DbTransaction tx, long org, long userId, string title, long skillId, int level, int questionCount, int timeLimitSeconds, double passMark,
        int maxAttempts, int cooldownSeconds, int certificateDays, IEnumerable<long> pool, long now, CancellationToken ct)
    {
        var examId = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertExamSql, new
        {
            organizationId = org, title, skillId, level, questionCount, timeLimitSeconds, passMark, maxAttempts, cooldownSeconds, certificateDays, userId, now,
        }, tx, cancellationToken: ct));
        foreach (var task in pool)
        {
            var copy = await TrainingTasks.CopyAsync(c, tx, org, task, now, ct) ?? throw new InvalidOperationException($"demo task {task} is not gold");
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.InsertPoolSql, new { examId, trainingTaskId = copy }, tx, cancellationToken: ct));
        }
        return examId;
    }

    /// <summary>An attempt by <paramref name="email"/> that answers the first <paramref name="right"/> questions with the
    /// known answer and hands in, marked (and certified on a pass) by <see cref="Attempts.FinishAsync"/>; a past cool-down is not waited out.</summary>
    private async Task TakeAsync(DbConnection c, long examId, string email, int right, CancellationToken ct)
    {
        var userId = await c.QuerySingleAsync<long>(new CommandDefinition("SELECT id FROM users WHERE email = @email", new { email }, cancellationToken: ct));
        var exam = await c.QuerySingleAsync<ExamsApi.ExamRow>(new CommandDefinition(TrainingSql.ExamSql, new { examId }, cancellationToken: ct));
        var (attemptId, _) = await attempts.StartAsync(exam, userId, ct, ignoreCooldown: true);
        foreach (var q in await attempts.QuestionsAsync(attemptId!.Value, ct))
        {
            if (q.Position <= right)
            {
                using var gold = JsonDocument.Parse(q.GoldJson);
                var (score, _) = TrainingTasks.Score(q.SchemaJson, q.DataJson, q.GoldJson, gold.RootElement);
                await attempts.AnswerAsync(attemptId.Value, (int)q.Position, q.GoldJson, score, ct);
            }
        }
        await attempts.FinishAsync(attemptId.Value, ct);
    }
}
