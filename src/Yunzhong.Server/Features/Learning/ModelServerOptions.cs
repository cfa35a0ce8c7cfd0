namespace Yunzhong.Server.Features.Learning;

/// <summary>
/// Which external model servers (Label Studio ML backends) projects may name, set by the operator
/// (configuration <c>ModelServers:AllowedHosts</c>, e.g. <c>ModelServers__AllowedHosts__0</c> in the environment). An entry is
/// a host name or address (<c>ml.example.com</c>, <c>10.0.0.7</c>, <c>::1</c>), a domain with its
/// subdomains (<c>*.example.com</c>), or <c>*</c> for any host. Only hosts named exactly may be or
/// resolve to loopback, link-local, private or other non-public addresses; a wildcard reaches public
/// addresses only. Empty (the default): no project may use a model server.
/// </summary>
public sealed class ModelServerOptions
{
    public const string Section = "ModelServers";

    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long a call to a model server may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tasks sent to <c>/predict</c> in one call.</summary>
    public int BatchSize { get; set; } = 32;
}
