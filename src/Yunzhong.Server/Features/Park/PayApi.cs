using System.Globalization;
using System.Text;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Park;

namespace Yunzhong.Server.Features.Park;

/// <summary>One pay rate on a contract: the contract's default (both ids null), a team's, or one person's.</summary>
/// <param name="Rate">CNY per unit as a decimal text of at most four places ("0.02").</param>
public sealed record PayRateItem(long? TeamId, long? UserId, string Rate);

public sealed record PayRatesRequest(PayRateItem[] Rates);

/// <param name="Units">Exact decimal text ("12", "0.5").</param>
/// <param name="Amount">Yuan to the fen ("12.35").</param>
public sealed record BillLineView(long ClientOrganizationId, long VendorOrganizationId, long ContractId, string Units, string Price, string Amount);

public sealed record PayLineView(long UserId, long VendorOrganizationId, long ContractId, string Role, string Units, string Rate, string Amount);

/// <summary>An organisation's or a person's month. A vendor sees what it bills and what it pays; a client
/// what it is billed (no pay); a person their own pay lines only.</summary>
/// <param name="Closed">Every month the figures come from is closed (frozen).</param>
public sealed record StatementView(
    long? OrganizationId, long? UserId, string Month, bool Closed,
    IReadOnlyList<BillLineView> Bill, string BillTotal, IReadOnlyList<PayLineView>? Pay, string? PayTotal);

/// <summary>
/// Pay rates (计件) on contracts, set by the vendor and seen only inside it, and monthly statements
/// (结算) per vendor, client and person as JSON or CSV; a vendor's admin closes a month that is over,
/// which freezes its figures (<see cref="PayBook"/>).
/// </summary>
public static class PayApi
{
    public static IEndpointRouteBuilder MapPay(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Park").SignedIn();
        g.MapGet("/contracts/{contractId:long}/pay-rates", Rates).WithName("getPayRates").Gated();
        g.MapPut("/contracts/{contractId:long}/pay-rates", SetRates).WithName("setPayRates").Gated().JsonBody();
        g.MapGet("/organizations/{organizationId:long}/statements/{month}", OfOrganization).WithName("getStatement").Gated();
        // 409: the month is closed already.
        g.MapPost("/organizations/{organizationId:long}/statements/{month}/close", Close).WithName("closeStatement").Gated().Conflicts();
        g.MapGet("/me/statements/{month}", Mine).WithName("getMyStatement").Gated();
        return app;
    }

    private const string VendorOnly = "Only the vendor's admins and managers see and set its pay rates.";

    private sealed record RateRow(long TeamId, long UserId, long RateE4);

    private static async Task<Results<Ok<PayRatesRequest>, ProblemHttpResult>> Rates(
        long contractId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (row, _, problem) = await ContractsApi.PartyAsync(access, db, user.UserId(), contractId, Roles.None, RoleNames.Manage, VendorOnly, ct);
        if (row is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await RatesOfAsync(c, contractId, ct));
    }

    private static async Task<PayRatesRequest> RatesOfAsync(System.Data.Common.DbConnection c, long contractId, CancellationToken ct)
    {
        var rows = await c.QueryAsync<RateRow>(new CommandDefinition(PaySql.RatesSql, new { contractId }, cancellationToken: ct));
        return new PayRatesRequest(rows.Select(r => new PayRateItem(r.TeamId == 0 ? null : r.TeamId, r.UserId == 0 ? null : r.UserId,
            UnitPrice.FromE4(r.RateE4).Text)).ToArray());
    }

