namespace Yunzhong.Server;

/// <summary>How one server process runs: `yz serve` fills these from its flags.</summary>
public sealed class ServerOptions
{
    /// <summary>Holds the SQLite file, the blob folder and the cookie keys.</summary>
    public string DataDir { get; set; } = "./data";

    public string Urls { get; set; } = "http://localhost:5080";

    /// <summary>A PostgreSQL connection string; when null the embedded SQLite file in <see cref="DataDir"/> is used.</summary>
    public string? Database { get; set; }

    /// <summary>Seed the demo organisation, people and projects when they are absent.</summary>
    public bool Demo { get; set; }

    /// <summary>The built browser UI; found next to the repository's <c>web/dist</c> when not given.</summary>
    public string? WebRoot { get; set; }

    /// <summary>Where the demo data set lives; found as the repository's <c>demo/</c> when not given.</summary>
    public string? DemoDir { get; set; }

    /// <summary>Addresses or CIDR networks of proxies whose forwarded headers are believed
    /// (<c>--trust-proxy</c>); added to configuration's <c>Proxy:TrustedNetworks</c>.</summary>
    public List<string> TrustedProxies { get; set; } = [];

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
