namespace Yunzhong.Server.Features.Media;

/// <summary>Project media's SQL (Dapper, <c>@name</c> parameters): listing, download, the index's look-up and the upload batch.</summary>
internal static class MediaSql
{
    /// <summary>Project @projectId's media, by name.</summary>
    internal const string ListSql =
        "SELECT name, content_type AS ContentType, size_bytes AS SizeBytes, width, height, duration, blob_name AS BlobName FROM media WHERE project_id = @projectId ORDER BY name";

    /// <summary>The file and content type of project @projectId's medium @name.</summary>
    internal const string DownloadSql = "SELECT blob_name, content_type FROM media WHERE project_id = @projectId AND name = @name";

    internal const string HeadSql = "SELECT content_type, size_bytes FROM media WHERE project_id = @projectId AND name = @name";

    /// <summary>Bytes of media held by organisation @organizationId's projects, deleted ones too (their blobs stay).</summary>
    internal const string HeldBytesSql =
        "SELECT COALESCE(SUM(m.size_bytes), 0) FROM media m JOIN projects p ON p.id = m.project_id WHERE p.organization_id = @organizationId";

    /// <summary>The size of project @projectId's medium @name, which an upload would replace.</summary>
    internal const string SizeSql = "SELECT size_bytes FROM media WHERE project_id = @projectId AND name = @name";

    /// <summary>The file of project @projectId's medium @Name.</summary>
    internal const string BlobOfSql = "SELECT blob_name FROM media WHERE project_id = @projectId AND name = @Name";

    /// <summary>Removes project @projectId's medium @Name (its file is deleted after the commit).</summary>
    internal const string DeleteSql = "DELETE FROM media WHERE project_id = @projectId AND name = @Name";

    /// <summary>A medium of project @projectId.</summary>
    internal const string InsertSql = """
        INSERT INTO media (project_id, name, blob_name, content_type, size_bytes, width, height, duration, created_at)
        VALUES (@projectId, @Name, @BlobName, @ContentType, @SizeBytes, @Width, @Height, @Duration, @now)
        """;

    /// <summary>What the media index knows of project @projectId's media named in @names.</summary>
    internal static string InfoOfManySql(Data.SqlDialect dialect) =>
        $"SELECT name, content_type AS ContentType, width, height, duration FROM media WHERE project_id = @projectId AND {dialect.InList("name", "@names")}";

    /// <summary>What the media index knows of project @projectId's medium @name.</summary>
    internal const string InfoSql = "SELECT name, content_type AS ContentType, width, height, duration FROM media WHERE project_id = @projectId AND name = @name";
}
