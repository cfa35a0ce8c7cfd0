using Yunzhong.Core.Park;

namespace Yunzhong.Core.Tests.Park;

public class SettlementTests
{
    private static UnitPrice P(decimal v) => new(v);

    private static readonly RateCard _rates = new(
        new Dictionary<long, UnitPrice> { [100] = P(0.35m), [200] = P(1.2000m) },
        new Dictionary<PayKey, UnitPrice>
        {
            [new(100, null, null)] = P(0.20m),
            [new(100, 7, null)] = P(0.22m),
            [new(100, null, 3)] = P(0.25m),
            [new(200, null, null)] = P(0.8m),
        });

    [Fact]
    public void AcceptedWorkEarnsRejectedEarnsNothingAndAFixIsSharedByTheStatedRule()
    {
        var s = Settler.Settle(
        [
            new(1, Annotator: 1, null, Vendor: 10, Contract: 100, Client: 50, Team: null, 1, WorkOutcome.Accepted),
            new(2, Annotator: 1, null, Vendor: 10, Contract: 100, Client: 50, Team: null, 1, WorkOutcome.Rejected),
            new(3, Annotator: 2, Reviewer: 3, Vendor: 10, Contract: 100, Client: 50, Team: 7, 1, WorkOutcome.Fixed),
        ], _rates);
        // The client pays for the two accepted annotations (a fixed one is accepted work).
        var (billLines, billTotal) = s.ClientBill(50);
        Assert.Equal(2m, Assert.Single(billLines).Units);
        Assert.Equal("0.70", billTotal.ToString());
        Assert.Equal("0.20", s.Person(1).Total.ToString());      // contract default, one accepted
        Assert.Equal("0.11", s.Person(2).Total.ToString());      // team rate 0.22, half kept after the fix
        var fixing = Assert.Single(s.Person(3).Lines);            // the reviewer's own rate 0.25 for the other half
        Assert.Equal((Settler.Fixing, 0.5m, "0.13"), (fixing.Role, fixing.Units, fixing.Amount.ToString()));
    }

    [Fact]
    public void AFixBySomeoneOutsideTheVendorPaysTheAnnotatorTheirShareAndNobodyTheRest()
    {
        var s = Settler.Settle([new(1, Annotator: 2, Reviewer: null, Vendor: 10, Contract: 100, Client: 50, Team: 7, 1, WorkOutcome.Fixed)], _rates);
        var line = Assert.Single(s.Pay);
        Assert.Equal((2L, Settler.Annotating, 0.5m, "0.11"), (line.Person, line.Role, line.Units, line.Amount.ToString()));
        Assert.Equal(1m, Assert.Single(s.Bill).Units);
    }

    [Fact]
    public void AmountsAreRoundedOncePerLineHalfAwayFromZero()
    {
        // 3 × 0.2250 = 0.675 → 0.68 once, not 3 × 0.23 = 0.69 or 3 × 0.22 = 0.66.
        var rates = new RateCard(new Dictionary<long, UnitPrice> { [1] = P(0.225m) }, new Dictionary<PayKey, UnitPrice> { [new(1, null, null)] = P(0.225m) });
        var s = Settler.Settle(Enumerable.Range(1, 3).Select(i => new WorkItem(i, 1, null, 2, 1, 3, null, 1, WorkOutcome.Accepted)), rates);
        Assert.Equal(68, s.ClientBill(3).Total.Fen);
        Assert.Equal(68, s.Person(1).Total.Fen);
        Assert.Equal(-68, Yuan.Of(-3m, P(0.225m)).Fen);
    }

    [Fact]
    public void AReversalTakesBackWhatTheReversedWorkEarned()
    {
        WorkItem fixedWork = new(9, 2, 3, 10, 100, 50, 7, 4, WorkOutcome.Fixed);
        var earned = Settler.Settle([fixedWork], _rates);
        var reversed = Settler.Settle([fixedWork with { Outcome = WorkOutcome.Reversed, ReversedOutcome = WorkOutcome.Fixed }], _rates);
        Assert.Equal(earned.Person(2).Total.Fen, -reversed.Person(2).Total.Fen);
        Assert.Equal(earned.Person(3).Total.Fen, -reversed.Person(3).Total.Fen);
        Assert.Equal(earned.ClientBill(50).Total.Fen, -reversed.ClientBill(50).Total.Fen);
        Assert.Throws<ArgumentException>(() => Settler.Settle([fixedWork with { Outcome = WorkOutcome.Reversed }], _rates));
    }

