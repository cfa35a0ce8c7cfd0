namespace Yunzhong.Server.Features.Training;

/// <summary>
/// Training's SQL (Dapper, <c>@name</c> parameters): courses, lessons and their practice, exams and
/// their pools, attempts and the questions each drew. Every statement that reaches a row through an
/// id also returns its organisation, so the handler gates on it before anything else.
/// </summary>
internal static class TrainingSql
{
    // Courses and lessons.
    private const string CourseColumns = """
        SELECT c.id, c.organization_id AS OrganizationId, c.title, c.summary, c.skill_id AS SkillId, c.created_at AS CreatedAt,
               (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id) AS Lessons
        FROM courses c
        """;

    internal const string CoursesSql = CourseColumns + " WHERE c.organization_id = @organizationId ORDER BY c.id";

    internal const string CourseSql = CourseColumns + " WHERE c.id = @courseId";

    internal const string InsertCourseSql = """
        INSERT INTO courses (organization_id, title, summary, skill_id, created_by, created_at, updated_at)
        VALUES (@organizationId, @title, @summary, @skillId, @userId, @now, @now) RETURNING id
        """;

    internal const string UpdateCourseSql = "UPDATE courses SET title = @title, summary = @summary, skill_id = @skillId, updated_at = @now WHERE id = @courseId";

    internal const string LessonsSql = """
        SELECT l.id, l.course_id AS CourseId, l.position, l.title, (SELECT COUNT(*) FROM lesson_practice p WHERE p.lesson_id = l.id) AS Practice
        FROM lessons l WHERE l.course_id = @courseId ORDER BY l.position, l.id
        """;

    internal const string LessonSql = """
        SELECT l.id, l.course_id AS CourseId, c.organization_id AS OrganizationId, l.position, l.title, l.body
        FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id = @lessonId
        """;

    internal const string InsertLessonSql = """
        INSERT INTO lessons (course_id, position, title, body, updated_at)
        VALUES (@courseId, (SELECT COALESCE(MAX(position), 0) + 1 FROM lessons WHERE course_id = @courseId), @title, @body, @now) RETURNING id
        """;

    internal const string UpdateLessonSql = "UPDATE lessons SET title = @title, body = @body, updated_at = @now WHERE id = @lessonId";

    internal const string PracticeRowsSql = "SELECT id, training_task_id FROM lesson_practice WHERE lesson_id = @lessonId";

    internal const string DeletePracticeSql = "DELETE FROM lesson_practice WHERE id = @id";

    internal const string MovePracticeSql = "UPDATE lesson_practice SET position = @position WHERE id = @id";

    internal const string InsertPracticeSql = "INSERT INTO lesson_practice (lesson_id, position, training_task_id) VALUES (@lessonId, @position, @trainingTaskId)";

    /// <summary>Lesson @lessonId's practice tasks in order, with what the annotator sees (never the answer).</summary>
    internal const string PracticeOfLessonSql = """
        SELECT p.id, t.project_id AS ProjectId, t.source_task_id AS SourceTaskId, t.schema_json AS SchemaJson, t.data_json AS DataJson
        FROM lesson_practice p JOIN training_tasks t ON t.id = p.training_task_id
        WHERE p.lesson_id = @lessonId ORDER BY p.position
        """;

    /// <summary>Practice task @practiceId with its known answer and the organisation that owns it.</summary>
    internal const string PracticeSql = """
        SELECT p.id, c.organization_id AS OrganizationId, t.schema_json AS SchemaJson, t.data_json AS DataJson, t.gold_json AS GoldJson
        FROM lesson_practice p JOIN lessons l ON l.id = p.lesson_id JOIN courses c ON c.id = l.course_id JOIN training_tasks t ON t.id = p.training_task_id
        WHERE p.id = @practiceId
        """;

    // Gold tasks of an organisation's projects, and their frozen copies.

