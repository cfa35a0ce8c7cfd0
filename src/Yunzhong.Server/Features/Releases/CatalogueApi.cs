namespace Yunzhong.Server.Features.Releases;

public enum DatasetModality { Text, Image, Audio, Video, Multimodal }

/// <summary>Who sees a dataset card: the owner only, everyone signed in to the park, or anyone.</summary>
public enum CardVisibility { Private, Park, Public }

public sealed record CardRequest(
    string? TitleEn = null, string? TitleZh = null, string? DescriptionEn = null, string? DescriptionZh = null,
    DatasetModality? Modality = null, string? Licence = null, CardVisibility? Visibility = null);

/// <summary>A dataset card of the catalogue (数据目录). The list leaves out the releases and the sample;
/// <paramref name="Latest"/> is the newest release with its label counts and quality figures.</summary>
public sealed record CardView(
    long ProjectId, long OrganizationId, string OrganizationName, string TitleEn, string TitleZh, string DescriptionEn, string DescriptionZh,
    DatasetModality Modality, string Licence, CardVisibility Visibility, DateTimeOffset UpdatedAt, bool Mine, ReleaseView? Latest,
    List<ReleaseView>? Releases = null, List<JsonElement>? Sample = null);

internal sealed class CardRow
{
    public long ProjectId { get; set; }
    public long OrganizationId { get; set; }
    public string OrganizationName { get; set; } = "";
    public string TitleEn { get; set; } = "";
    public string TitleZh { get; set; } = "";
    public string DescriptionEn { get; set; } = "";
    public string DescriptionZh { get; set; } = "";
    public string Modality { get; set; } = "";
    public string Licence { get; set; } = "";
    public string Visibility { get; set; } = "";
    public long UpdatedAt { get; set; }
}

