using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>
/// The S3-protocol server the suite runs against: scripts/s3.sh starts s3rver on loopback and
/// scripts/test.sh exports its address as YZ_TEST_S3. Each fixture gets a bucket of its own.
/// </summary>
public static class TestS3
{
    /// <summary>s3rver's one account: it checks SigV4 signatures against this key and secret.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("S3RVER", "S3RVER");

    public static string Endpoint =>
        Environment.GetEnvironmentVariable("YZ_TEST_S3")
        ?? throw new InvalidOperationException(
            "YZ_TEST_S3 is not set: run the suite with scripts/test.sh, which starts an S3 server (scripts/s3.sh), or point it at one.");

    /// <summary>A fresh bucket's <c>--blobs</c> location on the test server.</summary>
    public static string NewLocation() => $"s3://yzt-{Guid.NewGuid():N}?endpoint={Uri.EscapeDataString(Endpoint)}";

    public static AmazonS3Client Client() => new(Credentials, new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Every object key under a prefix of the location's bucket.</summary>
    public static async Task<string[]> KeysAsync(string location, string prefix)
    {
        var bucket = new Uri(location).Host;
        using var s3 = Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return [.. keys];
    }
}

/// <summary>SQLite with its blobs in an S3 bucket.</summary>
public class SqliteS3Fixture : SqliteFixture
{
    private readonly string _location = TestS3.NewLocation();

    public override string? BlobLocation => _location;

    public override Task<string[]> BlobsUnderAsync(string prefix) => TestS3.KeysAsync(_location, prefix);
}

/// <summary>PostgreSQL with its blobs in an S3 bucket: what a deployment of several nodes runs on.</summary>
public class PostgresS3Fixture : PostgresFixture
{
    private readonly string _location = TestS3.NewLocation();

    public override string? BlobLocation => _location;

    public override Task<string[]> BlobsUnderAsync(string prefix) => TestS3.KeysAsync(_location, prefix);
}

/// <summary>
/// A second node of <paramref name="first"/>'s deployment: a server of its own (its own process
/// state, caches, data folder and clock) on the first's PostgreSQL database and S3 bucket.
/// Disposed before the first, which drops the database.
/// </summary>
public sealed class SecondNodeFixture(ServerFixture first) : ServerFixture
{
    public override string Engine => first.Engine;

    public override string? BlobLocation => first.BlobLocation;

    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult(first.Database);

    protected override Task DropDatabaseAsync(string? database) => Task.CompletedTask;

    public override Task<string[]> BlobsUnderAsync(string prefix) => first.BlobsUnderAsync(prefix);
}
