namespace Yunzhong.Server.Features.Park;

/// <summary>
/// The park's SQL (Dapper, <c>@name</c> parameters): contracts, sites and seats, teams. A contract's
/// <c>used</c> column is kept by the triggers of migration 0010 and checked by the queue
/// (<see cref="Queue.QueueSql.QuotaLeftSql"/>); nothing here writes it. Leases people lose are ended by
/// <see cref="Tasks.TaskStates.ReleaseLeasesAsync"/> with <see cref="LeasesLostWhere"/>.
/// </summary>
internal static class ParkSql
{
    private const string ContractColumns = """
        SELECT c.id, c.project_id AS ProjectId, p.name AS ProjectName, c.client_org_id AS ClientOrganizationId, cl.name AS ClientName,
               c.vendor_org_id AS VendorOrganizationId, v.name AS VendorName, c.state, c.unit, c.quota, c.used,
               (SELECT COUNT(*) FROM assignments a WHERE a.contract_id = c.id AND a.status = 'submitted') AS Submitted,
               c.unit_price_e4 AS UnitPriceE4, c.deadline, c.visibility, c.created_at AS CreatedAt
        FROM contracts c JOIN projects p ON p.id = c.project_id JOIN organizations cl ON cl.id = c.client_org_id
             JOIN organizations v ON v.id = c.vendor_org_id
        """;

    /// <summary>Contract @contractId.</summary>
    internal const string ContractSql = ContractColumns + " WHERE c.id = @contractId";

    /// <summary>The contracts user @me sees: those of organisations where they are an admin or manager, as client or
    /// vendor; of organisation @organization only unless it is null. Newest first.</summary>
    internal const string ContractsOfSql = ContractColumns + """
         WHERE (c.client_org_id IN (SELECT organization_id FROM memberships WHERE user_id = @me AND (roles LIKE '%admin%' OR roles LIKE '%manager%'))
             OR c.vendor_org_id IN (SELECT organization_id FROM memberships WHERE user_id = @me AND (roles LIKE '%admin%' OR roles LIKE '%manager%')))
           AND (@organization IS NULL OR c.client_org_id = @organization OR c.vendor_org_id = @organization)
         ORDER BY c.id DESC
        """;

    /// <summary>Contract @contractId's people and teams.</summary>
    internal const string ContractPeopleSql = "SELECT user_id FROM contract_people WHERE contract_id = @contractId ORDER BY user_id";

    internal const string ContractTeamsSql = "SELECT team_id FROM contract_teams WHERE contract_id = @contractId ORDER BY team_id";

    /// <summary>Organisation @organizationId's kind, if it exists.</summary>
    internal const string OrganizationKindSql = "SELECT kind FROM organizations WHERE id = @organizationId";

    internal const string InsertContractSql = """
        INSERT INTO contracts (project_id, client_org_id, vendor_org_id, state, unit, quota, used, unit_price_e4, deadline, visibility, created_at, updated_at)
        VALUES (@projectId, @clientOrgId, @vendorOrgId, 'proposed', @unit, @quota, 0, @price, @deadline, @visibility, @now, @now) RETURNING id
        """;

    /// <summary>Contract @contractId moves from @from to @to (0 rows: someone moved it first).</summary>
    internal const string TransitionSql = "UPDATE contracts SET state = @to, updated_at = @now WHERE id = @contractId AND state = @from";

    /// <summary>New terms of open contract @contractId; the quota only if no more than it is in use already (0 rows: refused).</summary>
    internal const string ChangeTermsSql = """
        UPDATE contracts SET quota = @quota, unit_price_e4 = @price, deadline = @deadline, updated_at = @now
        WHERE id = @contractId AND used <= @quota AND state IN ('proposed', 'accepted', 'active')
        """;

    /// <summary>Locks contract @contractId's row first, so a change to it orders with the queue's batches (PostgreSQL).</summary>
    internal static string LockContractSql(SqlDialect dialect) => $"SELECT id FROM contracts WHERE id = @contractId{dialect.ForUpdate}";