/// <summary>The catalogue: a project's admins and managers describe its dataset on a card and say who sees it; anyone searches what they may see.</summary>
public static class CatalogueApi
{
    private const int MaxTitle = 200;
    private const int MaxDescription = 10_000;

    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Catalogue");
        g.MapPut("/projects/{projectId:long}/card", Put).WithName("putDatasetCard").SignedIn().Gated().JsonBody();
        // Public cards are for anyone, signed in or not.
        g.MapGet("/catalogue", Search).WithName("searchCatalogue").AllowAnonymous();
        g.MapGet("/catalogue/{projectId:long}", Card).WithName("getDatasetCard").AllowAnonymous().Problems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<CardView>, ProblemHttpResult, ValidationProblem>> Put(
        long projectId, CardRequest request, ClaimsPrincipal user, Access access, Db db, Storage.IBlobStore blobs, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, "Only admins and managers publish a project's dataset card.", ct);
        if (project is null)
        {
            return problem!;
        }
        foreach (var (field, value, max) in new[]
        {
            ("titleEn", request.TitleEn, MaxTitle), ("titleZh", request.TitleZh, MaxTitle),
            ("descriptionEn", request.DescriptionEn, MaxDescription), ("descriptionZh", request.DescriptionZh, MaxDescription),
            ("licence", request.Licence, MaxTitle),
        })
        {
            if (field is "titleEn" or "titleZh" or "licence" && string.IsNullOrWhiteSpace(value))
            {
                return Http.Invalid(field, $"{field} is required.", ProblemCodes.FieldRequired);
            }
            if (value?.Length > max)
            {
                return Http.Invalid(field, $"{field} is at most {max} characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", max)));
            }
        }
        if (request.Modality is not { } modality)
        {
            return Http.Invalid("modality", $"modality must be one of {Wire.List<DatasetModality>()}.", ProblemCodes.FieldRequired);
        }
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ReleasesSql.UpsertCardSql, new
        {
            projectId, titleEn = request.TitleEn!.Trim(), titleZh = request.TitleZh!.Trim(), descriptionEn = request.DescriptionEn?.Trim() ?? "",
            descriptionZh = request.DescriptionZh?.Trim() ?? "", modality = Wire.Name(modality), licence = request.Licence!.Trim(),
            visibility = Wire.Name(request.Visibility ?? CardVisibility.Private), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        return TypedResults.Ok((await CardAsync(c, projectId, user.UserId(), signedIn: true, access, db, blobs, detail: true, ct))!);
    }

    private static async Task<Results<Ok<List<CardView>>, ValidationProblem>> Search(
        string? q, string? modality, ClaimsPrincipal user, Access access, Db db, Storage.IBlobStore blobs, CancellationToken ct)
    {
        DatasetModality? wanted = null;
        if (modality is not null)
        {
            if (!Wire.TryParse<DatasetModality>(modality, out var m))
            {
                return Http.Invalid("modality", $"modality must be one of {Wire.List<DatasetModality>()}.", ProblemCodes.FieldOneOf,
                    ProblemCodes.Params(("allowed", Wire.List<DatasetModality>())));
            }
            wanted = m;
        }
        var me = Me(user);
        await using var c = await db.OpenAsync(ct);
        var rows = await RowsAsync(c, null, me, wanted, q, ct);
        var list = new List<CardView>();
        foreach (var row in rows)
        {
            list.Add(await ViewAsync(c, row, me, access, db, blobs, detail: false, ct));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<CardView>, ProblemHttpResult>> Card(
        long projectId, ClaimsPrincipal user, Access access, Db db, Storage.IBlobStore blobs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var me = Me(user);
        return await CardAsync(c, projectId, me, me != 0, access, db, blobs, detail: true, ct) is { } card ? TypedResults.Ok(card) : Http.NotFound("Dataset card");
    }

    private static long Me(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.UserId() : 0;

    private static async Task<CardView?> CardAsync(
        DbConnection c, long projectId, long me, bool signedIn, Access access, Db db, Storage.IBlobStore blobs, bool detail, CancellationToken ct)
    {
        var row = (await RowsAsync(c, projectId, me, null, null, ct)).FirstOrDefault();
        return row is null ? null : await ViewAsync(c, row, me, access, db, blobs, detail, ct);
    }

    private static async Task<List<CardRow>> RowsAsync(DbConnection c, long? projectId, long me, DatasetModality? modality, string? q, CancellationToken ct) =>
        [.. await c.QueryAsync<CardRow>(new CommandDefinition(ReleasesSql.CardsSql, new
        {
            projectId, me, signedIn = me != 0 ? 1 : 0, modality = modality is { } m ? Wire.Name(m) : null,
            q = string.IsNullOrWhiteSpace(q) ? null : "%" + q.Trim().ToLowerInvariant().Replace("%", "", StringComparison.Ordinal) + "%",
        }, cancellationToken: ct))];

    private static async Task<CardView> ViewAsync(
        DbConnection c, CardRow row, long me, Access access, Db db, Storage.IBlobStore blobs, bool detail, CancellationToken ct)
    {
        var mine = me != 0 && await access.RolesAsync(me, row.OrganizationId, ct) != Roles.None;
        var releases = (await c.QueryAsync<ReleaseRow>(new CommandDefinition(ReleasesSql.ProjectReleasesSql, new { projectId = row.ProjectId }, cancellationToken: ct))).ToList();
        ReleaseView? latest = null;
        if (releases.Count > 0)
        {
            latest = await ReleasesApi.ViewAsync(c, releases[0], blobs, detail: true, ct);
            if (!mine)
            {
                // Who worked on the data (vendors, contracts) is the owner's business.
                latest = latest with { Provenance = null };
            }
        }
        List<ReleaseView>? all = null;
        List<JsonElement>? sample = null;
        if (detail)
        {
            all = [];
            foreach (var r in releases)
            {
                all.Add(await ReleasesApi.ViewAsync(c, r, blobs, detail: false, ct));
            }
            sample = [.. (await c.QueryAsync<string>(new CommandDefinition(ReleasesSql.SampleSql(db.Dialect),
                new { projectId = row.ProjectId, states = ReleaseBuilder.ReleasedStates }, cancellationToken: ct))).Select(Http.Json)];
        }
        return new CardView(row.ProjectId, row.OrganizationId, row.OrganizationName, row.TitleEn, row.TitleZh, row.DescriptionEn, row.DescriptionZh,
            Wire.Parse<DatasetModality>(row.Modality), row.Licence, Wire.Parse<CardVisibility>(row.Visibility), Http.Time(row.UpdatedAt), mine, latest, all, sample);
    }
}