    /// <summary>Replaces the contract's pay rates. Months already closed keep the figures they were closed with.</summary>
    private static async Task<Results<Ok<PayRatesRequest>, ProblemHttpResult, ValidationProblem>> SetRates(
        long contractId, PayRatesRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (row, _, problem) = await ContractsApi.PartyAsync(access, db, user.UserId(), contractId, Roles.None, RoleNames.Manage, VendorOnly, ct);
        if (row is null)
        {
            return problem!;
        }
        if (request.Rates is null)
        {
            return Http.Invalid("rates", "rates is a list of { teamId?, userId?, rate }.");
        }
        await using var c = await db.OpenAsync(ct);
        var seen = new HashSet<(long, long)>();
        var parsed = new List<(long Team, long User, long E4)>();
        for (var i = 0; i < request.Rates.Length; i++)
        {
            var r = request.Rates[i];
            if (r is null)
            {
                return Http.Invalid($"rates[{i}]", "A rate is { teamId?, userId?, rate }.");
            }
            if (ContractsApi.PriceProblem($"rates[{i}].rate", r.Rate, "0.02") is { } badRate)
            {
                return badRate;
            }
            var rate = UnitPrice.Parse(r.Rate)!.Value;
            if (r.TeamId is not null && r.UserId is not null)
            {
                return Http.Invalid($"rates[{i}].userId", "A rate is a team's or a person's, not both.", ProblemCodes.ParkRateTeamOrPerson);
            }
            if (r.TeamId is { } team && await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM teams WHERE id = @team AND organization_id = @vendor", new { team, vendor = row.VendorOrganizationId }, cancellationToken: ct)) == 0)
            {
                return Http.Invalid($"rates[{i}].teamId", "teamId must name a team of the contract's vendor.", ProblemCodes.ParkTeamNotOfVendor,
                    ProblemCodes.Params(("teamId", team)));
            }
            if (r.UserId is { } person && await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM memberships WHERE user_id = @person AND organization_id = @vendor", new { person, vendor = row.VendorOrganizationId }, cancellationToken: ct)) == 0)
            {
                return Http.Invalid($"rates[{i}].userId", "userId must name a member of the contract's vendor.", ProblemCodes.ParkPersonNotOfVendor,
                    ProblemCodes.Params(("userId", person)));
            }
            if (!seen.Add((r.TeamId ?? 0, r.UserId ?? 0)))
            {
                return Http.Invalid($"rates[{i}]", "Each team, person and the contract's default has one rate.", ProblemCodes.ParkRateTwice);
            }
            parsed.Add((r.TeamId ?? 0, r.UserId ?? 0, rate.E4));
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(PaySql.DeleteRatesSql, new { contractId }, tx, cancellationToken: ct));
            foreach (var (team, person, e4) in parsed)
            {
                await c.ExecuteAsync(new CommandDefinition(PaySql.InsertRateSql, new { contractId, teamId = team, userId = person, rateE4 = e4, now }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(await RatesOfAsync(c, contractId, ct));
    }

    /// <param name="format"><c>csv</c> for the lines as CSV; JSON otherwise.</param>
    private static async Task<Results<Ok<StatementView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> OfOrganization(
        long organizationId, string month, string? format, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, "Only an organisation's admins and managers see its statements.", ct) is { } refused)
        {
            return refused;
        }
        if (PayBook.ParseMonth(month) is not { } m)
        {
            return Http.Invalid("month", "month must be a month as YYYY-MM, such as 2026-11.", ProblemCodes.ParkMonthFormat);
        }
        await using var c = await db.OpenAsync(ct);
        var kind = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.OrganizationKindSql, new { organizationId }, cancellationToken: ct));
        StatementView view;
        if (kind == "vendor")
        {
            var vm = await PayBook.ReadAsync(c, organizationId, m, ct);
            view = View(organizationId, null, m, vm.Closed, vm.Bill, vm.Pay);
        }
        else
        {
            // A client's bill: each vendor's lines for it, never the vendors' pay.
            var bill = new List<BillLine>();
            var closed = true;
            foreach (var vendor in await c.QueryAsync<long>(new CommandDefinition(PaySql.ClientVendorsSql, new { client = organizationId }, cancellationToken: ct)))
            {
                var vm = await PayBook.ReadAsync(c, vendor, m, ct);
                bill.AddRange(vm.Bill.Where(b => b.Client == organizationId));
                closed &= vm.Closed;
            }
            view = View(organizationId, null, m, closed, bill, null);
        }
        return format == "csv" ? TypedResults.Text(Csv(view), "text/csv; charset=utf-8") : TypedResults.Ok(view);
    }

    /// <summary>The caller's own pay lines for the month, from every vendor they belong to.</summary>
    private static async Task<Results<Ok<StatementView>, ContentHttpResult, ValidationProblem>> Mine(
        string month, string? format, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        if (PayBook.ParseMonth(month) is not { } m)
        {
            return Http.Invalid("month", "month must be a month as YYYY-MM, such as 2026-11.", ProblemCodes.ParkMonthFormat);
        }
        var me = user.UserId();
        await using var c = await db.OpenAsync(ct);
        var pay = new List<PayLine>();
        var closed = true;
        foreach (var vendor in await c.QueryAsync<long>(new CommandDefinition(PaySql.PersonVendorsSql, new { person = me }, cancellationToken: ct)))
        {
            var vm = await PayBook.ReadAsync(c, vendor, m, ct);
            pay.AddRange(vm.Pay.Where(p => p.Person == me));
            closed &= vm.Closed;
        }
        var view = View(null, me, m, closed, [], pay);
        return format == "csv" ? TypedResults.Text(Csv(view), "text/csv; charset=utf-8") : TypedResults.Ok(view);
    }

    /// <summary>Closes a month that is over for the vendor: its lines are frozen as they stand.</summary>
    private static async Task<Results<Ok<StatementView>, ProblemHttpResult, ValidationProblem>> Close(
        long organizationId, string month, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, Roles.Admin, "Only the vendor's admins close its months.", ct) is { } refused)
        {
            return refused;
        }
        if (PayBook.ParseMonth(month) is not { } m)
        {
            return Http.Invalid("month", "month must be a month as YYYY-MM, such as 2026-11.", ProblemCodes.ParkMonthFormat);
        }
        var now = time.GetUtcNow();
        if (m.End > now)
        {
            return Http.Invalid("month", "Only a month that is over can be closed.", ProblemCodes.ParkMonthNotOver);
        }
        await using var c = await db.OpenAsync(ct);
        var kind = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(ParkSql.OrganizationKindSql, new { organizationId }, cancellationToken: ct));
        if (kind != "vendor")
        {
            return Http.Invalid("organizationId", "Only a vendor closes its months; a client's bill closes with its vendors'.", ProblemCodes.ParkNotAVendor);
        }
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            if (!await PayBook.CloseAsync(c, tx, organizationId, m, user.UserId(), now.ToUnixTimeMilliseconds(), ct))
            {
                return Http.Conflict($"{m.Text} is closed already.");
            }
            await tx.CommitAsync(ct);
        }
        var vm = await PayBook.ReadAsync(c, organizationId, m, ct);
        return TypedResults.Ok(View(organizationId, null, m, vm.Closed, vm.Bill, vm.Pay));
    }

    private static StatementView View(long? organization, long? person, PayBook.Month m, bool closed, IReadOnlyList<BillLine> bill, IReadOnlyList<PayLine>? pay) =>
        new(organization, person, m.Text, closed,
            bill.Select(b => new BillLineView(b.Client, b.Vendor, b.Contract, PayBook.Units(b.Units), b.Price.Text, b.Amount.ToString())).ToList(),
            Yuan.Sum(bill.Select(b => b.Amount)).ToString(),
            pay?.Select(p => new PayLineView(p.Person, p.Vendor, p.Contract, p.Role, PayBook.Units(p.Units), p.Rate.Text, p.Amount.ToString())).ToList(),
            pay is null ? null : Yuan.Sum(pay.Select(p => p.Amount)).ToString());

    private static string Csv(StatementView v)
    {
        var sb = new StringBuilder("kind,client,vendor,contract,person,role,units,rate,amount\n");
        foreach (var b in v.Bill)
        {
            sb.Append(CultureInfo.InvariantCulture, $"bill,{b.ClientOrganizationId},{b.VendorOrganizationId},{b.ContractId},,,{b.Units},{b.Price},{b.Amount}\n");
        }
        foreach (var p in v.Pay ?? [])
        {
            sb.Append(CultureInfo.InvariantCulture, $"pay,,{p.VendorOrganizationId},{p.ContractId},{p.UserId},{CsvCells.Escape(p.Role)},{p.Units},{p.Rate},{p.Amount}\n");
        }
        return sb.ToString();
    }
}
