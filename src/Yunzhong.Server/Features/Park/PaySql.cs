namespace Yunzhong.Server.Features.Park;

/// <summary>The SQL of pay rates and statements.</summary>
internal static class PaySql
{
    internal const string RatesSql = "SELECT team_id AS TeamId, user_id AS UserId, rate_e4 AS RateE4 FROM pay_rates WHERE contract_id = @contractId ORDER BY team_id, user_id";

    internal const string DeleteRatesSql = "DELETE FROM pay_rates WHERE contract_id = @contractId";

    internal const string InsertRateSql = "INSERT INTO pay_rates (contract_id, team_id, user_id, rate_e4, updated_at) VALUES (@contractId, @teamId, @userId, @rateE4, @now)";

    /// <summary>Every rate on the contracts of vendor @vendor.</summary>
    internal const string VendorRatesSql = """
        SELECT r.contract_id AS ContractId, r.team_id AS TeamId, r.user_id AS UserId, r.rate_e4 AS RateE4
        FROM pay_rates r JOIN contracts c ON c.id = r.contract_id WHERE c.vendor_org_id = @vendor
        """;

    /// <summary>The prices of vendor @vendor's contracts.</summary>
    internal const string VendorPricesSql = "SELECT id AS ContractId, unit_price_e4 AS RateE4 FROM contracts WHERE vendor_org_id = @vendor";

    /// <summary>
    /// The judged work of vendor @vendor's contracts in [@from, @to): one row per review of an annotation
    /// made under one of its contracts, dated by the review. Units: one per annotation. The reviewer only when
    /// they are the vendor's (a fix by the client's reviewer pays no reviewer).
    /// </summary>
    internal const string WorkSql = """
        SELECT r.id AS Id, a.user_id AS Annotator,
               CASE WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = r.reviewer_id AND m.organization_id = c.vendor_org_id)
                    THEN r.reviewer_id END AS Reviewer, c.vendor_org_id AS Vendor, c.id AS Contract,
               c.client_org_id AS Client, s.team_id AS Team, r.action AS Action
        FROM reviews r
        JOIN annotations a ON a.id = r.annotation_id
        JOIN assignments s ON s.id = a.assignment_id
        JOIN contracts c ON c.id = s.contract_id
        WHERE r.created_at >= @from AND r.created_at < @to AND c.vendor_org_id = @vendor
        """;

    /// <summary>The vendors that worked contracts of client @client.</summary>
    internal const string ClientVendorsSql = "SELECT DISTINCT vendor_org_id FROM contracts WHERE client_org_id = @client ORDER BY vendor_org_id";

    /// <summary>The vendors person @person is a member of.</summary>
    internal const string PersonVendorsSql = """
        SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = @person AND o.kind = 'vendor' ORDER BY m.organization_id
        """;

    internal const string IsClosedSql = "SELECT COUNT(*) FROM closed_periods WHERE vendor_org_id = @vendor AND month = @month";

    internal const string CloseSql = "INSERT INTO closed_periods (vendor_org_id, month, closed_at, closed_by) VALUES (@vendor, @month, @now, @me) ON CONFLICT DO NOTHING";

    internal const string FrozenSql = """
        SELECT kind, client_org_id AS Client, contract_id AS Contract, person_id AS Person, role, units, rate_e4 AS RateE4, amount_fen AS AmountFen
        FROM statement_lines WHERE vendor_org_id = @vendor AND month = @month
        """;

    internal const string FreezeSql = """
        INSERT INTO statement_lines (vendor_org_id, month, kind, client_org_id, contract_id, person_id, role, units, rate_e4, amount_fen)
        VALUES (@vendor, @month, @Kind, @Client, @Contract, @Person, @Role, @Units, @RateE4, @AmountFen)
        """;
}
