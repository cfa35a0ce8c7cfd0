using Amazon.Runtime;

namespace Yunzhong.Server.Storage;

/// <summary>
/// An S3 bucket as <c>yz serve --blobs</c> names it:
/// <c>s3://BUCKET[/PREFIX]?endpoint=http://127.0.0.1:9000&amp;region=us-east-1</c>. Without an endpoint
/// it is AWS S3 in the region; with one, any S3-compatible server, addressed path-style.
/// </summary>
public sealed record S3Location(string Bucket, string Prefix, string? Endpoint, string Region)
{
    public static S3Location Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "s3" || uri.Host.Length == 0)
        {
            throw new ArgumentException($"Blob store '{text}' is not s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME].");
        }
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var prefix = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        return new S3Location(
            uri.Host,
            prefix.Length == 0 ? "" : prefix + "/",
            query["endpoint"],
            query["region"] ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1");
    }

    public override string ToString() => $"s3://{Bucket}/{Prefix}" + (Endpoint is null ? "" : $" at {Endpoint}");
}

/// <summary>Chooses the blob store from <see cref="ServerOptions.Blobs"/>.</summary>
public static class BlobStores
{
    /// <summary>The data folder's <c>blobs/</c> when <paramref name="location"/> is empty, an S3 bucket for
    /// <c>s3://…</c>, else the folder it names.</summary>
    public static IBlobStore Create(string? location, string dataDir, AWSCredentials? credentials = null)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return new LocalBlobStore(Path.Combine(dataDir, "blobs"));
        }
        return location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)
            ? new S3BlobStore(S3Location.Parse(location), credentials)
            : new LocalBlobStore(location);
    }

    /// <summary>What the startup line says about the store.</summary>
    public static string Describe(IBlobStore store) => store switch
    {
        S3BlobStore s3 => s3.Location.ToString(),
        LocalBlobStore local => local.Root,
        _ => store.GetType().Name,
    };
}
