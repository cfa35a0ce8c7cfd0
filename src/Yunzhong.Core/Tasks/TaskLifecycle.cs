namespace Yunzhong.Core.Tasks;

/// <summary>Where a task stands. Stored as the snake_case text <see cref="TaskLifecycle.Text"/> gives.</summary>
public enum TaskState
{
    /// <summary>Nobody has started it: no annotation, every slot open.</summary>
    New,

    /// <summary>Some slots are leased or annotated, more annotations are wanted.</summary>
    InProgress,

    /// <summary>It has all its annotations and none waits for review.</summary>
    Annotated,

    /// <summary>It has all its annotations and some wait for a reviewer.</summary>
    InReview,

    /// <summary>A reviewer accepted (or fixed) its annotations and nothing is left open.</summary>
    Accepted,

    /// <summary>A reviewer rejected an annotation: the task waits for it to be redone.</summary>
    Rejected,
}

/// <summary>
/// The columns of one task that its lifecycle owns. <see cref="Remaining"/> counts the slots still
/// open for a lease: the target less the annotations in force and the live leases.
/// </summary>
/// <param name="State">The task's state.</param>
/// <param name="Annotations">Annotations that count toward the target (annotation_count).</param>
/// <param name="Target">Annotations the task wants (the project's overlap, raised by dynamic overlap).</param>
/// <param name="Remaining">Slots still open for a lease.</param>
/// <param name="Control">A control task: a gold task served once to every annotator at the gold rate.</param>
public readonly record struct TaskRow(TaskState State, long Annotations, long Target, long Remaining, bool Control = false);

/// <summary>What the annotations of a task say, for the transitions that look at them.</summary>
/// <param name="Pending">Some annotation waits for review.</param>
/// <param name="Accepted">Some annotation was accepted.</param>
/// <param name="Submitted">Some annotation was submitted without review.</param>
/// <param name="Rejected">Some rejected annotation has not been redone or fixed yet.</param>
public readonly record struct ReviewFacts(bool Pending = false, bool Accepted = false, bool Submitted = false, bool Rejected = false);

/// <summary>Something that happens to a task.</summary>
public abstract record TaskEvent
{
    private TaskEvent()
    {
    }

    /// <summary>An annotator takes one open slot (a fresh lease, a gold task served, a skipped task handed out again).</summary>
    public sealed record Lease : TaskEvent;

    /// <summary>A submission whose lease lapsed (skipped, released, expired) takes a slot back before it counts.</summary>
    public sealed record RetakeSlot : TaskEvent;

    /// <summary>An annotation is submitted on a lease (a gold answer included).</summary>
    /// <param name="Reviewed">It waits for review (the project's review policy picked the task, or it is a redo).</param>
    /// <param name="Extend">Dynamic overlap asks for one more annotation: target and open slots grow by one.</param>
    public sealed record Submit(bool Reviewed, bool Extend = false) : TaskEvent;

    /// <summary>An amendment changed an answer of a complete task and dynamic overlap asks for one
    /// more annotation: target and open slots grow by one and the task is in progress again. Only a
    /// complete task (annotated or in review, as many annotations as its target) below
    /// <paramref name="Max"/> grows.</summary>
    /// <param name="Max">The project's most annotations per task.</param>
    public sealed record AskMore(long Max) : TaskEvent;

    /// <summary>A lease ends without an annotation: skipped, released by its holder or a manager
    /// (bulk release), expired, or revoked with the holder's access.</summary>
    public sealed record ReturnSlot : TaskEvent;

    /// <summary>A reviewer rejects an annotation: it stops counting.</summary>
    /// <param name="SlotFreed">No lease was handed back to its annotator (imported work), so the slot opens to anyone.</param>
    public sealed record Reject(bool SlotFreed) : TaskEvent;

    /// <summary>A reviewer accepts or fixes an annotation; the task is accepted once it has all its
    /// annotations and none is pending or rejected.</summary>
    public sealed record Settle(ReviewFacts Facts) : TaskEvent;

    /// <summary>The project's overlap changes; only tasks not yet complete follow it.</summary>
    public sealed record ChangeOverlap(long Overlap, ReviewFacts Facts) : TaskEvent;

