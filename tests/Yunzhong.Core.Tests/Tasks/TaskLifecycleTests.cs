using Yunzhong.Core.Tasks;
using E = Yunzhong.Core.Tasks.TaskEvent;

namespace Yunzhong.Core.Tests.Tasks;

public class TaskLifecycleTests
{
    private static readonly TaskState[] _states = Enum.GetValues<TaskState>();

    private static readonly ReviewFacts[] _allFacts =
        [.. from p in new[] { false, true } from a in new[] { false, true } from s in new[] { false, true } from r in new[] { false, true }
            select new ReviewFacts(p, a, s, r)];

    /// <summary>Every kind of event, with each of its parameters varied.</summary>
    public static readonly TaskEvent[] Events =
    [
        new E.Lease(), new E.RetakeSlot(),
        new E.Submit(false), new E.Submit(true), new E.Submit(false, Extend: true), new E.Submit(true, Extend: true),
        new E.AskMore(1), new E.AskMore(2), new E.AskMore(5),
        new E.ReturnSlot(), new E.Reject(false), new E.Reject(true),
        .. _allFacts.Select(f => new E.Settle(f)),
        .. from o in new long[] { 1, 2, 3, 5 } from f in _allFacts select new E.ChangeOverlap(o, f),
        new E.ControlOn(1_000_000_000),
        .. from o in new long[] { 1, 2, 3 } from l in new long[] { 0, 1, 2 } select new E.ControlOff(o, l),
        new E.ImportAnnotations(1), new E.ImportAnnotations(3), new E.ImportAnnotations(1, Accepted: true), new E.ImportAnnotations(3, Accepted: true),
        new E.ChangePriority(),
    ];

    /// <summary>Every state with small counts, consistent or not: the machine must answer all of them.</summary>
    private static IEnumerable<TaskRow> Rows() =>
        from s in _states from n in Enumerable.Range(0, 4) from t in Enumerable.Range(1, 3) from r in Enumerable.Range(0, 4)
        from c in new[] { false, true }
        select new TaskRow(s, n, t, r, c);

