namespace Yunzhong.Core.Park;

/// <summary>What became of a piece of work, as far as pay goes.</summary>
public enum WorkOutcome
{
    /// <summary>Accepted as submitted (or accepted without review): the annotator earns it all.</summary>
    Accepted,
    /// <summary>Accepted after a reviewer fixed it: the annotator earns the fix share, the reviewer (when one of the vendor's people; <see cref="WorkItem.Reviewer"/> null otherwise) the rest at the reviewer's rate.</summary>
    Fixed,
    /// <summary>Rejected: nobody earns anything and the client pays nothing.</summary>
    Rejected,
    /// <summary>An acceptance reversed after its period closed: the same amounts, negative, in the period of the reversal.</summary>
    Reversed,
}

/// <summary>
/// One piece of work to settle: who did it (and who reviewed), for which vendor, under which
/// contract of which client, in which team, how many units (annotations, audio minutes, boxes…),
/// and what became of it. <see cref="ReversedOutcome"/> says what a <see cref="WorkOutcome.Reversed"/>
/// item had been (accepted or fixed), so the reversal takes back exactly what was paid.
/// </summary>
public sealed record WorkItem(
    long Id, long Annotator, long? Reviewer, long Vendor, long Contract, long Client, long? Team,
    decimal Units, WorkOutcome Outcome, WorkOutcome? ReversedOutcome = null);

/// <summary>
/// The rates a period is settled at. <see cref="ContractPrice"/>: what the client pays the vendor
/// per unit, per contract. <see cref="PayRate"/>: what the vendor pays a person per unit on a
/// contract — the person's own rate, else their team's, else the vendor's default for the contract
/// (inside the vendor only). <see cref="FixShare"/>: the share of the annotator's pay kept when a
/// reviewer fixed the work; the reviewer earns the rest of the units at their own rate.
/// </summary>
public sealed record RateCard(
    IReadOnlyDictionary<long, UnitPrice> ContractPrice,
    IReadOnlyDictionary<PayKey, UnitPrice> PayRates,
    decimal FixShare = 0.5m)
{
    /// <summary>The rate a person is paid on a contract: own, team's, contract default; none when none is set.</summary>
    public UnitPrice? PayRate(long contract, long? team, long person) =>
        PayRates.TryGetValue(new PayKey(contract, null, person), out var own) ? own
        : team is { } t && PayRates.TryGetValue(new PayKey(contract, t, null), out var teams) ? teams
        : PayRates.TryGetValue(new PayKey(contract, null, null), out var standard) ? standard
        : null;
}

/// <summary>Whose rate: a contract's default (team and person null), a team's on it, or one person's on it.</summary>
public readonly record struct PayKey(long Contract, long? Team, long? Person);

/// <summary>A person's pay on one contract in one role for a period: units and amount at one rate.</summary>
public sealed record PayLine(long Person, long Vendor, long Contract, string Role, decimal Units, UnitPrice Rate, Yuan Amount);

/// <summary>What a vendor bills a client on one contract for a period.</summary>
public sealed record BillLine(long Client, long Vendor, long Contract, decimal Units, UnitPrice Price, Yuan Amount);

/// <summary>A period settled: the bill lines (client ← vendor) and the pay lines (vendor → its people).</summary>
public sealed record Settlement(IReadOnlyList<BillLine> Bill, IReadOnlyList<PayLine> Pay)
{
    /// <summary>A client's bill: its lines and their sum.</summary>
    public (IReadOnlyList<BillLine> Lines, Yuan Total) ClientBill(long client)
    {
        var lines = Bill.Where(l => l.Client == client).ToList();
        return (lines, Yuan.Sum(lines.Select(l => l.Amount)));
    }

    /// <summary>A vendor's statement: what it bills (by contract), what it pays (by person), both totals.</summary>
    public (IReadOnlyList<BillLine> Income, Yuan IncomeTotal, IReadOnlyList<PayLine> Pay, Yuan PayTotal) Vendor(long vendor)
    {
        var income = Bill.Where(l => l.Vendor == vendor).ToList();
        var pay = Pay.Where(l => l.Vendor == vendor).ToList();
        return (income, Yuan.Sum(income.Select(l => l.Amount)), pay, Yuan.Sum(pay.Select(l => l.Amount)));
    }