    /// <summary>Gold mixing switched on: a gold task nobody has started becomes a control task.</summary>
    public sealed record ControlOn(long ControlTarget) : TaskEvent;

    /// <summary>Gold mixing switched off: a control task queues like any task, wanting what the overlap still asks.</summary>
    /// <param name="Overlap">The project's overlap, which the task now wants.</param>
    /// <param name="LiveLeases">Leases on the task still live or handed back for rework.</param>
    public sealed record ControlOff(long Overlap, long LiveLeases) : TaskEvent;

    /// <summary>Finished annotations arrive with an imported task and count toward its target.</summary>
    /// <param name="Count">How many count (a file's rejected ones do not).</param>
    /// <param name="Accepted">Whether a reviewer accepted every one of them where they were made: a task they
    /// complete is then accepted, as one whose annotations were all accepted here would be.</param>
    public sealed record ImportAnnotations(long Count, bool Accepted = false) : TaskEvent;

    /// <summary>A manager changes the task's priority: its place in the queue, not its lifecycle.</summary>
    public sealed record ChangePriority : TaskEvent;
}

/// <summary>Why a transition was refused; the row stays as it was.</summary>
public enum TaskRefusal
{
    /// <summary>The transition took place.</summary>
    None,

    /// <summary>No slot is open.</summary>
    NoSlotLeft,

    /// <summary>No annotation counts, so none can be rejected.</summary>
    NoAnnotation,

    /// <summary>The task is complete (or the new target is below what it already holds): an overlap change leaves it.</summary>
    NotOpen,

    /// <summary>Only gold tasks nobody has started become control tasks.</summary>
    NotNew,

    /// <summary>The task is not a control task.</summary>
    NotControl,

    /// <summary>The task is a control task already.</summary>
    AlreadyControl,
}

/// <summary>The result of one event: the new row, or the old one with the reason it was refused.</summary>
public readonly record struct TaskOutcome(TaskRow Row, TaskRefusal Refusal)
{
    /// <summary>Whether the transition took place.</summary>
    public bool Applied => Refusal == TaskRefusal.None;
}

/// <summary>
/// The task lifecycle: every change of a task's state, open slots and target, as a function of the
/// row and the event. The server writes these columns only through <c>TaskStates</c>, whose SQL is
/// checked against this machine on both engines.
/// </summary>
public static class TaskLifecycle
{
    /// <summary>A newly imported task: a control task wants <paramref name="controlTarget"/>, any other the overlap.</summary>
    public static TaskRow Created(long overlap, bool control = false, long controlTarget = 0)
    {
        var target = control ? controlTarget : overlap;
        return new TaskRow(TaskState.New, 0, target, target, control);
    }

