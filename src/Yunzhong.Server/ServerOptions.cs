namespace Yunzhong.Server;

/// <summary>How one server process runs: `yz serve` fills these from its flags.</summary>
public sealed class ServerOptions
{
    /// <summary>Holds the SQLite file and, unless <see cref="Blobs"/> says otherwise, the blob folder.</summary>
    public string DataDir { get; set; } = "./data";

    public string Urls { get; set; } = "http://localhost:5080";

    /// <summary>A PostgreSQL connection string; when null the embedded SQLite file in <see cref="DataDir"/> is used.</summary>
    public string? Database { get; set; }

    /// <summary>Where blobs (media, exports, releases) live: empty for the data folder's <c>blobs/</c>,
    /// <c>s3://BUCKET[/PREFIX]?endpoint=URL&amp;region=NAME</c> for an S3-compatible store, else a folder
    /// (<c>--blobs</c>, or the environment's <c>YZ_BLOBS</c>).</summary>
    public string? Blobs { get; set; }

    /// <summary>Credentials for an S3 store given in code (tests, embedding); when null the AWS SDK's own
    /// chain is used: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or the instance's role.</summary>
    public Amazon.Runtime.AWSCredentials? S3Credentials { get; set; }

    /// <summary>Seed the demo organisation, people and projects when they are absent.</summary>
    public bool Demo { get; set; }

    /// <summary>The built browser UI; found next to the repository's <c>web/dist</c> when not given.</summary>
    public string? WebRoot { get; set; }

    /// <summary>Where the demo data set lives; found as the repository's <c>demo/</c> when not given.</summary>
    public string? DemoDir { get; set; }

    /// <summary>Addresses or CIDR networks of proxies whose forwarded headers are believed
    /// (<c>--trust-proxy</c>); added to configuration's <c>Proxy:TrustedNetworks</c>.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Hosts projects may name as their external model server (<c>--model-servers</c>); added to
    /// configuration's <c>ModelServers:AllowedHosts</c> (see <c>ModelServerOptions</c> for the entry forms).</summary>
    public List<string> ModelServerHosts { get; set; } = [];

    /// <summary>Hosts projects' webhooks may post to (<c>--webhook-hosts</c>); added to configuration's
    /// <c>Webhooks:AllowedHosts</c> (the same entry forms).</summary>
    public List<string> WebhookHosts { get; set; } = [];

    public string SqlitePath => Path.Combine(Path.GetFullPath(DataDir), "yunzhong.db");

    public string ConnectionString => Database ?? $"Data Source={SqlitePath}";

    /// <summary>Looks for a folder of the repository upward from the running assembly (works from bin/ and artifacts/).</summary>
    public static string? FindRepoFolder(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
