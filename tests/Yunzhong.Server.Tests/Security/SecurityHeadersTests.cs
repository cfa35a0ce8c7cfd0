using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Yunzhong.Server.Tests.Security;

/// <summary>
/// What every answer tells the browser (content policy, no framing, no referrer, opener isolation),
/// and forwarded headers: believed from a trusted proxy only, so the session cookie is Secure and
/// HSTS sent exactly when the client's own connection is TLS.
/// </summary>
public abstract class SecurityHeadersTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Password = "headers-test-password";

    /// <summary>Log-ins one client address may make per minute on the servers of <see cref="Trusting"/>.</summary>
    protected const int LoginsPerMinute = 3;

    /// <summary>A server of this engine whose trusted proxies are <paramref name="networks"/>, allowing
    /// <see cref="LoginsPerMinute"/> log-ins per client address.</summary>
    protected abstract ServerFixture Trusting(params string[] networks);

    private static void AssertBrowserPolicy(HttpResponseMessage r)
    {
        string One(string name) => Assert.Single(r.Headers.TryGetValues(name, out var v) ? v : []);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, One("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", One("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", One("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("DENY", One("X-Frame-Options"));
        Assert.Equal("no-referrer", One("Referrer-Policy"));
        Assert.Equal("same-origin", One("Cross-Origin-Opener-Policy"));
        Assert.Equal(SecurityHeaders.PermissionsPolicy, One("Permissions-Policy"));
        Assert.Equal("nosniff", One("X-Content-Type-Options"));
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, Person p, string? forwardedProto = null, string forwardedFor = "203.0.113.7")
    {
        var r = await TryLoginAsync(http, p, forwardedProto, forwardedFor);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"login answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        return r;
    }

    private static async Task<HttpResponseMessage> TryLoginAsync(HttpClient http, Person p, string? forwardedProto, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email = p.Email, password = Password }) };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request);
    }

    /// <summary>Log-ins from <paramref name="client"/> (as the proxy says) until the first refused; answers how many got through.</summary>
    private static async Task<int> LoginsUntilRefusedAsync(HttpClient http, Person p, string client)
    {
        for (var n = 0; n < 2 * LoginsPerMinute; n++)
        {
            using var r = await TryLoginAsync(http, p, "https", client);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return n;
            }
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        return 2 * LoginsPerMinute;
    }

    private static string SessionCookie(HttpResponseMessage r) =>
        Assert.Single(r.Headers.GetValues("Set-Cookie"), c => c.StartsWith("yz_session=", StringComparison.Ordinal));

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(a => a.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task AppShellApiAnswersAndErrorsCarryTheBrowserPolicy()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        using var anonymous = fx.Client();

        using (var shell = await anonymous.GetAsync("projects/42"))
        {
            Assert.Equal(ServerFixture.AppShell, await shell.Content.ReadAsStringAsync());
            AssertBrowserPolicy(shell);
        }
        using (var index = await anonymous.GetAsync(""))
        {
            AssertBrowserPolicy(index);
        }
        using (var me = await manager.Http.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            AssertBrowserPolicy(me);
        }
        using (var missing = await anonymous.GetAsync("api/no-such-thing"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            AssertBrowserPolicy(missing);
        }
        using (var refused = await anonymous.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            AssertBrowserPolicy(refused);
        }
    }

    [Fact]
    public async Task SessionCookieIsHttpOnlyLaxAndNotSecureOverPlainHttp()
    {
        var org = await fx.NewOrgAsync();
        var person = await org.PersonAsync(Roles.Annotator, Password);
        using var http = fx.Client();
        using var r = await LoginAsync(http, person);
        var cookie = SessionCookie(r);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(IsSecure(cookie), cookie);
        Assert.False(r.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedHeadersAreIgnoredWhenNoProxyIsTrusted()
    {
        var org = await fx.NewOrgAsync();
        var person = await org.PersonAsync(Roles.Annotator, Password);
        using var http = fx.Client();
        using var r = await LoginAsync(http, person, forwardedProto: "https");
        Assert.False(IsSecure(SessionCookie(r)), "a client that merely claims TLS must not get a Secure cookie it will not send back over HTTP");
        Assert.False(r.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedTlsFromATrustedProxyMakesTheCookieSecureAndSendsHsts()
    {
        // The test's client connects from loopback: the proxy it stands in for is trusted here.
        await using var server = Trusting("127.0.0.0/8", "::1");
        await server.InitializeAsync();
        var person = await (await server.NewOrgAsync()).PersonAsync(Roles.Annotator, Password);
        using var http = server.Client();

        using (var r = await LoginAsync(http, person, forwardedProto: "https"))
        {
            Assert.True(IsSecure(SessionCookie(r)), SessionCookie(r));
            Assert.Equal(SecurityHeaders.StrictTransportSecurity, Assert.Single(r.Headers.GetValues("Strict-Transport-Security")));
            AssertBrowserPolicy(r);
        }
        // The same proxy passing on a plain-HTTP request: not Secure, no HSTS.
        using (var r = await LoginAsync(http, person, forwardedProto: "http"))
        {
            Assert.False(IsSecure(SessionCookie(r)));
            Assert.False(r.Headers.Contains("Strict-Transport-Security"));
        }
    }

    [Fact]
    public async Task ForwardedTlsFromAnAddressOutsideTheTrustedNetworksIsIgnored()
    {
        // Proxies are trusted, but the test's client (loopback) is not one of them.
        await using var server = Trusting("10.0.0.0/8", "fd00::/8");
        await server.InitializeAsync();
        var person = await (await server.NewOrgAsync()).PersonAsync(Roles.Annotator, Password);
        using var http = server.Client();
        using var r = await LoginAsync(http, person, forwardedProto: "https");
        Assert.False(IsSecure(SessionCookie(r)), SessionCookie(r));
        Assert.False(r.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnLogInBudget()
    {
        await using var server = Trusting("127.0.0.0/8", "::1");
        await server.InitializeAsync();
        var person = await (await server.NewOrgAsync()).PersonAsync(Roles.Annotator, Password);
        using var http = server.Client();
        Assert.Equal(LoginsPerMinute, await LoginsUntilRefusedAsync(http, person, "203.0.113.1"));
        // Another client behind the same proxy is not held back by the first one's flood.
        Assert.Equal(LoginsPerMinute, await LoginsUntilRefusedAsync(http, person, "203.0.113.2"));
    }

    [Fact]
    public async Task AClientThatIsNoTrustedProxyCannotBuyFreshLogInBudgetsWithForwardedFor()
    {
        await using var server = Trusting("10.0.0.0/8");
        await server.InitializeAsync();
        var person = await (await server.NewOrgAsync()).PersonAsync(Roles.Annotator, Password);
        using var http = server.Client();
        Assert.Equal(LoginsPerMinute, await LoginsUntilRefusedAsync(http, person, "203.0.113.1"));
        Assert.Equal(0, await LoginsUntilRefusedAsync(http, person, "203.0.113.2"));
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("not-an-address")]
    public async Task TrustingEveryAddressOrAnUnreadableOneIsRefusedAtStart(string network)
    {
        await using var server = Trusting(network);
        var e = await Assert.ThrowsAsync<OptionsValidationException>(server.InitializeAsync);
        Assert.Contains(network, e.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteSecurityHeadersTests(SqliteFixture fx) : SecurityHeadersTests<SqliteFixture>(fx)
{
    protected override ServerFixture Trusting(params string[] networks) => new ConfiguredSqliteFixture(Trust(networks));

    internal static Action<WebApplicationBuilder> Trust(string[] networks) =>
        Configured.With([.. networks.Select((n, i) => ($"Proxy:TrustedNetworks:{i}", n)), ("Limits:LoginsPerMinutePerAddress", $"{LoginsPerMinute}")]);
}

public sealed class PostgresSecurityHeadersTests(PostgresFixture fx) : SecurityHeadersTests<PostgresFixture>(fx)
{
    protected override ServerFixture Trusting(params string[] networks) => new ConfiguredPostgresFixture(SqliteSecurityHeadersTests.Trust(networks));
}