    /// <summary>The row after <paramref name="e"/>, or the row unchanged with why it was refused.</summary>
    public static TaskOutcome Apply(TaskRow row, TaskEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            TaskEvent.Lease => row.Remaining <= 0
                ? Refuse(row, TaskRefusal.NoSlotLeft)
                : Ok(row with { Remaining = row.Remaining - 1, State = row.State == TaskState.New ? TaskState.InProgress : row.State }),
            TaskEvent.RetakeSlot => row.Remaining <= 0
                ? Refuse(row, TaskRefusal.NoSlotLeft)
                : Ok(row with { Remaining = row.Remaining - 1 }),
            TaskEvent.Submit s => Submit(row, s),
            TaskEvent.AskMore x => row.State is not (TaskState.Annotated or TaskState.InReview) || row.Annotations < row.Target || row.Target >= x.Max
                ? Refuse(row, TaskRefusal.NotOpen)
                : Ok(row with { Target = row.Target + 1, Remaining = row.Remaining + 1, State = TaskState.InProgress }),
            TaskEvent.ReturnSlot => Ok(row with
            {
                Remaining = row.Remaining + 1,
                State = row.Annotations == 0 && row.Remaining + 1 >= row.Target ? TaskState.New : row.State,
            }),
            TaskEvent.Reject r => row.Annotations <= 0
                ? Refuse(row, TaskRefusal.NoAnnotation)
                : Ok(row with
                {
                    Annotations = row.Annotations - 1, Remaining = row.Remaining + (r.SlotFreed ? 1 : 0), State = TaskState.Rejected,
                }),
            TaskEvent.Settle s => Ok(row with
            {
                State = row.Annotations >= row.Target && !s.Facts.Pending && !s.Facts.Rejected ? TaskState.Accepted : row.State,
            }),
            TaskEvent.ChangeOverlap o => ChangeOverlap(row, o),
            TaskEvent.ControlOn c => row.Control || row.State != TaskState.New
                ? Refuse(row, row.Control ? TaskRefusal.AlreadyControl : TaskRefusal.NotNew)
                : Ok(row with { Control = true, Target = c.ControlTarget, Remaining = c.ControlTarget }),
            TaskEvent.ControlOff c => !row.Control
                ? Refuse(row, TaskRefusal.NotControl)
                : Ok(row with
                {
                    Control = false, Target = c.Overlap, Remaining = Math.Max(0, c.Overlap - row.Annotations - c.LiveLeases),
                    State = row.Annotations >= c.Overlap ? TaskState.Annotated : row.State,
                }),
            TaskEvent.ImportAnnotations i => Ok(row with
            {
                Annotations = row.Annotations + i.Count,
                Remaining = Math.Max(0, row.Remaining - i.Count),
                State = row.Annotations + i.Count < row.Target ? TaskState.InProgress : i.Accepted ? TaskState.Accepted : TaskState.Annotated,
            }),
            TaskEvent.ChangePriority => Ok(row),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, "Unknown task event."),
        };
    }

    /// <summary>A submission counts; the task is complete when it reaches its (possibly raised) target.</summary>
    private static TaskOutcome Submit(TaskRow row, TaskEvent.Submit s)
    {
        var extend = s.Extend ? 1 : 0;
        var annotations = row.Annotations + 1;
        var target = row.Target + extend;
        return Ok(row with
        {
            Annotations = annotations, Target = target, Remaining = row.Remaining + extend,
            State = annotations >= target ? (s.Reviewed ? TaskState.InReview : TaskState.Annotated) : TaskState.InProgress,
        });
    }

    /// <summary>A task not yet complete takes the new target; one that already holds as many
    /// annotations as it asks for moves on as its last submission would have moved it.</summary>
    private static TaskOutcome ChangeOverlap(TaskRow row, TaskEvent.ChangeOverlap o)
    {
        var remaining = row.Remaining + (o.Overlap - row.Target);
        if (row.State is not (TaskState.New or TaskState.InProgress) || remaining < 0)
        {
            return Refuse(row, TaskRefusal.NotOpen);
        }
        var state = row.Annotations < o.Overlap ? row.State
            : o.Facts.Pending ? TaskState.InReview
            : o.Facts.Accepted && !o.Facts.Submitted ? TaskState.Accepted
            : TaskState.Annotated;
        return Ok(row with { Remaining = remaining, Target = o.Overlap, State = state });
    }

    private static TaskOutcome Ok(TaskRow row) => new(row, TaskRefusal.None);

    private static TaskOutcome Refuse(TaskRow row, TaskRefusal why) => new(row, why);

    /// <summary>The state as stored and served: <c>new</c>, <c>in_progress</c>, <c>annotated</c>,
    /// <c>in_review</c>, <c>accepted</c>, <c>rejected</c>.</summary>
    public static string Text(TaskState state) => state switch
    {
        TaskState.New => "new",
        TaskState.InProgress => "in_progress",
        TaskState.Annotated => "annotated",
        TaskState.InReview => "in_review",
        TaskState.Accepted => "accepted",
        TaskState.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown task state."),
    };

    /// <summary>The state stored as <paramref name="text"/> (see <see cref="Text"/>).</summary>
    public static TaskState Parse(string text) => text switch
    {
        "new" => TaskState.New,
        "in_progress" => TaskState.InProgress,
        "annotated" => TaskState.Annotated,
        "in_review" => TaskState.InReview,
        "accepted" => TaskState.Accepted,
        "rejected" => TaskState.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Unknown task state."),
    };
}
