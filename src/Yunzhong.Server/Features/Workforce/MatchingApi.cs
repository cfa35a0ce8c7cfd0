using Yunzhong.Core.Workforce;

namespace Yunzhong.Server.Features.Workforce;

/// <param name="ClientOrganizationId">The client organisation the demand is of.</param>
/// <param name="Volume">Units of work wanted (annotations).</param>
public sealed record DemandRequest(long ClientOrganizationId, string Title, long Volume, DateTimeOffset Deadline, SkillNeedRequest[] Skills);

public sealed record DemandView(
    long Id, long ClientOrganizationId, string Title, long Volume, DateTimeOffset Deadline, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt,
    List<SkillNeedView> Skills);

public sealed record MatchReasonView(string Code, IReadOnlyDictionary<string, object?> Params);

/// <param name="Workers">Certified annotators who can work at once (no more than free seats).</param>
/// <param name="Throughput">Annotations per person-day measured over the last 30 days; null without history (the park's pace is assumed).</param>
public sealed record VendorMatchView(
    int Rank, long VendorOrganizationId, string VendorName, int Certified, int? FreeSeats, double? Throughput, int Workers, double DailyCapacity,
    long CapacityByDeadline, bool Covers, double? AcceptanceRate, double? GoldAccuracy, double Score, List<MatchReasonView> Reasons);

public sealed record DemandMatches(DemandView Demand, List<VendorMatchView> Vendors);

/// <param name="Sources">Open demands, active contracts and projects that require it.</param>
/// <param name="Volume">Units they still want.</param>
/// <param name="Holders">People in the park with a valid certificate of it now.</param>
public sealed record JobSkill(long SkillId, string Code, string NameEn, string NameZh, int MinLevel, long Sources, long Volume, DateTimeOffset? Deadline, long Holders);

