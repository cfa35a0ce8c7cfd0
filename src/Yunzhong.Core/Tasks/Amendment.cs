namespace Yunzhong.Core.Tasks;

/// <summary>Where an annotation stands, as far as amending it goes.</summary>
/// <param name="Mine">The caller is the annotator it is stored under (a reviewer's fix stored under them is accepted, so reviewed).</param>
/// <param name="Status">Its stored status: <c>submitted</c>, <c>pending</c>, <c>accepted</c>, <c>rejected</c> or <c>superseded</c>.</param>
/// <param name="Reviewed">A reviewer judged it (accepted, rejected or fixed it).</param>
/// <param name="HeldByReviewer">A reviewer took it from the review queue and their hold has not expired.</param>
/// <param name="Archived">Its project is archived.</param>
public readonly record struct AmendFacts(bool Mine, string Status, bool Reviewed, bool HeldByReviewer, bool Archived);

/// <summary>Why an annotation cannot be amended.</summary>
public enum AmendRefusal
{
    /// <summary>It may be amended.</summary>
    None,

    /// <summary>Not the caller's own answer: to them it does not exist.</summary>
    NotTheirs,

    /// <summary>A reviewer accepted, rejected or fixed it: the review stands.</summary>
    Reviewed,

    /// <summary>A newer version replaced it (the annotator amended it already): amend that one.</summary>
    Replaced,

    /// <summary>A reviewer is looking at it now.</summary>
    UnderReview,

    /// <summary>The project is archived: its work is kept as it is.</summary>
    Archived,
}

/// <summary>
/// Amending: an annotator replaces their own submitted answer with a corrected one while nobody has
/// reviewed it. The amendment is the annotation's next version (the old one is kept as superseded),
/// so it changes no task column of <see cref="TaskLifecycle"/>: the task holds as many answers in
/// force as before, in the same state, with the same open slots, except that under dynamic overlap a
/// complete task the change leaves short of confidence asks for one more annotation
/// (<see cref="TaskEvent.AskMore"/>), as a submission would. Agreement, truth inference and
/// exports read the answers in force and so see the new version.
/// </summary>
public static class Amendment
{
    /// <summary>Whether the annotation may be amended, or the first reason it may not.</summary>
    public static AmendRefusal Check(AmendFacts facts) => facts switch
    {
        { Mine: false } => AmendRefusal.NotTheirs,
        { Reviewed: true } or { Status: "accepted" or "rejected" } => AmendRefusal.Reviewed,
        { Status: "superseded" } => AmendRefusal.Replaced,
        { Status: not ("submitted" or "pending") } => AmendRefusal.Reviewed,
        { Archived: true } => AmendRefusal.Archived,
        { HeldByReviewer: true } => AmendRefusal.UnderReview,
        _ => AmendRefusal.None,
    };
}
