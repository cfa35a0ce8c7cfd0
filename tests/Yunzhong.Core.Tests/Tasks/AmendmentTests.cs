using Yunzhong.Core.Tasks;

namespace Yunzhong.Core.Tests.Tasks;

public class AmendmentTests
{
    [Theory]
    [InlineData("submitted")]
    [InlineData("pending")]
    public void AnUnreviewedAnswerOfTheCallersOwnMayBeAmended(string status) =>
        Assert.Equal(AmendRefusal.None, Amendment.Check(new AmendFacts(Mine: true, status, Reviewed: false, HeldByReviewer: false, Archived: false)));

    [Theory]
    [InlineData("accepted")]
    [InlineData("rejected")]
    public void AJudgedAnswerIsReviewed(string status) =>
        Assert.Equal(AmendRefusal.Reviewed, Amendment.Check(new AmendFacts(true, status, Reviewed: true, false, false)));

    [Fact]
    public void AnAnswerAReviewerFixedIsReviewedNotReplaced() =>
        Assert.Equal(AmendRefusal.Reviewed, Amendment.Check(new AmendFacts(true, "superseded", Reviewed: true, false, false)));

    [Fact]
    public void AnAnswerTheAnnotatorAmendedAlreadyIsReplaced() =>
        Assert.Equal(AmendRefusal.Replaced, Amendment.Check(new AmendFacts(true, "superseded", Reviewed: false, false, false)));

    [Fact]
    public void SomeoneElsesAnswerIsNotTheirsWhateverItsStatus()
    {
        foreach (var status in new[] { "submitted", "pending", "accepted", "rejected", "superseded" })
        {
            Assert.Equal(AmendRefusal.NotTheirs, Amendment.Check(new AmendFacts(false, status, false, false, false)));
        }
    }

    [Fact]
    public void AHeldAnswerIsUnderReviewAndAnArchivedProjectKeepsItsWork()
    {
        Assert.Equal(AmendRefusal.UnderReview, Amendment.Check(new AmendFacts(true, "pending", false, HeldByReviewer: true, false)));
        Assert.Equal(AmendRefusal.Archived, Amendment.Check(new AmendFacts(true, "submitted", false, false, Archived: true)));
        // A judged answer says so even in an archived project: the review is the reason that lasts.
        Assert.Equal(AmendRefusal.Reviewed, Amendment.Check(new AmendFacts(true, "accepted", true, false, Archived: true)));
    }
}