/// <summary>
/// Demand–job–skill matching (需求–岗位–技能): a client states a demand (volume, skills, deadline) and sees
/// the park's vendors ranked by capacity (certified annotators × measured throughput, within free seats)
/// and quality, each with its reasons, then offers a contract (<c>POST /api/contracts</c>). Annotators
/// see the job board: the skills in demand, by skill id (courses and exams link to them).
/// </summary>
public static class MatchingApi
{
    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Workforce").SignedIn();
        g.MapPost("/demands", Create).WithName("createDemand").Gated().JsonBody();
        g.MapGet("/organizations/{organizationId:long}/demands", List).WithName("listDemands").Gated();
        g.MapGet("/demands/{demandId:long}/matches", Matches).WithName("matchDemand").Gated();
        g.MapPost("/demands/{demandId:long}/close", Close).WithName("closeDemand").Gated().Conflicts();
        g.MapGet("/jobs", Jobs).WithName("jobBoard");
        return app;
    }

    internal sealed record DemandRow(long Id, long ClientOrganizationId, string Title, long Volume, long Deadline, long CreatedAt, long? ClosedAt);

    private sealed record DemandSkillRow(long DemandId, long SkillId, long MinLevel, string Code, string NameEn, string NameZh);

    private sealed record VendorRow(long VendorId, string Name);

    private sealed record AnnotatorRow(long VendorId, string Name, long UserId);

    private sealed class HistoryRow
    {
        public long VendorId { get; set; }
        public long Annotations { get; set; }
        public long PersonDays { get; set; }
        public long Accepted { get; set; }
        public long Rejected { get; set; }
        public long GoldTotal { get; set; }
        public double GoldScore { get; set; }
    }

    private sealed class SeatsRow
    {
        public long VendorId { get; set; }
        public long Seats { get; set; }
        public long Busy { get; set; }
    }

    private sealed class JobRow
    {
        public long SkillId { get; set; }
        public string Code { get; set; } = "";
        public string NameEn { get; set; } = "";
        public string NameZh { get; set; } = "";
        public long MinLevel { get; set; }
        public long Sources { get; set; }
        public long Volume { get; set; }
        public long? Deadline { get; set; }
    }

    private const string ManageOnly = "Only the client's admins and managers state and match demands.";

    private static async Task<Results<Created<DemandView>, ProblemHttpResult, ValidationProblem>> Create(
        DemandRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await Park.SitesApi.OrgGateAsync(access, user.UserId(), request.ClientOrganizationId, RoleNames.Manage, ManageOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var errors = RoutingApi.CheckNeeds("skills", request.Skills ?? [], await RoutingApi.LevelsAsync(c, ct));
        if ((request.Skills ?? []).Length == 0)
        {
            errors.Add(new("skills", "A demand names at least one skill.", ProblemCodes.FieldRequired));
        }
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
        {
            errors.Add(new("title", "title is required, at most 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200))));
        }
        if (request.Volume < 1 || request.Volume > 1_000_000_000)
        {
            errors.Add(new("volume", "volume must be between 1 and 1,000,000,000.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 1_000_000_000))));
        }
        var now = time.GetUtcNow();
        if (request.Deadline <= now)
        {
            errors.Add(new("deadline", "deadline must be in the future."));
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors);
        }
        long id;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            id = await c.ExecuteScalarAsync<long>(new CommandDefinition(MatchingSql.InsertDemandSql, new
            {
                clientOrgId = request.ClientOrganizationId, title = request.Title.Trim(), volume = request.Volume,
                deadline = request.Deadline.ToUnixTimeMilliseconds(), by = user.UserId(), now = now.ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
            foreach (var s in request.Skills!)
            {
                await c.ExecuteAsync(new CommandDefinition(MatchingSql.InsertDemandSkillSql, new { demandId = id, skillId = s.SkillId, minLevel = s.MinLevel }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Created($"/api/demands/{id}", (await ViewAsync(c, id, ct))!);
    }

    private static async Task<Results<Ok<List<DemandView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await Park.SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Manage, ManageOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var list = new List<DemandView>();
        foreach (var id in (await c.QueryAsync<DemandRow>(new CommandDefinition(MatchingSql.DemandsOfSql, new { organizationId }, cancellationToken: ct))).Select(d => d.Id))
        {
            list.Add((await ViewAsync(c, id, ct))!);
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<DemandView>, ProblemHttpResult>> Close(
        long demandId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (demand, problem) = await GateAsync(access, db, user.UserId(), demandId, ct);
        if (demand is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition(MatchingSql.CloseDemandSql, new { demandId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 0)
        {
            return Http.Conflict("This demand is closed already.", ProblemCodes.DemandClosed);
        }
        return TypedResults.Ok((await ViewAsync(c, demandId, ct))!);
    }

    /// <summary>The park's vendors ranked for the demand; vendors with nobody certified for all its skills are left out.</summary>
    private static async Task<Results<Ok<DemandMatches>, ProblemHttpResult>> Matches(
        long demandId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (demand, problem) = await GateAsync(access, db, user.UserId(), demandId, ct);
        if (demand is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var view = (await ViewAsync(c, demandId, ct))!;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var today = nowMs / 86_400_000;
        var needs = view.Skills.Select(s => new SkillNeed(s.SkillId, s.MinLevel)).ToList();
        var held = (await c.QueryAsync<Certificates.CertificateRow>(new CommandDefinition(MatchingSql.VendorCertificatesSql, new { now = nowMs }, cancellationToken: ct)))
            .Select(r => r.Certificate()).ToLookup(x => x.UserId);
        var certified = (await c.QueryAsync<AnnotatorRow>(new CommandDefinition(MatchingSql.VendorAnnotatorsSql, cancellationToken: ct)))
            .Where(a => CertificateRules.Missing(held[a.UserId].ToList(), needs, nowMs).Count == 0)
            .GroupBy(a => a.VendorId).ToDictionary(g => g.Key, g => g.Select(a => a.UserId).Distinct().Count());
        var history = (await c.QueryAsync<HistoryRow>(new CommandDefinition(MatchingSql.VendorHistorySql, new { from = today - 29, to = today }, cancellationToken: ct)))
            .ToDictionary(h => h.VendorId);
        var quality = (await c.QueryAsync<HistoryRow>(new CommandDefinition(MatchingSql.VendorHistorySql, new { from = today - 89, to = today }, cancellationToken: ct)))
            .ToDictionary(h => h.VendorId);
        var seats = (await c.QueryAsync<SeatsRow>(new CommandDefinition(MatchingSql.VendorSeatsSql, new { now = nowMs }, cancellationToken: ct))).ToDictionary(s => s.VendorId);
        var vendors = await c.QueryAsync<VendorRow>(new CommandDefinition(MatchingSql.VendorsSql, cancellationToken: ct));
        var parkDays = history.Values.Sum(h => h.PersonDays);
        double? parkPace = parkDays == 0 ? null : (double)history.Values.Sum(h => h.Annotations) / parkDays;
        var facts = vendors.Select(v =>
        {
            var h = history.GetValueOrDefault(v.VendorId);
            var q = quality.GetValueOrDefault(v.VendorId);
            var s = seats.GetValueOrDefault(v.VendorId);
            return new VendorFacts(v.VendorId, v.Name, certified.GetValueOrDefault(v.VendorId),
                h is { PersonDays: > 0 } ? (double)h.Annotations / h.PersonDays : null,
                s is null ? null : (int)Math.Max(0, s.Seats - s.Busy),
                q is null || q.Accepted + q.Rejected == 0 ? null : (double)q.Accepted / (q.Accepted + q.Rejected),
                q is null || q.GoldTotal == 0 ? null : q.GoldScore / q.GoldTotal);
        });
        var days = (view.Deadline.ToUnixTimeMilliseconds() - nowMs) / 86_400_000.0;
        var ranked = Matching.Rank(facts, view.Volume, days, parkPace);
        return TypedResults.Ok(new DemandMatches(view, ranked.Select((m, i) => new VendorMatchView(i + 1, m.Facts.VendorId, m.Facts.Name, m.Facts.Certified,
            m.Facts.FreeSeats, m.Facts.Throughput is { } t ? Math.Round(t, 1) : null, m.Workers, Math.Round(m.DailyCapacity, 1), m.CapacityByDeadline, m.Covers,
            m.Facts.AcceptanceRate, m.Facts.GoldAccuracy, m.Score, m.Reasons.Select(r => new MatchReasonView(r.Code, r.Values)).ToList())).ToList()));
    }

    /// <summary>The job board: skills in demand (open demands, active contracts, projects with work left), with how many hold them.</summary>
    private static async Task<Ok<List<JobSkill>>> Jobs(Db db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        var holders = (await c.QueryAsync<(long SkillId, long Holders)>(new CommandDefinition(MatchingSql.HoldersSql, new { now }, cancellationToken: ct)))
            .ToDictionary(h => h.SkillId, h => h.Holders);
        var rows = await c.QueryAsync<JobRow>(new CommandDefinition(MatchingSql.DemandedSkillsSql, new { now }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new JobSkill(r.SkillId, r.Code, r.NameEn, r.NameZh, (int)r.MinLevel, r.Sources, r.Volume,
            r.Deadline is { } d ? Http.Time(d) : null, holders.GetValueOrDefault(r.SkillId))).ToList());
    }

    private static async Task<(DemandRow? Demand, ProblemHttpResult? Problem)> GateAsync(Access access, Db db, long userId, long demandId, CancellationToken ct)
    {
        DemandRow? demand;
        await using (var c = await db.OpenAsync(ct))
        {
            demand = await c.QueryFirstOrDefaultAsync<DemandRow>(new CommandDefinition(MatchingSql.DemandSql, new { demandId }, cancellationToken: ct));
        }
        if (demand is null)
        {
            return (null, Http.NotFound("Demand"));
        }
        var refused = await Park.SitesApi.OrgGateAsync(access, userId, demand.ClientOrganizationId, RoleNames.Manage, ManageOnly, ct, "Demand");
        return refused is null ? (demand, null) : (null, refused);
    }

    private static async Task<DemandView?> ViewAsync(DbConnection c, long demandId, CancellationToken ct)
    {
        var d = await c.QueryFirstOrDefaultAsync<DemandRow>(new CommandDefinition(MatchingSql.DemandSql, new { demandId }, cancellationToken: ct));
        if (d is null)
        {
            return null;
        }
        var skills = await c.QueryAsync<DemandSkillRow>(new CommandDefinition(MatchingSql.DemandSkillsSql, new { demandId }, cancellationToken: ct));
        return new DemandView(d.Id, d.ClientOrganizationId, d.Title, d.Volume, Http.Time(d.Deadline), Http.Time(d.CreatedAt), d.ClosedAt is { } x ? Http.Time(x) : null,
            skills.Select(s => new SkillNeedView(s.SkillId, s.Code, s.NameEn, s.NameZh, (int)s.MinLevel)).ToList());
    }
}
