using System.Globalization;
using System.Data.Common;
using Yunzhong.Core.Park;

namespace Yunzhong.Server.Features.Park;

/// <summary>
/// A vendor's month of pay, from the stored work and rates through <see cref="Settler"/>. Earned on
/// accepted work only, dated by its review: an accepted annotation earns its annotator the unit at
/// their rate (own, else team's, else the contract's default, else nothing: 0); a rejected one earns
/// nobody anything and bills the client nothing; a reviewer's fix (the reviewer's corrected version
/// accepted) gives the annotator half the unit at their rate and the reviewer the other half at the
/// reviewer's (<see cref="RateCard.FixShare"/>) when the reviewer is the vendor's; a fix by the client's
/// reviewer pays the annotator their half and nobody the rest. Work submitted but not yet judged is in no
/// statement until it is. A closed month is read from the lines frozen when it was closed.
/// </summary>
internal static class PayBook
{
    internal sealed record Month(string Text, long From, long To, DateTimeOffset End);

    private sealed class WorkRow
    {
        public long Id { get; set; }
        public long Annotator { get; set; }
        public long? Reviewer { get; set; }
        public long Vendor { get; set; }
        public long Contract { get; set; }
        public long Client { get; set; }
        public long? Team { get; set; }
        public string Action { get; set; } = "";
    }

    private sealed record RateRow(long ContractId, long TeamId, long UserId, long RateE4);

    internal sealed class LineRow
    {
        public string Kind { get; set; } = "";
        public long Client { get; set; }
        public long Contract { get; set; }
        public long Person { get; set; }
        public string Role { get; set; } = "";
        public string Units { get; set; } = "";
        public long RateE4 { get; set; }
        public long AmountFen { get; set; }
    }

    /// <summary>A vendor's month: its bill lines (to its clients), pay lines (to its people), whether closed.</summary>
    internal sealed record VendorMonth(IReadOnlyList<BillLine> Bill, IReadOnlyList<PayLine> Pay, bool Closed);

    /// <summary>"2026-11" as a month, or null.</summary>
    internal static Month? ParseMonth(string? text)
    {
        if (text is not { Length: 7 } || !DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
        {
            return null;
        }
        var from = new DateTimeOffset(start.Year, start.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddMonths(1);
        return new Month(text, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), to);
    }

    /// <summary>Units as written: exact, no trailing zeros ("1", "0.5").</summary>
    internal static string Units(decimal units) => units.ToString("0.##########", CultureInfo.InvariantCulture);

    internal static async Task<bool> IsClosedAsync(DbConnection c, DbTransaction? tx, long vendor, Month month, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(PaySql.IsClosedSql, new { vendor, month = month.Text }, tx, cancellationToken: ct)) > 0;

    /// <summary>The month as stored when closed, else as computed now.</summary>
    internal static async Task<VendorMonth> ReadAsync(DbConnection c, long vendor, Month month, CancellationToken ct)
    {
        if (!await IsClosedAsync(c, null, vendor, month, ct))
        {
            var live = await ComputeAsync(c, null, vendor, month, ct);
            return new VendorMonth(live.Bill, live.Pay, false);
        }
        var rows = await c.QueryAsync<LineRow>(new CommandDefinition(PaySql.FrozenSql, new { vendor, month = month.Text }, cancellationToken: ct));
        var bill = new List<BillLine>();
        var pay = new List<PayLine>();
        foreach (var r in rows)
        {
            var units = decimal.Parse(r.Units, CultureInfo.InvariantCulture);
            if (r.Kind == "bill")
            {
                bill.Add(new BillLine(r.Client, vendor, r.Contract, units, UnitPrice.FromE4(r.RateE4), new Yuan(r.AmountFen)));
            }
            else
            {
                pay.Add(new PayLine(r.Person, vendor, r.Contract, r.Role, units, UnitPrice.FromE4(r.RateE4), new Yuan(r.AmountFen)));
            }
        }
        return new VendorMonth(
            bill.OrderBy(l => l.Client).ThenBy(l => l.Contract).ToList(),
            pay.OrderBy(l => l.Person).ThenBy(l => l.Contract).ThenBy(l => l.Role, StringComparer.Ordinal).ThenBy(l => l.Rate.PerUnit).ToList(),
            true);
    }

    /// <summary>Settles vendor <paramref name="vendor"/>'s judged work of the month at its current rates.</summary>
    internal static async Task<Settlement> ComputeAsync(DbConnection c, DbTransaction? tx, long vendor, Month month, CancellationToken ct)
    {
        var prices = (await c.QueryAsync<(long ContractId, long RateE4)>(new CommandDefinition(PaySql.VendorPricesSql, new { vendor }, tx, cancellationToken: ct)))
            .ToDictionary(p => p.ContractId, p => UnitPrice.FromE4(p.RateE4));
        // Nobody is paid at no rate at all: a contract without a default pays 0 to whoever has no own or team rate.
        var rates = prices.Keys.ToDictionary(id => new PayKey(id, null, null), _ => UnitPrice.FromE4(0));
        foreach (var r in await c.QueryAsync<RateRow>(new CommandDefinition(PaySql.VendorRatesSql, new { vendor }, tx, cancellationToken: ct)))
        {
            rates[new PayKey(r.ContractId, r.TeamId == 0 ? null : r.TeamId, r.UserId == 0 ? null : r.UserId)] = UnitPrice.FromE4(r.RateE4);
        }
        var work = await c.QueryAsync<WorkRow>(new CommandDefinition(PaySql.WorkSql, new { vendor, from = month.From, to = month.To }, tx, cancellationToken: ct));
        var items = work.Select(w => new WorkItem(w.Id, w.Annotator, w.Reviewer, w.Vendor, w.Contract, w.Client, w.Team, 1m, w.Action switch
        {
            "accept" => WorkOutcome.Accepted,
            "fix" => WorkOutcome.Fixed,
            _ => WorkOutcome.Rejected,
        }));
        return Settler.Settle(items, new RateCard(prices, rates));
    }

    /// <summary>Closes the month for the vendor: freezes its lines. False when it was closed already.</summary>
    internal static async Task<bool> CloseAsync(DbConnection c, DbTransaction tx, long vendor, Month month, long me, long now, CancellationToken ct)
    {
        var closed = await c.ExecuteAsync(new CommandDefinition(PaySql.CloseSql, new { vendor, month = month.Text, now, me }, tx, cancellationToken: ct));
        if (closed == 0)
        {
            return false;
        }
        var settled = await ComputeAsync(c, tx, vendor, month, ct);
        var clients = settled.Bill.ToDictionary(b => b.Contract, b => b.Client);
        var lines = settled.Bill.Select(b => new LineRow
        {
            Kind = "bill", Client = b.Client, Contract = b.Contract, Person = 0, Role = "", Units = Units(b.Units), RateE4 = b.Price.E4, AmountFen = b.Amount.Fen,
        }).Concat(settled.Pay.Select(p => new LineRow
        {
            // A pay line's client is its contract's (a contract that billed nothing pays nothing either).
            Kind = "pay", Client = clients.GetValueOrDefault(p.Contract), Contract = p.Contract, Person = p.Person, Role = p.Role,
            Units = Units(p.Units), RateE4 = p.Rate.E4, AmountFen = p.Amount.Fen,
        }));
        foreach (var line in lines)
        {
            await c.ExecuteAsync(new CommandDefinition(PaySql.FreezeSql, new
            {
                vendor, month = month.Text, line.Kind, line.Client, line.Contract, line.Person, line.Role, line.Units, line.RateE4, line.AmountFen,
            }, tx, cancellationToken: ct));
        }
        return true;
    }
}
