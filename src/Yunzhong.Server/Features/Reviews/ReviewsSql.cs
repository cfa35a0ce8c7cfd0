namespace Yunzhong.Server.Features.Reviews;

/// <summary>The review queue's SQL (Dapper, <c>@name</c> parameters). The task's state after a review is written by <see cref="Tasks.TaskStates"/>.</summary>
internal static class ReviewsSql
{
    /// <summary>The next annotation waiting for review in project @projectId that reviewer @me did not make: one they hold first, then a free one or one whose hold expired (@now); locked and skipped by other reviewers where rows lock.</summary>
    internal static string NextPendingSql(SqlDialect dialect) =>
        $"""
        SELECT id FROM annotations
        WHERE project_id = @projectId AND status = 'pending' AND user_id <> @me
          AND (@contractId = 0 OR EXISTS (SELECT 1 FROM assignments s WHERE s.id = annotations.assignment_id AND s.contract_id = @contractId))
          AND (reviewer_id IS NULL OR reviewer_id = @me OR review_expires < @now)
        ORDER BY CASE WHEN reviewer_id = @me THEN 0 ELSE 1 END, id
        LIMIT 1{dialect.ForUpdateSkipLocked}
        """;

    /// <summary>Reviewer @me holds annotation @id until @expires.</summary>
    internal const string HoldSql = "UPDATE annotations SET reviewer_id = @me, review_expires = @expires WHERE id = @id";

    /// <summary>Annotation @id with its annotator's name.</summary>
    internal const string AnnotationSql = """
        SELECT a.id, a.user_id AS UserId, u.name AS Annotator, a.author_id AS AuthorId, a.version, a.parent_id AS ParentId, a.status,
               a.result_json AS ResultJson, a.lead_time AS LeadTime, a.created_at AS CreatedAt
        FROM annotations a JOIN users u ON u.id = a.user_id WHERE a.id = @id
        """;

    /// <summary>The task of annotation @id.</summary>
    internal const string TaskOfAnnotationSql = "SELECT t.id, t.data_json FROM tasks t JOIN annotations a ON a.task_id = t.id WHERE a.id = @id";

    /// <summary>Annotation @annotationId with what a review needs: its project, task, lease, annotator, version, status, result and the task's data.</summary>
    internal const string ReviewTargetSql = """
        SELECT a.id, a.project_id AS ProjectId, a.task_id AS TaskId, a.assignment_id AS AssignmentId, a.user_id AS UserId,
               a.version, a.status, a.result_json AS ResultJson, t.data_json AS DataJson,
               (SELECT s.contract_id FROM assignments s WHERE s.id = a.assignment_id) AS ContractId
        FROM annotations a JOIN tasks t ON t.id = a.task_id WHERE a.id = @annotationId
        """;

    /// <summary>Judges annotation @annotationId as @status by reviewer @me, unless another reviewer did first.</summary>
    internal const string ClaimSql = "UPDATE annotations SET status = @status, reviewer_id = @me WHERE id = @annotationId AND status IN ('pending', 'submitted')";

    /// <summary>The review record.</summary>
    internal const string InsertReviewSql = "INSERT INTO reviews (annotation_id, task_id, reviewer_id, action, comment, created_at) VALUES (@annotationId, @TaskId, @me, @action, @comment, @now)";

    /// <summary>The reviewer's corrected version of the annotation, accepted; it keeps what an imported file said of the
    /// annotation (its attribution there, ground truth: see 0038_annotation_source).</summary>
    internal const string InsertFixSql = """
        INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status, result_json, created_at, reviewer_id,
            ground_truth, source_json)
        VALUES (@TaskId, @ProjectId, @AssignmentId, @UserId, @me, @version, @Id, 'accepted', @result, @now, @me,
            (SELECT p.ground_truth FROM annotations p WHERE p.id = @Id), (SELECT p.source_json FROM annotations p WHERE p.id = @Id)) RETURNING id
        """;

    /// <summary>The rejected annotation's lease goes back to its annotator with the comment and their work as a draft.</summary>
    internal const string HandBackSql = """
        UPDATE assignments SET status = 'returned', review_comment = @comment, draft_json = @ResultJson, updated_at = @now
        WHERE id = @AssignmentId AND status = 'submitted'
        """;
}