    /// <summary>Gold tasks of organisation @organizationId's projects (of project @projectId unless null), newest first, at most @take.</summary>
    internal const string GoldTasksSql = """
        SELECT t.id, t.project_id AS ProjectId, p.name AS ProjectName, t.data_json AS DataJson, t.gold_json AS GoldJson
        FROM tasks t JOIN projects p ON p.id = t.project_id
        WHERE p.organization_id = @organizationId AND t.gold_json IS NOT NULL AND (@projectId IS NULL OR t.project_id = @projectId)
        ORDER BY t.id DESC LIMIT @take
        """;

    /// <summary>Gold task @taskId of a project of organisation @organizationId, with its project's schema.</summary>
    internal const string GoldTaskSql = """
        SELECT t.id, t.project_id AS ProjectId, p.schema_json AS SchemaJson, t.data_json AS DataJson, t.gold_json AS GoldJson
        FROM tasks t JOIN projects p ON p.id = t.project_id
        WHERE t.id = @taskId AND p.organization_id = @organizationId AND t.gold_json IS NOT NULL
        """;

    /// <summary>The organisation's latest copy of task @taskId, if it still matches the task.</summary>
    internal const string SameCopySql = """
        SELECT id FROM training_tasks WHERE organization_id = @organizationId AND source_task_id = @taskId
          AND data_json = @dataJson AND gold_json = @goldJson AND schema_json = @schemaJson
        ORDER BY id DESC LIMIT 1
        """;

    internal const string InsertCopySql = """
        INSERT INTO training_tasks (organization_id, project_id, source_task_id, schema_json, data_json, gold_json, created_at)
        VALUES (@organizationId, @projectId, @taskId, @schemaJson, @dataJson, @goldJson, @now) RETURNING id
        """;

    // Exams.
    private const string ExamColumns = """
        SELECT e.id, e.organization_id AS OrganizationId, e.title, e.skill_id AS SkillId, e.level, e.question_count AS QuestionCount,
               e.time_limit_seconds AS TimeLimitSeconds, e.pass_mark AS PassMark, e.max_attempts AS MaxAttempts,
               e.cooldown_seconds AS CooldownSeconds, e.certificate_days AS CertificateDays, e.created_at AS CreatedAt,
               (SELECT COUNT(*) FROM exam_pool x WHERE x.exam_id = e.id) AS PoolSize
        FROM exams e
        """;

    internal const string ExamsSql = ExamColumns + " WHERE e.organization_id = @organizationId ORDER BY e.id";

    internal const string ExamSql = ExamColumns + " WHERE e.id = @examId";

    internal const string InsertExamSql = """
        INSERT INTO exams (organization_id, title, skill_id, level, question_count, time_limit_seconds, pass_mark, max_attempts,
                           cooldown_seconds, certificate_days, created_by, created_at, updated_at)
        VALUES (@organizationId, @title, @skillId, @level, @questionCount, @timeLimitSeconds, @passMark, @maxAttempts,
                @cooldownSeconds, @certificateDays, @userId, @now, @now) RETURNING id
        """;

    internal const string UpdateExamSql = """
        UPDATE exams SET title = @title, skill_id = @skillId, level = @level, question_count = @questionCount,
               time_limit_seconds = @timeLimitSeconds, pass_mark = @passMark, max_attempts = @maxAttempts,
               cooldown_seconds = @cooldownSeconds, certificate_days = @certificateDays, updated_at = @now
        WHERE id = @examId
        """;

    internal const string DeletePoolSql = "DELETE FROM exam_pool WHERE exam_id = @examId";

    internal const string InsertPoolSql = "INSERT INTO exam_pool (exam_id, training_task_id) VALUES (@examId, @trainingTaskId)";

    /// <summary>Exam @examId's pool, with the known answers (for its trainers only).</summary>
    internal const string PoolSql = """
        SELECT t.id, t.project_id AS ProjectId, t.source_task_id AS SourceTaskId, t.data_json AS DataJson, t.gold_json AS GoldJson
        FROM exam_pool x JOIN training_tasks t ON t.id = x.training_task_id WHERE x.exam_id = @examId ORDER BY t.id
        """;

    internal const string PoolIdsSql = "SELECT training_task_id FROM exam_pool WHERE exam_id = @examId";

