namespace Yunzhong.Server.Features.Releases;

/// <summary>Releases', cards' and grants' SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class ReleasesSql
{
    /// <summary>Keeps the first key made for @purpose; a second node's insert does nothing.</summary>
    internal const string InsertParkKeySql = """
        INSERT INTO park_keys (purpose, key_id, public_key, secret, created_at) VALUES (@purpose, @keyId, @publicKey, @secret, @now)
        ON CONFLICT (purpose) DO NOTHING
        """;

    internal const string ParkKeySql = "SELECT key_id, secret FROM park_keys WHERE purpose = @purpose";

    /// <summary>How many of project @projectId's tasks a release takes: in @states with an annotation in force.</summary>
    internal static string ReleasableCountSql(SqlDialect dialect) => $"""
        SELECT COUNT(*) FROM tasks t WHERE t.project_id = @projectId AND {dialect.InList("t.state", "@states")}
          AND EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.status IN ('submitted', 'pending', 'accepted'))
        """;

    internal const string NextNumberSql = "SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE project_id = @projectId";

    /// <summary>Project @projectId's overall gold accuracy: points over gold answers seen.</summary>
    internal const string GoldSql = "SELECT COALESCE(SUM(gold_seen), 0), COALESCE(SUM(gold_score), 0) FROM annotator_scores WHERE project_id = @projectId";

    /// <summary>The vendors that worked project @projectId under a contract, with the contracts.</summary>
    internal const string VendorsSql = """
        SELECT c.id AS ContractId, c.vendor_org_id AS OrganizationId, o.name AS Name, c.state AS State
        FROM contracts c JOIN organizations o ON o.id = c.vendor_org_id WHERE c.project_id = @projectId ORDER BY c.id
        """;

    internal const string OrganizationNameSql = "SELECT name FROM organizations WHERE id = @id";

    internal const string InsertReleaseSql = """
        INSERT INTO releases (project_id, number, source, formats, licence, items, annotations, file_count, total_bytes, merkle_root,
            manifest_blob, items_blob, statement, signature, key_id, created_by, created_at)
        VALUES (@projectId, @number, @source, @formats, @licence, @items, @annotations, @fileCount, @totalBytes, @merkleRoot,
            @manifestBlob, @itemsBlob, @statement, @signature, @keyId, @userId, @now)
        RETURNING id
        """;

    internal const string InsertFileSql = "INSERT INTO release_files (release_id, path, size, sha256, format) VALUES (@releaseId, @path, @size, @sha256, @format)";

    private const string ReleaseColumns = """
        r.id, r.project_id AS ProjectId, r.number, r.source, r.formats, r.licence, r.items, r.annotations, r.file_count AS FileCount,
        r.total_bytes AS TotalBytes, r.merkle_root AS MerkleRoot, r.key_id AS KeyId, r.created_at AS CreatedAt, COALESCE(u.name, '') AS CreatedBy,
        r.manifest_blob AS ManifestBlob, r.items_blob AS ItemsBlob, p.organization_id AS OrganizationId, p.name AS ProjectName
        """;

    internal const string ReleaseSql = $"""
        SELECT {ReleaseColumns} FROM releases r JOIN projects p ON p.id = r.project_id LEFT JOIN users u ON u.id = r.created_by
        WHERE r.id = @releaseId AND p.deleted_at IS NULL
        """;

    internal const string ProjectReleasesSql = $"""
        SELECT {ReleaseColumns} FROM releases r JOIN projects p ON p.id = r.project_id LEFT JOIN users u ON u.id = r.created_by
        WHERE r.project_id = @projectId ORDER BY r.number DESC
        """;

    /// <summary>Release @releaseId's files but its media (a release may carry 100,000 of those).</summary>
    internal const string FilesSql = "SELECT path, size, sha256, format FROM release_files WHERE release_id = @releaseId AND path NOT LIKE 'media/%' ORDER BY path";

    /// <summary>Release @releaseId's file @path.</summary>
    internal const string FileSql = "SELECT path, size, sha256, format FROM release_files WHERE release_id = @releaseId AND path = @path";

    /// <summary>How many media files release @releaseId carries, and their bytes.</summary>
    internal const string MediaCountSql = "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM release_files WHERE release_id = @releaseId AND path LIKE 'media/%'";

    /// <summary>Release @releaseId's media files, by path.</summary>
    internal const string MediaFilesSql = "SELECT path, sha256 FROM release_files WHERE release_id = @releaseId AND path LIKE 'media/%' ORDER BY path";

    /// <summary>Where the files of project @projectId's uploaded media named in @names lie.</summary>
    internal static string MediaBlobsSql(SqlDialect dialect) =>
        $"SELECT name, blob_name FROM media WHERE project_id = @projectId AND {dialect.InList("name", "@names")}";

    /// <summary>Release @releaseId's statement and signature as signed.</summary>
    internal const string SignedSql = "SELECT statement, signature FROM releases WHERE id = @releaseId";

    // Cards.

    internal const string UpsertCardSql = """
        INSERT INTO dataset_cards (project_id, title_en, title_zh, description_en, description_zh, modality, licence, visibility, updated_at)
        VALUES (@projectId, @titleEn, @titleZh, @descriptionEn, @descriptionZh, @modality, @licence, @visibility, @now)
        ON CONFLICT (project_id) DO UPDATE SET title_en = excluded.title_en, title_zh = excluded.title_zh, description_en = excluded.description_en,
            description_zh = excluded.description_zh, modality = excluded.modality, licence = excluded.licence, visibility = excluded.visibility,
            updated_at = excluded.updated_at
        """;

    /// <summary>Cards the caller @me sees: public ones, park-wide ones for anyone signed in (@signedIn = 1), and their own organisations' private ones.</summary>
    internal const string CardsSql = """
        SELECT c.project_id AS ProjectId, p.organization_id AS OrganizationId, o.name AS OrganizationName, c.title_en AS TitleEn, c.title_zh AS TitleZh,
               c.description_en AS DescriptionEn, c.description_zh AS DescriptionZh, c.modality, c.licence, c.visibility, c.updated_at AS UpdatedAt
        FROM dataset_cards c JOIN projects p ON p.id = c.project_id JOIN organizations o ON o.id = p.organization_id
        WHERE p.deleted_at IS NULL
          AND (c.visibility = 'public' OR (c.visibility = 'park' AND @signedIn = 1)
               OR p.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = @me))
          AND (CAST(@projectId AS BIGINT) IS NULL OR c.project_id = @projectId)
          AND (CAST(@modality AS TEXT) IS NULL OR c.modality = @modality)
          AND (CAST(@q AS TEXT) IS NULL OR LOWER(c.title_en) LIKE @q OR c.title_zh LIKE @q OR LOWER(c.description_en) LIKE @q OR c.description_zh LIKE @q)
        ORDER BY c.updated_at DESC, c.project_id DESC LIMIT 200
        """;

    // Grants.

    internal const string InsertGrantSql = """
        INSERT INTO grants (release_id, grantee_org_id, requested_by, purpose, days, formats, status, created_at)
        VALUES (@releaseId, @organizationId, @userId, @purpose, @days, @formats, 'requested', @now) RETURNING id
        """;

    private const string GrantColumns = """
        g.id, g.release_id AS ReleaseId, r.number AS ReleaseNumber, r.project_id AS ProjectId, p.name AS ProjectName, p.organization_id AS OwnerOrganizationId,
        g.grantee_org_id AS GranteeOrganizationId, o.name AS GranteeName, COALESCE(u.name, '') AS RequestedBy, g.purpose, g.days, g.formats, g.status,
        g.reason, g.decided_at AS DecidedAt, g.expires_at AS ExpiresAt, g.created_at AS CreatedAt
        """;

    private const string GrantFrom = """
        FROM grants g JOIN releases r ON r.id = g.release_id JOIN projects p ON p.id = r.project_id
        JOIN organizations o ON o.id = g.grantee_org_id LEFT JOIN users u ON u.id = g.requested_by
        """;

    internal const string GrantSql = $"SELECT {GrantColumns} {GrantFrom} WHERE g.id = @grantId";

    /// <summary>Grants of organisation @organizationId's releases and grants it asked for, newest first.</summary>
    internal const string OrganizationGrantsSql = $"""
        SELECT {GrantColumns} {GrantFrom}
        WHERE p.organization_id = @organizationId OR g.grantee_org_id = @organizationId ORDER BY g.id DESC LIMIT 500
        """;

    /// <summary>The newest grant of release @releaseId to an organisation user @me belongs to.</summary>
    internal const string CallersGrantSql = $"""
        SELECT {GrantColumns} {GrantFrom}
        WHERE g.release_id = @releaseId AND g.status IN ('granted', 'revoked')
          AND g.grantee_org_id IN (SELECT organization_id FROM memberships WHERE user_id = @me)
        ORDER BY CASE WHEN g.status = 'granted' AND g.expires_at > @now THEN 0 ELSE 1 END, g.id DESC LIMIT 1
        """;

    /// <summary>Decides requested grant @grantId (0 rows when it is no longer requested).</summary>
    internal const string DecideSql = """
        UPDATE grants SET status = @status, reason = @reason, decided_by = @userId, decided_at = @now, expires_at = @expiresAt
        WHERE id = @grantId AND status = 'requested'
        """;

    /// <summary>Revokes granted grant @grantId (0 rows when it is not granted).</summary>
    internal const string RevokeSql = """
        UPDATE grants SET status = 'revoked', reason = @reason, decided_by = @userId, decided_at = @now
        WHERE id = @grantId AND status = 'granted'
        """;

    internal const string CardVisibilitySql = "SELECT visibility FROM dataset_cards WHERE project_id = @projectId";

    /// <summary>Up to 3 of project @projectId's released tasks' data, for a card's preview.</summary>
    internal static string SampleSql(SqlDialect dialect) =>
        $"SELECT data_json FROM tasks WHERE project_id = @projectId AND {dialect.InList("state", "@states")} ORDER BY id LIMIT 3";
}