    [Fact]
    public void APersonWithoutARateIsNamed()
    {
        var rates = _rates with { PayRates = new Dictionary<PayKey, UnitPrice> { [new(100, null, 3)] = P(0.25m) } };
        var e = Assert.Throws<InvalidOperationException>(() => Settler.Settle([new(1, 4, null, 10, 100, 50, null, 1, WorkOutcome.Accepted)], rates));
        Assert.Contains("person 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PricesAreRefusedWhenNegativeOrFinerThanFourDecimals()
    {
        Assert.False(UnitPrice.TryCreate(-0.01m, out _, out var negative));
        Assert.Contains("negative", negative, StringComparison.Ordinal);
        Assert.False(UnitPrice.TryCreate(0.00001m, out _, out var fine));
        Assert.Contains("4 decimals", fine, StringComparison.Ordinal);
        Assert.True(UnitPrice.TryCreate(0.0350m, out var ok, out _));
        Assert.Equal("0.0350", ok.ToString());
    }

    /// <summary>Random periods: several clients, vendors, contracts, teams and people; fractional units (audio minutes).</summary>
    private static (List<WorkItem> Work, RateCard Rates) RandomPeriod(int seed)
    {
        var rng = new Random(seed);
        var prices = Enumerable.Range(1, 6).ToDictionary(c => (long)c, _ => P(rng.Next(1, 20000) / 10000m));
        var pay = new Dictionary<PayKey, UnitPrice>();
        foreach (var c in prices.Keys)
        {
            pay[new(c, null, null)] = P(rng.Next(1, 15000) / 10000m);
            pay[new(c, rng.Next(1, 4), null)] = P(rng.Next(1, 15000) / 10000m);
            pay[new(c, null, rng.Next(1, 30))] = P(rng.Next(1, 15000) / 10000m);
        }
        var outcomes = Enum.GetValues<WorkOutcome>();
        var work = Enumerable.Range(1, 2000).Select(i =>
        {
            var contract = rng.Next(1, 7);
            var outcome = outcomes[rng.Next(outcomes.Length)];
            return new WorkItem(i, Annotator: rng.Next(1, 30), Reviewer: rng.Next(30, 35), Vendor: 10 + contract % 3, Contract: contract,
                Client: 100 + contract % 2, Team: rng.Next(0, 4) is var t and > 0 ? t : null, Units: rng.Next(0, 5000) / 1000m, outcome,
                outcome == WorkOutcome.Reversed ? (rng.Next(2) == 0 ? WorkOutcome.Accepted : WorkOutcome.Fixed) : null);
        }).ToList();
        return (work, new RateCard(prices, pay, FixShare: 0.6m));
    }

    [Fact]
    public void PeopleAddUpToTheVendorAndVendorsToTheClientsBillForAnyPeriod()
    {
        for (var seed = 0; seed < 25; seed++)
        {
            var (work, rates) = RandomPeriod(seed);
            var s = Settler.Settle(work, rates);
            foreach (var vendor in work.Select(w => w.Vendor).Distinct())
            {
                var v = s.Vendor(vendor);
                var people = work.Where(w => w.Vendor == vendor).SelectMany(w => new[] { w.Annotator, w.Reviewer!.Value }).Distinct();
                Assert.Equal(v.PayTotal, Yuan.Sum(people.Select(p => Yuan.Sum(s.Person(p).Lines.Where(l => l.Vendor == vendor).Select(l => l.Amount)))));
            }
            foreach (var client in work.Select(w => w.Client).Distinct())
            {
                var vendors = work.Where(w => w.Client == client).Select(w => w.Vendor).Distinct();
                Assert.Equal(s.ClientBill(client).Total, Yuan.Sum(vendors.Select(v => Yuan.Sum(s.Vendor(v).Income.Where(l => l.Client == client).Select(l => l.Amount)))));
            }
            // Units billed are the units accepted, less those reversed; nothing rejected is billed.
            var expected = work.Sum(w => w.Outcome switch { WorkOutcome.Accepted or WorkOutcome.Fixed => w.Units, WorkOutcome.Reversed => -w.Units, _ => 0 });
            Assert.Equal(expected, s.Bill.Sum(l => l.Units));
        }
    }

    [Fact]
    public void RecomputingAClosedPeriodInAnyOrderGivesTheSameFigures()
    {
        for (var seed = 0; seed < 10; seed++)
        {
            var (work, rates) = RandomPeriod(seed);
            var first = Settler.Settle(work, rates);
            var shuffled = work.OrderBy(_ => Random.Shared.Next()).ToList();
            var again = Settler.Settle(shuffled, rates);
            Assert.Equal(first.Bill, again.Bill);
            Assert.Equal(first.Pay, again.Pay);
        }
    }
}
