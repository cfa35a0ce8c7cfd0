namespace Yunzhong.Server.Features.Webhooks;

/// <summary>
/// Where projects' webhooks may post, set by the operator (configuration <c>Webhooks:AllowedHosts</c>,
/// e.g. <c>Webhooks__AllowedHosts__0</c> in the environment, or <c>yz serve --webhook-hosts HOST,...</c>):
/// entries as for model servers (<see cref="Outbound.OutboundAddresses"/>): a host or address, a
/// domain with its subdomains (<c>*.example.com</c>), or <c>*</c> for any public host. Empty (the
/// default): no project may add a webhook.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits before each retry of a failed delivery; a delivery is tried once plus once per wait,
    /// then ends <c>failed</c> (and can still be sent again by hand).
    /// </summary>
    public List<TimeSpan> Retries { get; set; } =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
    ];

    /// <summary>How old a new annotation must be before the worker announces it: a transaction still
    /// committing an annotation with a lower id then has had time to finish, so none is passed over.</summary>
    public TimeSpan Settle { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The SSRF rules for webhook URLs, with the operator's allow-list.</summary>
internal sealed class WebhookAddresses(IOptions<WebhookOptions> options)
    : Outbound.OutboundAddresses("a webhook", new Outbound.OutboundCodes(
        ProblemCodes.WebhookUrlInvalid, ProblemCodes.WebhookNotAllowed, ProblemCodes.WebhookUnreachable, ProblemCodes.WebhookAddressRefused))
{
    protected override IReadOnlyList<string> AllowedHosts => options.Value.AllowedHosts;
}