    // Attempts.
    private const string AttemptColumns = """
        SELECT a.id, a.exam_id AS ExamId, a.user_id AS UserId, a.seed, a.started_at AS StartedAt, a.deadline, a.finished_at AS FinishedAt,
               a.score, a.passed, a.certificate_id AS CertificateId, e.organization_id AS OrganizationId, e.pass_mark AS PassMark
        FROM exam_attempts a JOIN exams e ON e.id = a.exam_id
        """;

    internal const string AttemptSql = AttemptColumns + " WHERE a.id = @attemptId";

    /// <summary>User @userId's attempts at exam @examId, oldest first.</summary>
    internal const string AttemptsOfSql = AttemptColumns + " WHERE a.exam_id = @examId AND a.user_id = @userId ORDER BY a.id";

    /// <summary>User @userId's attempts at the exams of organisation @organizationId.</summary>
    internal const string MyAttemptsSql = AttemptColumns + " WHERE e.organization_id = @organizationId AND a.user_id = @userId ORDER BY a.id";

    /// <summary>Attempts past their deadline that nobody handed in, of user @userId (or of everyone when null) in organisation @organizationId.</summary>
    internal const string ExpiredSql = AttemptColumns + """
         WHERE e.organization_id = @organizationId AND (@userId IS NULL OR a.user_id = @userId) AND a.finished_at IS NULL AND a.deadline <= @now
        """;

    /// <summary>The finished attempts at organisation @organizationId's exams, for the figures.</summary>
    internal const string FinishedSql = """
        SELECT a.exam_id AS ExamId, a.user_id AS UserId, a.started_at AS StartedAt, a.passed
        FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE e.organization_id = @organizationId AND a.finished_at IS NOT NULL
        """;

    internal const string InsertAttemptSql = """
        INSERT INTO exam_attempts (exam_id, user_id, seed, started_at, deadline) VALUES (@examId, @userId, @seed, @now, @deadline) RETURNING id
        """;

    internal const string InsertQuestionSql = "INSERT INTO exam_questions (attempt_id, position, training_task_id) VALUES (@attemptId, @position, @trainingTaskId)";

    /// <summary>Attempt @attemptId's questions in order: what was asked, and the answer and score so far.</summary>
    internal const string QuestionsSql = """
        SELECT q.position, q.training_task_id AS TrainingTaskId, t.project_id AS ProjectId, t.schema_json AS SchemaJson, t.data_json AS DataJson, t.gold_json AS GoldJson,
               q.answer_json AS AnswerJson, q.score
        FROM exam_questions q JOIN training_tasks t ON t.id = q.training_task_id WHERE q.attempt_id = @attemptId ORDER BY q.position
        """;

    /// <summary>Records the answer to question @position once, only while the attempt is open and before its deadline: 0 rows otherwise.</summary>
    internal const string AnswerSql = """
        UPDATE exam_questions SET answer_json = @answerJson, score = @score, answered_at = @now
        WHERE attempt_id = @attemptId AND position = @position AND answer_json IS NULL
          AND EXISTS (SELECT 1 FROM exam_attempts a WHERE a.id = @attemptId AND a.finished_at IS NULL AND a.deadline > @now)
        """;

    /// <summary>Marks attempt @attemptId once: 0 rows when it was already marked.</summary>
    internal const string FinishSql = """
        UPDATE exam_attempts SET finished_at = @finishedAt, score = @score, passed = @passed WHERE id = @attemptId AND finished_at IS NULL
        """;

    /// <summary>The scores of attempt @attemptId's questions (null: not answered).</summary>
    internal const string ScoresSql = "SELECT score FROM exam_questions WHERE attempt_id = @attemptId ORDER BY position";

    /// <summary>Takes exam @examId's row for the rest of the transaction (PostgreSQL; SQLite's one writer already serialises).</summary>
    internal const string LockExamSql = "UPDATE exams SET updated_at = updated_at WHERE id = @examId";

    internal const string SetCertificateSql = "UPDATE exam_attempts SET certificate_id = @certificateId WHERE id = @attemptId";
}
