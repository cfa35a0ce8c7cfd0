namespace Yunzhong.Server.Features.Learning;

/// <summary>The SSRF rules (<see cref="Outbound.OutboundAddresses"/>) for model server URLs, with the
/// operator's allow-list of <see cref="ModelServerOptions"/>.</summary>
internal sealed class ModelServerAddresses(IOptions<ModelServerOptions> options)
    : Outbound.OutboundAddresses("a model server", new Outbound.OutboundCodes(
        ProblemCodes.ModelServerUrlInvalid, ProblemCodes.ModelServerNotAllowed, ProblemCodes.ModelServerUnreachable, ProblemCodes.ModelServerAddressRefused))
{
    protected override IReadOnlyList<string> AllowedHosts => options.Value.AllowedHosts;
}