    internal const string ClearContractPeopleSql = "DELETE FROM contract_people WHERE contract_id = @contractId";

    internal const string ClearContractTeamsSql = "DELETE FROM contract_teams WHERE contract_id = @contractId";

    internal const string AddContractPersonSql = "INSERT INTO contract_people (contract_id, user_id) VALUES (@contractId, @userId)";

    internal const string AddContractTeamSql = "INSERT INTO contract_teams (contract_id, team_id) VALUES (@contractId, @teamId)";

    /// <summary>
    /// The leases of contract @contractId whose holders no longer work it: all of them once it is not
    /// active, else those of people neither on it nor in one of its teams. For
    /// <see cref="Tasks.TaskStates.ReleaseLeasesAsync"/>.
    /// </summary>
    internal const string LeasesLostWhere = """
        contract_id = @contractId
        AND (NOT EXISTS (SELECT 1 FROM contracts k WHERE k.id = @contractId AND k.state = 'active')
             OR (user_id NOT IN (SELECT cp.user_id FROM contract_people cp WHERE cp.contract_id = @contractId)
                 AND user_id NOT IN (SELECT tm.user_id FROM contract_teams ct JOIN team_members tm ON tm.team_id = ct.team_id
                                     WHERE ct.contract_id = @contractId)))
        """;

    /// <summary>The contracts team @teamId is on.</summary>
    internal const string ContractsOfTeamSql = "SELECT contract_id FROM contract_teams WHERE team_id = @teamId ORDER BY contract_id";

    /// <summary>The roles of user @userId in organisation @organizationId (null: not a member).</summary>
    internal const string MemberRolesSql = "SELECT roles FROM memberships WHERE organization_id = @organizationId AND user_id = @userId";

    /// <summary>Team @teamId of organisation @organizationId, if it is one.</summary>
    internal const string TeamOfOrgSql = "SELECT id FROM teams WHERE id = @teamId AND organization_id = @organizationId";

    // Sites and seats.

    private const string SiteColumns = """
        SELECT s.id, s.organization_id AS OrganizationId, s.name, s.county_code AS CountyCode, s.seats, s.opens, s.closes,
               s.block_over_seats AS BlockOverSeats,
               (SELECT COUNT(*) FROM memberships m WHERE m.site_id = s.id AND m.organization_id = s.organization_id) AS People,
               (SELECT COUNT(*) FROM memberships m WHERE m.site_id = s.id AND m.organization_id = s.organization_id AND EXISTS (
                    SELECT 1 FROM assignments a WHERE a.user_id = m.user_id AND (a.status = 'leased' OR a.updated_at >= @since))) AS SeatsInUse
        FROM sites s
        """;

    /// <summary>Organisation @organizationId's sites, with seats in use (a member holding a lease or acting since @since).</summary>
    internal const string SitesSql = SiteColumns + " WHERE s.organization_id = @organizationId ORDER BY s.id";

    /// <summary>Site @siteId with seats in use since @since.</summary>
    internal const string SiteSql = SiteColumns + " WHERE s.id = @siteId";

    internal const string InsertSiteSql = """
        INSERT INTO sites (organization_id, name, county_code, seats, opens, closes, block_over_seats, created_at)
        VALUES (@organizationId, @name, @countyCode, @seats, @opens, @closes, @block, @now) RETURNING id
        """;

    /// <summary>Members @userId of organisation @organizationId work at site @siteId.</summary>
    internal const string PlaceMemberSql = "UPDATE memberships SET site_id = @siteId WHERE organization_id = @organizationId AND user_id = @userId";

    /// <summary>Site @siteId's seats, whether it blocks past them, its name and opening hours.</summary>
    internal const string SiteLimitSql = "SELECT seats, block_over_seats AS BlockOverSeats, name, opens, closes FROM sites WHERE id = @siteId";