    /// <summary>One person's statement: their lines and their sum.</summary>
    public (IReadOnlyList<PayLine> Lines, Yuan Total) Person(long person)
    {
        var lines = Pay.Where(l => l.Person == person).ToList();
        return (lines, Yuan.Sum(lines.Select(l => l.Amount)));
    }
}

/// <summary>
/// Settles a period's work. Units are summed per line first and rounded once per line, so a
/// statement's lines add up to its total exactly and the figures do not depend on the order the
/// work comes in: recomputing a closed period from the same work gives the same statements.
/// Rejected work earns nothing and bills nothing; a reversal takes back what the reversed work
/// earned, in the period it is reversed.
/// </summary>
public static class Settler
{
    /// <summary>The role on a pay line for annotating.</summary>
    public const string Annotating = "annotating";

    /// <summary>The role on a pay line for fixing another's work in review.</summary>
    public const string Fixing = "fixing";

    /// <summary>Settles <paramref name="work"/> at <paramref name="rates"/>; a contract or person without a rate is an error naming it.</summary>
    public static Settlement Settle(IEnumerable<WorkItem> work, RateCard rates)
    {
        var bill = new Dictionary<(long Client, long Vendor, long Contract), decimal>();
        var pay = new Dictionary<(long Person, long Vendor, long Contract, string Role, UnitPrice Rate), decimal>();
        foreach (var w in work)
        {
            if (w.Units < 0)
            {
                throw new ArgumentException($"work {w.Id}: negative units", nameof(work));
            }
            var (sign, outcome) = w.Outcome == WorkOutcome.Reversed
                ? (-1m, w.ReversedOutcome ?? throw new ArgumentException($"work {w.Id}: a reversal names what it reverses", nameof(work)))
                : (1m, w.Outcome);
            if (outcome is WorkOutcome.Rejected or WorkOutcome.Reversed)
            {
                continue;
            }
            var units = sign * w.Units;
            Add(bill, (w.Client, w.Vendor, w.Contract), units);
            var annotatorRate = rates.PayRate(w.Contract, w.Team, w.Annotator) ?? throw Missing(w, w.Annotator);
            if (outcome == WorkOutcome.Fixed)
            {
                Add(pay, (w.Annotator, w.Vendor, w.Contract, Annotating, annotatorRate), units * rates.FixShare);
                // The rest is the fixing reviewer's when they are the vendor's; a fix by someone outside the vendor (the client's reviewer) pays nobody the rest.
                if (w.Reviewer is { } reviewer)
                {
                    var reviewerRate = rates.PayRate(w.Contract, w.Team, reviewer) ?? throw Missing(w, reviewer);
                    Add(pay, (reviewer, w.Vendor, w.Contract, Fixing, reviewerRate), units * (1 - rates.FixShare));
                }
            }
            else
            {
                Add(pay, (w.Annotator, w.Vendor, w.Contract, Annotating, annotatorRate), units);
            }
        }
        var billLines = bill
            .Select(b => (b.Key, b.Value, Price: rates.ContractPrice.TryGetValue(b.Key.Contract, out var p) ? p
                : throw new InvalidOperationException($"contract {b.Key.Contract} has no price")))
            .Select(b => new BillLine(b.Key.Client, b.Key.Vendor, b.Key.Contract, b.Value, b.Price, Yuan.Of(b.Value, b.Price)))
            .OrderBy(l => l.Client).ThenBy(l => l.Vendor).ThenBy(l => l.Contract)
            .ToList();
        var payLines = pay
            .Select(p => new PayLine(p.Key.Person, p.Key.Vendor, p.Key.Contract, p.Key.Role, p.Value, p.Key.Rate, Yuan.Of(p.Value, p.Key.Rate)))
            .OrderBy(l => l.Vendor).ThenBy(l => l.Person).ThenBy(l => l.Contract).ThenBy(l => l.Role, StringComparer.Ordinal).ThenBy(l => l.Rate.PerUnit)
            .ToList();
        return new Settlement(billLines, payLines);
    }

    private static void Add<TKey>(Dictionary<TKey, decimal> sums, TKey key, decimal units) where TKey : notnull =>
        sums[key] = sums.GetValueOrDefault(key) + units;

    private static InvalidOperationException Missing(WorkItem w, long person) =>
        new($"person {person} has no pay rate on contract {w.Contract} (nor has their team or the contract)");
}
