using System.Security.Cryptography;
using Yunzhong.Core.Training;
using Yunzhong.Core.Workforce;
using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server.Features.Training;

/// <summary>
/// Exam attempts: started with their own seeded draw of the pool and a deadline fixed at the start
/// (server time), answered one question at a time, and marked once, by hand-in or as they stood at
/// the deadline. A pass issues the certificate in the same transaction as the mark, so a mark never
/// stands without the certificate it earned, nor one twice.
/// </summary>
public sealed class Attempts(Db db, TimeProvider time, Certificates certificates)
{
    internal sealed class AttemptRow
    {
        public long Id { get; set; }
        public long ExamId { get; set; }
        public long UserId { get; set; }
        public long Seed { get; set; }
        public long StartedAt { get; set; }
        public long Deadline { get; set; }
        public long? FinishedAt { get; set; }
        public double? Score { get; set; }
        public long? Passed { get; set; }
        public long? CertificateId { get; set; }
        public long OrganizationId { get; set; }
        public double PassMark { get; set; }

        public AttemptTimes Times => new(StartedAt, Deadline, FinishedAt);
    }

    internal sealed class QuestionRow
    {
        public long Position { get; set; }
        public long TrainingTaskId { get; set; }
        public long ProjectId { get; set; }
        public string SchemaJson { get; set; } = "";
        public string DataJson { get; set; } = "";
        public string GoldJson { get; set; } = "";
        public string? AnswerJson { get; set; }
        public double? Score { get; set; }
    }

    internal long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts an attempt at <paramref name="exam"/> for <paramref name="userId"/> when the exam's rules let them
    /// (the caller has scored their expired attempts first); the refusal otherwise.</summary>
    /// <param name="ignoreCooldown">The demo's seeded history only: attempts one after another.</param>
    internal async Task<(long? AttemptId, StartDecision Decision)> StartAsync(ExamsApi.ExamRow exam, long userId, CancellationToken ct, bool ignoreCooldown = false)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        // Read under the write: on SQLite the one writer, on PostgreSQL the exam row's lock, keep two starts from both passing the checks.
        await c.ExecuteAsync(new CommandDefinition(TrainingSql.LockExamSql, new { examId = exam.Id }, tx, cancellationToken: ct));
        var mine = (await c.QueryAsync<AttemptRow>(new CommandDefinition(TrainingSql.AttemptsOfSql, new { examId = exam.Id, userId }, tx, cancellationToken: ct))).ToList();
        var now = Now;
        var decision = ExamRules.MayStart(exam.Terms, mine.Select(a => a.Times).ToList(), now);
        if (decision.Refusal != StartRefusal.None && !(ignoreCooldown && decision.Refusal == StartRefusal.CoolingDown))
        {
            return (decision.OpenAttempt is { } i ? mine[i].Id : null, decision);
        }
        var pool = (await c.QueryAsync<long>(new CommandDefinition(TrainingSql.PoolIdsSql, new { examId = exam.Id }, tx, cancellationToken: ct))).ToList();
        var seed = RandomNumberGenerator.GetInt32(int.MaxValue);
        var questions = ExamRules.Draw(pool, (int)exam.QuestionCount, seed);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertAttemptSql,
            new { examId = exam.Id, userId, seed = (long)seed, now, deadline = now + exam.TimeLimitSeconds * 1000 }, tx, cancellationToken: ct));
        for (var p = 0; p < questions.Length; p++)
        {
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.InsertQuestionSql,
                new { attemptId = id, position = p + 1, trainingTaskId = questions[p] }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return (id, decision);
    }

    internal async Task<AttemptRow?> FindAsync(long attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<AttemptRow>(new CommandDefinition(TrainingSql.AttemptSql, new { attemptId }, cancellationToken: ct));
    }

    internal async Task<List<QuestionRow>> QuestionsAsync(long attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<QuestionRow>(new CommandDefinition(TrainingSql.QuestionsSql, new { attemptId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Records the answer to question <paramref name="position"/> with its gold score; false when the
    /// attempt was no longer open (marked, or past its deadline) or the question already answered.</summary>
    internal async Task<bool> AnswerAsync(long attemptId, int position, string answerJson, double score, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(TrainingSql.AnswerSql,
            new { attemptId, position, answerJson, score, now = Now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n == 1;
    }

    /// <summary>
    /// Marks attempt <paramref name="attemptId"/> as it stands (unanswered questions count 0), ending it
    /// now or at its deadline, whichever is first, and issues the certificate on a pass; nothing when it
    /// was marked already.
    /// </summary>
    internal async Task FinishAsync(long attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var a = await c.QueryFirstOrDefaultAsync<AttemptRow>(new CommandDefinition(TrainingSql.AttemptSql, new { attemptId }, tx, cancellationToken: ct));
        if (a is null || a.FinishedAt is not null)
        {
            return;
        }
        var exam = await c.QuerySingleAsync<ExamsApi.ExamRow>(new CommandDefinition(TrainingSql.ExamSql, new { examId = a.ExamId }, tx, cancellationToken: ct));
        var scores = (await c.QueryAsync<double?>(new CommandDefinition(TrainingSql.ScoresSql, new { attemptId }, tx, cancellationToken: ct))).ToList();
        var grade = ExamRules.Grade(exam.Terms, scores);
        var finishedAt = Math.Min(Now, a.Deadline);
        var n = await c.ExecuteAsync(new CommandDefinition(TrainingSql.FinishSql,
            new { attemptId, finishedAt, score = grade.Percent, passed = grade.Passed ? 1 : 0 }, tx, cancellationToken: ct));
        if (n == 1 && grade.Passed)
        {
            var expires = Http.Time(finishedAt).AddDays(exam.CertificateDays);
            var certificateId = await certificates.IssueAsync(c, tx, a.UserId, exam.SkillId, (int)exam.Level, expires, CertificateSource.Exam, attemptId, null, ct);
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.SetCertificateSql, new { attemptId, certificateId }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Marks the attempts of organisation <paramref name="organizationId"/>'s exams (of
    /// <paramref name="userId"/> only, unless null) that ran out of time without being handed in.</summary>
    internal async Task ScoreExpiredAsync(long organizationId, long? userId, CancellationToken ct)
    {
        List<AttemptRow> expired;
        await using (var c = await db.OpenAsync(ct))
        {
            expired = (await c.QueryAsync<AttemptRow>(new CommandDefinition(TrainingSql.ExpiredSql, new { organizationId, userId, now = Now }, cancellationToken: ct))).ToList();
        }
        foreach (var a in expired)
        {
            await FinishAsync(a.Id, ct);
        }
    }
}
