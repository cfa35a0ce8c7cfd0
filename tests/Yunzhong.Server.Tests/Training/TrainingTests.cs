using Yunzhong.Core.Training;
using Yunzhong.Server.Features.Training;

namespace Yunzhong.Server.Tests.Training;

public abstract class TrainingTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private sealed record World(Org Org, Person Admin, Person Trainer, Person Annotator, long Skill, long Project, long[] Gold, long Plain);

    private async Task<World> WorldAsync(int gold = 3)
    {
        var org = await fx.NewOrgAsync("vendor");
        var admin = await org.PersonAsync(Roles.Admin);
        var trainer = await org.PersonAsync(Roles.Trainer);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var skill = await TrainingScene.SkillAsync(fx);
        var (project, ids, plain) = await TrainingScene.GoldProjectAsync(fx, admin, org.Id, gold);
        return new World(org, admin, trainer, annotator, skill, project, ids, plain);
    }

    [Fact]
    public async Task TrainerWritesALessonAndTheAnnotatorPractisesWithTheGoldScoreBesideTheExpectedAnswer()
    {
        var w = await WorldAsync();
        var picked = await w.Trainer.Http.GetOkAsync<List<GoldTaskView>>($"api/organizations/{w.Org.Id}/gold-tasks");
        Assert.Equal(w.Gold.Order(), picked.Select(g => g.Id).Order());
        var course = await w.Trainer.Http.PostOkAsync<CourseView>($"api/organizations/{w.Org.Id}/courses", new { title = "情感分类入门", skillId = w.Skill });
        var lesson = await w.Trainer.Http.PostOkAsync<LessonView>($"api/courses/{course.Id}/lessons",
            new { title = "第一课", body = "# 正面还是负面\n![例图](/api/projects/1/media/a.png)", practiceTaskIds = new[] { w.Gold[0], w.Gold[1] } });
        Assert.Equal(2, lesson.Practice.Count);

        // The learner sees the lesson and its tasks, never the known answers.
        using (var r = await w.Annotator.Http.GetAsync($"api/lessons/{lesson.Id}"))
        {
            var raw = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.DoesNotContain("gold", raw.Replace("gold 0", "", StringComparison.Ordinal).Replace("gold 1", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
        var detail = await w.Annotator.Http.GetOkAsync<CourseDetail>($"api/courses/{course.Id}");
        Assert.Equal(2, Assert.Single(detail.Lessons).Practice);

        var right = await w.Annotator.Http.PostOkAsync<PracticeFeedback>($"api/practice/{lesson.Practice[0].Id}/check", new { result = TrainingScene.Right });
        Assert.Equal(1, right.Score);
        Assert.Equal("pos", right.Expected.GetProperty("label")[0].GetString());
        var wrong = await w.Annotator.Http.PostOkAsync<PracticeFeedback>($"api/practice/{lesson.Practice[0].Id}/check", new { result = TrainingScene.Wrong });
        Assert.Equal(0, wrong.Score);
        Assert.Equal("neg", wrong.Given.GetProperty("label")[0].GetString());
        Assert.Equal("pos", wrong.Expected.GetProperty("label")[0].GetString());

        // Saving the lesson again keeps the practice ids of the tasks it keeps (a learner may have it open).
        var saved = await w.Trainer.Http.PutOkAsync<LessonView>($"api/lessons/{lesson.Id}",
            new { title = "第一课", body = "改过", practiceTaskIds = new[] { w.Gold[2], w.Gold[0] } });
        Assert.Equal([w.Gold[2], w.Gold[0]], saved.Practice.Select(p => p.SourceTaskId));
        Assert.Equal(lesson.Practice[0].Id, saved.Practice[1].Id);
        await w.Annotator.Http.PostOkAsync<PracticeFeedback>($"api/practice/{lesson.Practice[0].Id}/check", new { result = TrainingScene.Right });
        using var gone = await w.Annotator.Http.PostAsJsonAsync($"api/practice/{lesson.Practice[1].Id}/check", new { result = TrainingScene.Right });
        await gone.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TrainerUploadsAnImageIntoALessonAndTheCoursesMembersReadIt()
    {
        var w = await WorldAsync(1);
        var course = await w.Trainer.Http.PostOkAsync<CourseView>($"api/organizations/{w.Org.Id}/courses", new { title = "看图识别" });
        var horse = Api.DemoFile("photos/media/horse.png");
        var image = await TrainingScene.ImageAsync(w.Trainer, course.Id);
        Assert.Equal(("horse.png", "image/png", (long)horse.Length), (image.Name, image.ContentType, image.SizeBytes));
        Assert.True(image.Width > 0 && image.Height > 0);
        Assert.Equal($"/api/courses/{course.Id}/images/{image.Id}", image.Url);

        // The lesson names it in its Markdown; an annotator of the organisation reads the bytes back.
        var lesson = await w.Trainer.Http.PostOkAsync<LessonView>($"api/courses/{course.Id}/lessons", new { title = "一", body = $"![马]({image.Url})" });
        Assert.Contains(image.Url, (await w.Annotator.Http.GetOkAsync<LessonView>($"api/lessons/{lesson.Id}")).Body, StringComparison.Ordinal);
        using (var r = await w.Annotator.Http.GetAsync(image.Url.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
            Assert.Equal(horse, await r.Content.ReadAsByteArrayAsync());
        }
        // An image of another course is not found under this one.
        var other = await w.Trainer.Http.PostOkAsync<CourseView>($"api/organizations/{w.Org.Id}/courses", new { title = "另一门" });
        using (var r = await w.Annotator.Http.GetAsync($"api/courses/{other.Id}/images/{image.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }

        // Hostile input, each refused naming the part "file": a text file dressed as a PNG, HTML, nothing, a file past the bound.
        foreach (var (bytes, name) in new[] { ("not an image"u8.ToArray(), "fake.png"), ("<svg onload=alert(1)></svg>"u8.ToArray(), "x.svg") })
        {
            using var r = await w.Trainer.Http.PostAsync($"api/courses/{course.Id}/images", TrainingScene.ImageForm(bytes, name));
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Single(problem.Errors("file"));
            Assert.Equal("media.invalid", problem.GetProperty("fields").GetProperty("file")[0].GetProperty("code").GetString());
        }
        using (var r = await w.Trainer.Http.PostAsync($"api/courses/{course.Id}/images", new MultipartFormDataContent()))
        {
            Assert.Single((await r.ProblemAsync(HttpStatusCode.BadRequest)).Errors("file"));
        }
        var huge = new byte[(10 << 20) + 1];
        horse.CopyTo(huge, 0);
        using (var r = await w.Trainer.Http.PostAsync($"api/courses/{course.Id}/images", TrainingScene.ImageForm(huge, "huge.png")))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            Assert.Single(problem.Errors("file"));
            Assert.Equal("Limits:LessonImageMaxBytes", problem.GetProperty("limit").GetString());
        }
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM course_images WHERE course_id = @course", new { course = course.Id }));
    }

    [Fact]
    public async Task APracticeAnswerThatDoesNotFitTheSchemaIsRefusedByItsField()
    {
        var w = await WorldAsync();
        var course = await w.Trainer.Http.PostOkAsync<CourseView>($"api/organizations/{w.Org.Id}/courses", new { title = "c" });
        var lesson = await w.Trainer.Http.PostOkAsync<LessonView>($"api/courses/{course.Id}/lessons", new { title = "l", body = "", practiceTaskIds = new[] { w.Gold[0] } });
        using var r = await w.Annotator.Http.PostAsJsonAsync($"api/practice/{lesson.Practice[0].Id}/check", new { result = new { label = new[] { "maybe" } } });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("/label/0", problem.ErrorKeys());
    }

    [Fact]
    public async Task ATaskWithoutAKnownAnswerOrOfAnotherOrganisationIsNoPracticeOrPoolTask()
    {
        var w = await WorldAsync();
        var other = await WorldAsync();
        var course = await w.Trainer.Http.PostOkAsync<CourseView>($"api/organizations/{w.Org.Id}/courses", new { title = "c" });
        foreach (var task in new[] { w.Plain, other.Gold[0] })
        {
            using var r = await w.Trainer.Http.PostAsJsonAsync($"api/courses/{course.Id}/lessons", new { title = "l", body = "", practiceTaskIds = new[] { task } });
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("training.not_gold", problem.GetProperty("fields").GetProperty("practiceTaskIds")[0].GetProperty("code").GetString());
            using var e = await w.Trainer.Http.PostAsJsonAsync($"api/organizations/{w.Org.Id}/exams", TrainingScene.Exam(w.Skill, [w.Gold[0], task]), HttpJson.Options);
            Assert.Contains("poolTaskIds", (await e.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
    }

    [Theory]
    [InlineData("questionCount", "exam.pool_too_small")]
    [InlineData("passMark", "field.range")]
    [InlineData("maxAttempts", "field.range")]
    [InlineData("cooldownSeconds", "field.range")]
    [InlineData("skillId", "skill.unknown")]
    [InlineData("level", "skill.level_out_of_range")]
    public async Task BadExamTermsAreRefusedNamingTheField(string field, string code)
    {
        var w = await WorldAsync(gold: 2);
        var exam = field switch
        {
            "questionCount" => TrainingScene.Exam(w.Skill, w.Gold, questions: 3),
            "passMark" => TrainingScene.Exam(w.Skill, w.Gold, passMark: 101),
            "maxAttempts" => TrainingScene.Exam(w.Skill, w.Gold, maxAttempts: -1),
            "cooldownSeconds" => TrainingScene.Exam(w.Skill, w.Gold, cooldownSeconds: -1),
            "skillId" => TrainingScene.Exam(w.Skill + 1000, w.Gold),
            _ => new { title = "t", skillId = w.Skill, level = 4, questionCount = 1, timeLimitSeconds = 60, passMark = 50, maxAttempts = 1, cooldownSeconds = 0, certificateDays = 1, poolTaskIds = w.Gold },
        };
        using var r = await w.Trainer.Http.PostAsJsonAsync($"api/organizations/{w.Org.Id}/exams", exam, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.ErrorKeys());
        Assert.Equal(code, problem.GetProperty("fields").GetProperty(field)[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheAnnotatorFailsWaitsOutTheCooldownPassesAndIsCertified()
    {
        var w = await WorldAsync();
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 2, passMark: 100, cooldownSeconds: 60));

        var first = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        Assert.Equal(AttemptState.Open, first.State);
        Assert.Equal(1, first.Current!.Position);
        var after1 = await AnswerOkAsync(w.Annotator, first.Id, 1, TrainingScene.Right);
        Assert.Equal(2, after1.Current!.Position);
        var failed = await AnswerOkAsync(w.Annotator, first.Id, 2, TrainingScene.Wrong);
        Assert.Equal(AttemptState.Failed, failed.State);
        Assert.Equal(50, failed.Score);
        Assert.Null(failed.CertificateId);
        Assert.Equal(2, failed.Review!.Count);

        using (var r = await w.Annotator.Http.PostAsync($"api/exams/{exam.Exam.Id}/attempts", null))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("exam.cooling_down", problem.GetProperty("code").GetString());
        }
        var standing = Assert.Single(await w.Annotator.Http.GetOkAsync<List<ExamView>>($"api/organizations/{w.Org.Id}/exams")).Mine;
        Assert.Equal(1, standing.AttemptsUsed);
        Assert.NotNull(standing.RetryAt);
        Assert.Equal(0, await CertificatesAsync(w.Annotator));

        fx.Time.Advance(TimeSpan.FromSeconds(61));
        var second = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        await AnswerOkAsync(w.Annotator, second.Id, 1, TrainingScene.Right);
        var passed = await AnswerOkAsync(w.Annotator, second.Id, 2, TrainingScene.Right);
        Assert.Equal(AttemptState.Passed, passed.State);
        Assert.Equal(100, passed.Score);
        Assert.NotNull(passed.CertificateId);

        var cert = (await fx.QueryAsync<(long SkillId, long Level, long IssuedAt, long ExpiresAt, string Source, long SourceId)>(
            "SELECT skill_id, level, issued_at, expires_at, source, source_id FROM certificates WHERE user_id = @id", new { id = w.Annotator.Id })).Single();
        Assert.Equal((w.Skill, 1L, "exam", second.Id), (cert.SkillId, cert.Level, cert.Source, cert.SourceId));
        // Valid for the exam's 365 days from the pass (issued_at is stamped by the certificate store a moment after the mark).
        Assert.InRange(cert.ExpiresAt - cert.IssuedAt, 365L * 24 * 3600 * 1000 - 60_000, 365L * 24 * 3600 * 1000);
        // Marking again (hand-in after the last answer) issues nothing more.
        await w.Annotator.Http.PostOkAsync<AttemptView>($"api/attempts/{second.Id}/finish");
        Assert.Equal(1, await CertificatesAsync(w.Annotator));
    }

    private Task<long> CertificatesAsync(Person p) => fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM certificates WHERE user_id = @id", new { id = p.Id });

    private static Task<AttemptView> AnswerOkAsync(Person p, long attempt, int position, object result) =>
        p.Http.PostOkAsync<AttemptView>($"api/attempts/{attempt}/answers", new { position, result });

    [Fact]
    public async Task NoExpectedAnswerReachesTheBrowserWhileTheAttemptIsOpen()
    {
        var w = await WorldAsync();
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 3));
        using var started = await w.Annotator.Http.PostAsync($"api/exams/{exam.Exam.Id}/attempts", null);
        var raw = await started.Content.ReadAsStringAsync();
        var view = HttpJson.Read<AttemptView>(raw);
        using var got = await w.Annotator.Http.GetAsync($"api/attempts/{view.Id}");
        var raw2 = await got.Content.ReadAsStringAsync();
        foreach (var text in new[] { raw, raw2 })
        {
            var json = JsonSerializer.Deserialize<JsonElement>(text);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("review").ValueKind);
            Assert.DoesNotContain("expected", text, StringComparison.OrdinalIgnoreCase);
            Assert.False(json.GetProperty("current").TryGetProperty("gold", out _));
        }
        // Another person cannot see the attempt at all, nor can a trainer of the same organisation.
        using var peek = await w.Trainer.Http.GetAsync($"api/attempts/{view.Id}");
        await peek.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ReplayedRequestsNeitherExtendNorChangeAnAttempt()
    {
        var w = await WorldAsync();
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 3));
        var attempt = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        await AnswerOkAsync(w.Annotator, attempt.Id, 1, TrainingScene.Right);
        using (var again = await w.Annotator.Http.PostAsJsonAsync($"api/attempts/{attempt.Id}/answers", new { position = 1, result = TrainingScene.Wrong }))
        {
            Assert.Equal("exam.already_answered", (await again.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        using (var ahead = await w.Annotator.Http.PostAsJsonAsync($"api/attempts/{attempt.Id}/answers", new { position = 3, result = TrainingScene.Right }))
        {
            Assert.Equal(["position"], (await ahead.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var restart = await w.Annotator.Http.PostAsync($"api/exams/{exam.Exam.Id}/attempts", null))
        {
            var problem = await restart.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("exam.attempt_open", problem.GetProperty("code").GetString());
            Assert.Equal(attempt.Id, problem.GetProperty("params").GetProperty("attemptId").GetInt64());
        }
        fx.Time.Advance(TimeSpan.FromSeconds(30));
        var later = await w.Annotator.Http.GetOkAsync<AttemptView>($"api/attempts/{attempt.Id}");
        Assert.Equal(attempt.Deadline, later.Deadline);
        Assert.Equal(attempt.StartedAt.AddSeconds(600), later.Deadline);
        Assert.Equal(1, later.Answered);
        Assert.Equal(1, await fx.QueryScalarAsync<double>("SELECT score FROM exam_questions WHERE attempt_id = @id AND position = 1", new { id = attempt.Id }));
    }

    [Fact]
    public async Task AnAnswerAfterTheDeadlineIsRefusedAndTheAttemptIsMarkedAsItStood()
    {
        var w = await WorldAsync();
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 2, passMark: 50, timeLimitSeconds: 60));
        var attempt = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        await AnswerOkAsync(w.Annotator, attempt.Id, 1, TrainingScene.Right);
        fx.Time.Advance(TimeSpan.FromSeconds(61));
        using (var late = await w.Annotator.Http.PostAsJsonAsync($"api/attempts/{attempt.Id}/answers", new { position = 2, result = TrainingScene.Right }))
        {
            var problem = await late.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["deadline"], problem.ErrorKeys());
            Assert.Equal("exam.attempt_expired", problem.GetProperty("fields").GetProperty("deadline")[0].GetProperty("code").GetString());
        }
        var marked = await w.Annotator.Http.GetOkAsync<AttemptView>($"api/attempts/{attempt.Id}");
        Assert.Equal(50, marked.Score);
        Assert.Equal(AttemptState.Passed, marked.State);
        Assert.Null(marked.Review!.Single(q => q.Position == 2).Given);
        Assert.Equal(1, await CertificatesAsync(w.Annotator));
        Assert.Equal(marked.Deadline.ToUnixTimeMilliseconds(),
            await fx.QueryScalarAsync<long>("SELECT finished_at FROM exam_attempts WHERE id = @id", new { id = attempt.Id }));
    }

    [Fact]
    public async Task AnExpiredAttemptNobodyOpensAgainIsMarkedWhenTheExamsAreListed()
    {
        var w = await WorldAsync();
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 2, timeLimitSeconds: 60, maxAttempts: 1));
        var attempt = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
        fx.Time.Advance(TimeSpan.FromSeconds(61));
        var figures = Assert.Single(await w.Trainer.Http.GetOkAsync<List<ExamFiguresView>>($"api/organizations/{w.Org.Id}/exam-figures"));
        Assert.Equal(1, figures.Figures.Attempts);
        Assert.Equal(0, await fx.QueryScalarAsync<double>("SELECT score FROM exam_attempts WHERE id = @id", new { id = attempt.Id }));
        fx.Time.Advance(TimeSpan.FromSeconds(61));
        using var r = await w.Annotator.Http.PostAsync($"api/exams/{exam.Exam.Id}/attempts", null);
        Assert.Equal("exam.no_attempts_left", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task FiguresGiveThePassRatePerExamAndTheAttemptsToPass()
    {
        var w = await WorldAsync();
        var second = await w.Org.PersonAsync(Roles.Annotator);
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 1, passMark: 100, cooldownSeconds: 0));
        async Task TakeAsync(Person p, object answer)
        {
            var a = await p.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
            await AnswerOkAsync(p, a.Id, 1, answer);
        }
        await TakeAsync(w.Annotator, TrainingScene.Wrong);
        await TakeAsync(w.Annotator, TrainingScene.Right);
        await TakeAsync(second, TrainingScene.Wrong);
        var f = Assert.Single(await w.Trainer.Http.GetOkAsync<List<ExamFiguresView>>($"api/organizations/{w.Org.Id}/exam-figures")).Figures;
        Assert.Equal((2, 3, 1, 0.5, 2.0), (f.People, f.Attempts, f.Passed, f.PassRate, f.MeanAttemptsToPass!.Value));
        Assert.Equal([0, 1], f.AttemptsToPass);
        using var r = await w.Annotator.Http.GetAsync($"api/organizations/{w.Org.Id}/exam-figures");
        await r.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task EachAttemptDrawsItsOwnQuestionsFromThePoolAndRecordsTheSeed()
    {
        var w = await WorldAsync(gold: 12);
        var exam = await TrainingScene.ExamAsync(w.Trainer, w.Org.Id, TrainingScene.Exam(w.Skill, w.Gold, questions: 4, cooldownSeconds: 0, maxAttempts: 5));
        var draws = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var a = await w.Annotator.Http.PostOkAsync<AttemptView>($"api/exams/{exam.Exam.Id}/attempts");
            await w.Annotator.Http.PostOkAsync<AttemptView>($"api/attempts/{a.Id}/finish");
            var seed = await fx.QueryScalarAsync<long>("SELECT seed FROM exam_attempts WHERE id = @id", new { id = a.Id });
            var asked = await fx.QueryAsync<long>("SELECT training_task_id FROM exam_questions WHERE attempt_id = @id ORDER BY position", new { id = a.Id });
            var pool = exam.Pool.Select(p => p.Id);
            Assert.Equal(ExamRules.Draw(pool, 4, (int)seed), asked);
            draws.Add(string.Join(',', asked));
        }
        Assert.True(draws.Distinct().Count() > 1, "three attempts drew the same questions");
    }
}

public sealed class SqliteTrainingTests(SqliteFixture fx) : TrainingTests<SqliteFixture>(fx);

public sealed class PostgresTrainingTests(PostgresFixture fx) : TrainingTests<PostgresFixture>(fx);