    public static TheoryData<TaskState, int> StateByEvent()
    {
        var data = new TheoryData<TaskState, int>();
        foreach (var s in _states)
        {
            for (var e = 0; e < Events.Length; e++)
            {
                data.Add(s, e);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StateByEvent))]
    public void EveryStateAnswersEveryEventWithinTheInvariants(TaskState state, int eventIndex)
    {
        var e = Events[eventIndex];
        foreach (var row in Rows().Where(r => r.State == state))
        {
            var outcome = TaskLifecycle.Apply(row, e);
            var next = outcome.Row;
            if (!outcome.Applied)
            {
                Assert.Equal(row, next); // a refusal leaves the row as it was
                continue;
            }
            Assert.True(next.Annotations >= 0, $"{row} {e}: annotations below zero");
            Assert.True(next.Remaining >= 0, $"{row} {e}: open slots below zero");
            switch (e)
            {
                case E.Lease:
                    Assert.Equal(row.Remaining - 1, next.Remaining);
                    Assert.Equal(state == TaskState.New ? TaskState.InProgress : state, next.State);
                    break;
                case E.RetakeSlot:
                    Assert.Equal(row with { Remaining = row.Remaining - 1 }, next);
                    break;
                case E.Submit s:
                    Assert.Equal(row.Annotations + 1, next.Annotations);
                    Assert.Equal(row.Target + (s.Extend ? 1 : 0), next.Target);
                    Assert.Equal(next.Annotations >= next.Target ? (s.Reviewed ? TaskState.InReview : TaskState.Annotated) : TaskState.InProgress,
                        next.State);
                    break;
                case E.AskMore m:
                    // Only a complete task below the most grows, by one annotation, and is open again.
                    Assert.Contains(state, new[] { TaskState.Annotated, TaskState.InReview });
                    Assert.True(row.Annotations >= row.Target && row.Target < m.Max, $"{row} {e}");
                    Assert.Equal(row with { Target = row.Target + 1, Remaining = row.Remaining + 1, State = TaskState.InProgress }, next);
                    break;
                case E.ReturnSlot:
                    Assert.Equal(row.Remaining + 1, next.Remaining);
                    Assert.True(next.State == state || next.State == TaskState.New);
                    if (state != TaskState.New)
                    {
                        Assert.Equal(next.State == TaskState.New, row.Annotations == 0 && next.Remaining >= row.Target);
                    }
                    break;
                case E.Reject r:
                    Assert.Equal(TaskState.Rejected, next.State);
                    Assert.Equal(row.Annotations - 1, next.Annotations);
                    Assert.Equal(row.Remaining + (r.SlotFreed ? 1 : 0), next.Remaining);
                    break;
                case E.Settle st:
                    var complete = row.Annotations >= row.Target && !st.Facts.Pending && !st.Facts.Rejected;
                    Assert.Equal(complete ? TaskState.Accepted : state, next.State);
                    Assert.Equal(row with { State = next.State }, next);
                    break;
                case E.ChangeOverlap o:
                    Assert.Contains(state, new[] { TaskState.New, TaskState.InProgress });
                    Assert.Equal(o.Overlap, next.Target);
                    Assert.Equal(row.Remaining + o.Overlap - row.Target, next.Remaining);
                    if (row.Annotations < o.Overlap)
                    {
                        Assert.Equal(state, next.State);
                    }
                    else
                    {
                        Assert.Contains(next.State, new[] { TaskState.InReview, TaskState.Accepted, TaskState.Annotated });
                    }
                    break;
                case E.ControlOn c:
                    Assert.Equal((TaskState.New, false), (state, row.Control));
                    Assert.Equal(new TaskRow(TaskState.New, row.Annotations, c.ControlTarget, c.ControlTarget, true), next);
                    break;
                case E.ControlOff c:
                    Assert.True(row.Control);
                    Assert.False(next.Control);
                    Assert.Equal(c.Overlap, next.Target);
                    Assert.Equal(Math.Max(0, c.Overlap - row.Annotations - c.LiveLeases), next.Remaining);
                    Assert.Equal(row.Annotations >= c.Overlap ? TaskState.Annotated : state, next.State);
                    break;
                case E.ImportAnnotations i:
                    Assert.Equal(row.Annotations + i.Count, next.Annotations);
                    Assert.Equal(next.Annotations < row.Target ? TaskState.InProgress : i.Accepted ? TaskState.Accepted : TaskState.Annotated, next.State);
                    break;
                case E.ChangePriority:
                    Assert.Equal(row, next);
                    break;
                default:
                    Assert.Fail($"No expectation for {e}");
                    break;
            }
        }
    }

