using Yunzhong.Core.Park;

namespace Yunzhong.Core.Tests.Park;

public class ContractLifecycleTests
{
    [Theory]
    [InlineData(ContractState.Proposed, ContractEvent.Accept, ContractParty.Vendor, ContractState.Accepted)]
    [InlineData(ContractState.Proposed, ContractEvent.Decline, ContractParty.Vendor, ContractState.Declined)]
    [InlineData(ContractState.Accepted, ContractEvent.Activate, ContractParty.Client, ContractState.Active)]
    [InlineData(ContractState.Proposed, ContractEvent.Close, ContractParty.Client, ContractState.Closed)]
    [InlineData(ContractState.Accepted, ContractEvent.Close, ContractParty.Client, ContractState.Closed)]
    [InlineData(ContractState.Active, ContractEvent.Close, ContractParty.Client, ContractState.Closed)]
    [InlineData(ContractState.Active, ContractEvent.Close, ContractParty.Vendor, ContractState.Closed)]
    public void AllowedTransitionsLeadWhereTheyShould(ContractState from, ContractEvent e, ContractParty by, ContractState to) =>
        Assert.Equal(to, ContractLifecycle.Apply(from, e, by));

    [Fact]
    public void EveryOtherTransitionIsRefused()
    {
        var allowed = 0;
        foreach (var s in Enum.GetValues<ContractState>())
        {
            foreach (var e in Enum.GetValues<ContractEvent>())
            {
                foreach (var by in Enum.GetValues<ContractParty>())
                {
                    if (ContractLifecycle.Apply(s, e, by) is not null)
                    {
                        allowed++;
                    }
                }
            }
        }
        Assert.Equal(7, allowed);
    }

    [Fact]
    public void TheClientCannotAcceptItsOwnOfferNorTheVendorStartTheWork()
    {
        Assert.Null(ContractLifecycle.Apply(ContractState.Proposed, ContractEvent.Accept, ContractParty.Client));
        Assert.Null(ContractLifecycle.Apply(ContractState.Accepted, ContractEvent.Activate, ContractParty.Vendor));
        Assert.Null(ContractLifecycle.Apply(ContractState.Proposed, ContractEvent.Close, ContractParty.Vendor));
    }

    [Fact]
    public void DeclinedAndClosedAreFinal()
    {
        foreach (var e in Enum.GetValues<ContractEvent>())
        {
            foreach (var by in Enum.GetValues<ContractParty>())
            {
                Assert.Null(ContractLifecycle.Apply(ContractState.Declined, e, by));
                Assert.Null(ContractLifecycle.Apply(ContractState.Closed, e, by));
            }
        }
        Assert.False(ContractLifecycle.Open(ContractState.Closed));
        Assert.True(ContractLifecycle.Works(ContractState.Active));
        Assert.False(ContractLifecycle.Works(ContractState.Accepted));
    }

    [Fact]
    public void StatesRoundTripThroughTheirText()
    {
        foreach (var s in Enum.GetValues<ContractState>())
        {
            Assert.Equal(s, ContractLifecycle.Parse(ContractLifecycle.Text(s)));
        }
    }

    [Theory]
    [InlineData("0.035", 350L)]
    [InlineData("12", 120_000L)]
    [InlineData("1.2345", 12_345L)]
    [InlineData("0", 0L)]
    public void PricesAreExact(string text, long e4)
    {
        Assert.Equal(e4, UnitPrice.Parse(text)?.E4);
        Assert.Equal(text, UnitPrice.FromE4(e4).Text);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0.00001")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    public void BadPricesAreRefused(string? text) => Assert.Null(UnitPrice.Parse(text));
}