    /// <summary>The sites that block past their seats where user @userId works (for signing in).</summary>
    internal const string BlockingSitesOfSql = """
        SELECT s.id FROM memberships m JOIN sites s ON s.id = m.site_id AND s.organization_id = m.organization_id
        WHERE m.user_id = @userId AND s.block_over_seats <> 0 ORDER BY s.id
        """;

    /// <summary>New name, county, seats, hours and blocking of site @siteId.</summary>
    internal const string UpdateSiteSql = """
        UPDATE sites SET name = @name, county_code = @countyCode, seats = @seats, opens = @opens, closes = @closes, block_over_seats = @block
        WHERE id = @siteId
        """;

    /// <summary>Whether user @userId holds a seat: a live lease, or an action since @since.</summary>
    internal const string HoldsSeatSql = "SELECT COUNT(*) FROM assignments WHERE user_id = @userId AND (status = 'leased' OR updated_at >= @since)";

    /// <summary>Seats in use at site @siteId (organisation @organizationId) since @since.</summary>
    internal const string SeatsInUseSql = """
        SELECT COUNT(*) FROM memberships m WHERE m.site_id = @siteId AND EXISTS (
            SELECT 1 FROM assignments a WHERE a.user_id = m.user_id AND (a.status = 'leased' OR a.updated_at >= @since))
        """;

    // Teams.

    /// <summary>Organisation @organizationId's teams (or only team @teamId when it is not 0).</summary>
    internal const string TeamsSql = """
        SELECT t.id, t.organization_id AS OrganizationId, t.name, t.lead_user_id AS LeadUserId FROM teams t
        WHERE t.organization_id = @organizationId AND (@teamId = 0 OR t.id = @teamId) ORDER BY t.id
        """;

    /// <summary>Team @teamId's organisation and lead.</summary>
    internal const string TeamSql = "SELECT organization_id AS OrganizationId, lead_user_id AS Lead FROM teams WHERE id = @teamId";

    internal const string TeamMembersSql = "SELECT user_id FROM team_members WHERE team_id = @teamId ORDER BY user_id";

    internal const string InsertTeamSql = """
        INSERT INTO teams (organization_id, name, lead_user_id, created_at) VALUES (@organizationId, @name, @leadUserId, @now) RETURNING id
        """;

    internal const string UpdateTeamSql = "UPDATE teams SET name = @name, lead_user_id = @leadUserId WHERE id = @teamId";

    internal const string ClearTeamSql = "DELETE FROM team_members WHERE team_id = @teamId";

    internal const string AddTeamMemberSql = "INSERT INTO team_members (team_id, user_id) VALUES (@teamId, @userId)";

    /// <summary>
    /// Team @teamId's work per member, from the leases stamped with the team (of contract @contractId
    /// only unless it is 0): annotations in force, accepted, rejected, gold answers and their score.
    /// </summary>
    internal const string TeamWorkSql = """
        SELECT tm.user_id AS UserId, u.name AS Name,
               COUNT(n.id) AS Annotations,
               COALESCE(SUM(CASE WHEN n.status = 'accepted' THEN 1 ELSE 0 END), 0) AS Accepted,
               COALESCE(SUM(CASE WHEN n.status = 'rejected' THEN 1 ELSE 0 END), 0) AS Rejected,
               COUNT(n.gold_score) AS GoldAnswers,
               COALESCE(SUM(n.gold_score), 0.0) AS GoldScore
        FROM team_members tm JOIN users u ON u.id = tm.user_id
             LEFT JOIN assignments a ON a.user_id = tm.user_id AND a.team_id = @teamId AND (@contractId = 0 OR a.contract_id = @contractId)
             LEFT JOIN annotations n ON n.assignment_id = a.id AND n.status <> 'superseded'
        WHERE tm.team_id = @teamId
        GROUP BY tm.user_id, u.name
        ORDER BY u.name, tm.user_id
        """;
}
