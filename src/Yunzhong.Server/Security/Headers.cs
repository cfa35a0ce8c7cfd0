using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace Yunzhong.Server.Security;

/// <summary>
/// Proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> the server believes (section
/// <c>Proxy</c>, e.g. <c>Proxy__TrustedNetworks__0=10.0.0.0/8</c>, or <c>yz serve --trust-proxy</c>).
/// None by default: anyone can send those headers, so a server reached directly must ignore them, or
/// a client could claim any address or pretend its plain-HTTP connection is TLS.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>Addresses (<c>10.0.0.5</c>) or networks in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>)
    /// that the TLS-terminating proxies or load balancers connect from.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>The entries as networks; a bare address is a network of one.</summary>
    public IEnumerable<IPNetwork> Networks() => TrustedNetworks.Select(Parse).OfType<IPNetwork>();

    internal static IPNetwork? Parse(string entry)
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }
        return IPAddress.TryParse(text, out var address)
            ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : null;
    }
}

/// <summary>Refuses at start an entry that does not parse, or one that trusts every address.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions o)
    {
        var errors = new List<string>();
        foreach (var entry in o.TrustedNetworks)
        {
            var network = ProxyOptions.Parse(entry);
            if (network is null)
            {
                errors.Add($"{ProxyOptions.Section}:TrustedNetworks '{entry}' is neither an IP address nor a CIDR network.");
            }
            else if (network.Value.PrefixLength == 0)
            {
                // 0.0.0.0/0 would let any client forge its address and scheme: trusting all is what this setting exists to avoid.
                errors.Add($"{ProxyOptions.Section}:TrustedNetworks '{entry}' trusts every address; name the proxies' own network.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// The headers that tell a browser how to treat every answer, and the reading of forwarded headers
/// from trusted proxies that comes before anything looks at the scheme or the client's address.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The app is one Vite bundle of files from this origin: no inline or eval'd script, no inline
    /// <c>&lt;style&gt;</c>, no frames, no plug-ins. React sets the <c>style</c> props it renders through
    /// the CSSOM (<c>element.style.setProperty</c>), which CSP does not govern, so <c>style-src-attr</c>
    /// needs no <c>'unsafe-inline'</c>: the e2e check on every main page in both languages sees no
    /// violation. <c>data:</c> images and audio are the schema preview's generated samples
    /// (<c>web/src/lib/sample.ts</c>); <c>blob:</c> leaves room for media the page makes itself.
    /// Images and audio may also come from any <c>https:</c> origin, and be fetched from one (the audio
    /// view reads the file to draw its waveform): task data may name media by URL, as imports from
    /// Label Studio often do with object-store links, and the workbench shows them (<c>mediaUrlFor</c>).
    /// Script stays this origin's alone, so a page cannot be made to run anything it was not built with.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; media-src 'self' https: data: blob:; "
        + "font-src 'self'; connect-src 'self' https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>A year, without includeSubDomains: other services under the same domain are not ours to pin to TLS.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>The workbench records nothing and locates nothing; audio plays without these.</summary>
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    public static IServiceCollection AddYunzhongProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        return services;
    }

    /// <summary>First in the pipeline: forwarded headers from a trusted proxy, then the headers of every answer.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var proxy = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var networks = proxy.Networks().ToList();
        if (networks.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
                // Each hop is believed only while the address it came from is trusted (the middleware stops
                // at the first one that is not), so a chain of our own proxies may be walked whole.
                ForwardLimit = null,
            };
            // ASP.NET trusts loopback out of the box; only what the operator named is trusted here.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            app.UseForwardedHeaders(forwarded);
        }
        app.Use((ctx, next) =>
        {
            // Set as the answer starts, not now: the exception handler clears the headers of an answer it
            // replaces, and a 500 or 507 needs them as much as any other.
            ctx.Response.OnStarting(static state => { Apply((HttpContext)state); return Task.CompletedTask; }, ctx);
            return next(ctx);
        });
        return app;
    }

    private static void Apply(HttpContext ctx)
    {
        var headers = ctx.Response.Headers;
        // Browsers must take served media and exports as the type the server detected, never sniff
        // an uploaded file into HTML or script.
        headers.XContentTypeOptions = "nosniff";
        // On every answer, not only the app shell: a JSON answer or a served file opened on its own is
        // a document too, and the policy costs nothing where nothing runs.
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // frame-ancestors is the rule; X-Frame-Options is for browsers that predate it.
        headers.XFrameOptions = "DENY";
        // Project and task ids in the URL are nobody else's business, not even our own other origins'.
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = PermissionsPolicy;
        // Only over TLS (directly, or per a trusted proxy's X-Forwarded-Proto): over plain HTTP the header
        // is ignored by browsers, and sent from a server without TLS it would lock users out of it.
        if (ctx.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
    }
}