    [Fact]
    public void EveryKindOfEventIsInTheGrid()
    {
        var kinds = typeof(TaskEvent).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(TaskEvent))).ToHashSet();
        Assert.Equal(kinds, Events.Select(e => e.GetType()).ToHashSet());
    }

    [Fact]
    public void RefusalsNameTheirReason()
    {
        var full = new TaskRow(TaskState.InProgress, 1, 2, 0);
        Assert.Equal(TaskRefusal.NoSlotLeft, TaskLifecycle.Apply(full, new E.Lease()).Refusal);
        Assert.Equal(TaskRefusal.NoSlotLeft, TaskLifecycle.Apply(full, new E.RetakeSlot()).Refusal);
        Assert.Equal(TaskRefusal.NoAnnotation, TaskLifecycle.Apply(full with { Annotations = 0 }, new E.Reject(true)).Refusal);
        Assert.Equal(TaskRefusal.NotOpen, TaskLifecycle.Apply(full with { State = TaskState.Annotated }, new E.ChangeOverlap(3, default)).Refusal);
        Assert.Equal(TaskRefusal.NotOpen, TaskLifecycle.Apply(full, new E.ChangeOverlap(1, default)).Refusal); // below what it holds and leases
        Assert.Equal(TaskRefusal.NotNew, TaskLifecycle.Apply(full, new E.ControlOn(100)).Refusal);
        Assert.Equal(TaskRefusal.NotOpen, TaskLifecycle.Apply(full, new E.AskMore(5)).Refusal); // not complete
        Assert.Equal(TaskRefusal.NotOpen, TaskLifecycle.Apply(full with { State = TaskState.Annotated, Annotations = 2 }, new E.AskMore(2)).Refusal); // at the most
        Assert.True(TaskLifecycle.Apply(full with { State = TaskState.Annotated, Annotations = 2 }, new E.AskMore(3)).Applied);
        Assert.Equal(TaskRefusal.AlreadyControl, TaskLifecycle.Apply(full with { State = TaskState.New, Control = true }, new E.ControlOn(100)).Refusal);
        Assert.Equal(TaskRefusal.NotControl, TaskLifecycle.Apply(full, new E.ControlOff(2, 0)).Refusal);
    }

    [Fact]
    public void ATaskWalksFromNewThroughReviewToAccepted()
    {
        var row = TaskLifecycle.Created(overlap: 2);
        Assert.Equal(new TaskRow(TaskState.New, 0, 2, 2), row);
        row = Step(row, new E.Lease());
        Assert.Equal(TaskState.InProgress, row.State);
        row = Step(row, new E.Lease());
        row = Step(row, new E.Submit(Reviewed: true));
        Assert.Equal((TaskState.InProgress, 1L, 0L), (row.State, row.Annotations, row.Remaining));
        row = Step(row, new E.Submit(Reviewed: true));
        Assert.Equal(TaskState.InReview, row.State);
        row = Step(row, new E.Settle(new ReviewFacts(Pending: true)));
        Assert.Equal(TaskState.InReview, row.State); // the other annotation still waits
        row = Step(row, new E.Reject(SlotFreed: false));
        Assert.Equal((TaskState.Rejected, 1L, 0L), (row.State, row.Annotations, row.Remaining)); // handed back to its annotator
        row = Step(row, new E.Submit(Reviewed: true));
        Assert.Equal(TaskState.InReview, row.State);
        row = Step(row, new E.Settle(default));
        Assert.Equal(new TaskRow(TaskState.Accepted, 2, 2, 0), row);
    }

    [Fact]
    public void ALeaseGivenBackLeavesAnUntouchedTaskNew()
    {
        var row = Step(TaskLifecycle.Created(overlap: 3), new E.Lease());
        Assert.Equal(TaskState.InProgress, row.State);
        Assert.Equal(TaskLifecycle.Created(overlap: 3), Step(row, new E.ReturnSlot()));
        var started = Step(Step(Step(TaskLifecycle.Created(overlap: 3), new E.Lease()), new E.Submit(false)), new E.Lease());
        Assert.Equal(TaskState.InProgress, Step(started, new E.ReturnSlot()).State);
    }

    [Fact]
    public void DynamicOverlapRaisesTheTargetInsteadOfCompleting()
    {
        var row = Step(Step(TaskLifecycle.Created(overlap: 1), new E.Lease()), new E.Submit(false, Extend: true));
        Assert.Equal(new TaskRow(TaskState.InProgress, 1, 2, 1), row);
        Assert.Equal(TaskState.Annotated, Step(Step(row, new E.Lease()), new E.Submit(false)).State);
    }

    [Fact]
    public void LoweringTheOverlapCompletesATaskThatHoldsEnough()
    {
        var row = Step(Step(TaskLifecycle.Created(overlap: 3), new E.Lease()), new E.Submit(false));
        Assert.Equal(new TaskRow(TaskState.Annotated, 1, 1, 0), Step(row, new E.ChangeOverlap(1, new ReviewFacts(Submitted: true))));
        Assert.Equal(TaskState.InReview, Step(row, new E.ChangeOverlap(1, new ReviewFacts(Pending: true))).State);
        Assert.Equal(TaskState.Accepted, Step(row, new E.ChangeOverlap(1, new ReviewFacts(Accepted: true))).State);
        Assert.Equal(new TaskRow(TaskState.InProgress, 1, 5, 4), Step(row, new E.ChangeOverlap(5, default)));
    }

    [Fact]
    public void ImportedAnnotationsCountAndNeverOverdrawTheSlots()
    {
        var row = Step(TaskLifecycle.Created(overlap: 2), new E.ImportAnnotations(3));
        Assert.Equal(new TaskRow(TaskState.Annotated, 3, 2, 0), row);
        Assert.Equal(new TaskRow(TaskState.InProgress, 1, 2, 1), Step(TaskLifecycle.Created(overlap: 2), new E.ImportAnnotations(1)));
        // Annotations accepted where they were made complete the task as accepted; too few still leave it in progress.
        Assert.Equal(new TaskRow(TaskState.Accepted, 2, 2, 0), Step(TaskLifecycle.Created(overlap: 2), new E.ImportAnnotations(2, Accepted: true)));
        Assert.Equal(new TaskRow(TaskState.InProgress, 1, 2, 1), Step(TaskLifecycle.Created(overlap: 2), new E.ImportAnnotations(1, Accepted: true)));
    }

    [Fact]
    public void GoldMixingTurnsUntouchedGoldTasksIntoControlTasksAndBack()
    {
        var control = Step(TaskLifecycle.Created(overlap: 2), new E.ControlOn(1_000_000_000));
        Assert.Equal(TaskLifecycle.Created(2, control: true, controlTarget: 1_000_000_000), control);
        var served = Step(Step(control, new E.Lease()), new E.Submit(false)); // a gold answer counts like any
        Assert.Equal(TaskState.InProgress, served.State);
        Assert.Equal(new TaskRow(TaskState.InProgress, 1, 2, 0), Step(Step(served, new E.Lease()), new E.ControlOff(2, 1)));
        Assert.Equal(new TaskRow(TaskState.Annotated, 1, 1, 0), Step(served, new E.ControlOff(1, 0)));
    }

    [Fact]
    public void StateTextsRoundTrip()
    {
        foreach (var s in _states)
        {
            Assert.Equal(s, TaskLifecycle.Parse(TaskLifecycle.Text(s)));
        }
        Assert.Equal(["new", "in_progress", "annotated", "in_review", "accepted", "rejected"], _states.Select(TaskLifecycle.Text));
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskLifecycle.Parse("inProgress"));
    }

    /// <summary>Any sequence of granted leases, submissions and returns on a task keeps its slots and
    /// counts adding up: open slots + live leases + annotations = target.</summary>
    [Fact]
    public void SlotsAddUpOverRandomLifetimes()
    {
        var random = new Random(11);
        for (var run = 0; run < 2_000; run++)
        {
            var overlap = random.Next(1, 5);
            var row = TaskLifecycle.Created(overlap);
            var leases = 0L;
            for (var step = 0; step < 30; step++)
            {
                TaskEvent e = random.Next(5) switch
                {
                    0 or 1 => new E.Lease(),
                    2 when leases > 0 => new E.Submit(random.Next(2) == 0, Extend: random.Next(4) == 0),
                    3 when leases > 0 => new E.ReturnSlot(),
                    4 when row.Annotations > 0 => new E.Reject(SlotFreed: true),
                    _ => new E.ChangePriority(),
                };
                var outcome = TaskLifecycle.Apply(row, e);
                if (outcome.Applied)
                {
                    leases += e switch { E.Lease => 1, E.Submit or E.ReturnSlot => -1, _ => 0 };
                }
                row = outcome.Row;
                Assert.Equal(row.Target, row.Remaining + leases + row.Annotations);
                Assert.True(row.Remaining >= 0);
                if (row.State == TaskState.New)
                {
                    Assert.Equal((0L, 0L), (row.Annotations, leases)); // new means untouched
                }
            }
        }
    }

    private static TaskRow Step(TaskRow row, TaskEvent e)
    {
        var outcome = TaskLifecycle.Apply(row, e);
        Assert.True(outcome.Applied, $"{e} refused on {row}: {outcome.Refusal}");
        return outcome.Row;
    }
}
