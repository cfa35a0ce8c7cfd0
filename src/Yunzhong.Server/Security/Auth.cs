using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Yunzhong.Server.Security;

public static class AuthSetup
{
    public const string TokenScheme = "Token";
    public const string SmartScheme = "CookieOrToken";

    /// <summary>The claim in the session cookie that names its row in <c>sessions</c>.</summary>
    public const string SessionClaim = "yz:sid";

    public static IServiceCollection AddYunzhongAuth(this IServiceCollection services)
    {
        services.AddSingleton<TokenCache>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, SmartScheme, o =>
            {
                o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? TokenScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "yz_session";
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: a link to a task from chat or e-mail opens signed in, while a cross-site POST
                // or fetch carries no cookie.
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the client's connection is TLS: directly, or per X-Forwarded-Proto from a
                // trusted proxy (Proxy:TrustedNetworks), which sets the request's scheme before this runs.
                // Not Always: a plain-HTTP server on a laptop or in a closed network must still log in.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                // An API answers 401/403, never a redirect to a log-in page.
                o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = 401; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = 403; return Task.CompletedTask; };
                // A cookie is only as good as its session row: logging out revokes the row, so a copy of
                // the cookie (another tab, a stolen one) stops working although it still decrypts.
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    var sid = ctx.Principal?.FindFirstValue(SessionClaim);
                    var sessions = ctx.HttpContext.RequestServices.GetRequiredService<SessionStore>();
                    if (sid is null || !await sessions.IsLiveAsync(sid, ctx.HttpContext.RequestAborted))
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthHandler>(TokenScheme, null);
        services.AddAuthorization();
        return services;
    }

    public static long UserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, System.Globalization.CultureInfo.InvariantCulture);

    public static ClaimsPrincipal Principal(long userId, string email, string scheme, string? sessionId = null)
    {
        List<Claim> claims =
        [
            new Claim(ClaimTypes.NameIdentifier, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Email, email),
        ];
        if (sessionId is not null)
        {
            claims.Add(new Claim(SessionClaim, sessionId));
        }
        return new(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>
/// Browser sessions kept in the store (only a hash of each id), so logging out ends a session on
/// every node. Live answers are cached like token look-ups: a logout through this server counts at
/// once, one through another node within <see cref="Ttl"/>.
/// </summary>
public sealed class SessionStore(Db db, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private readonly LiveCache<bool> _live = new(time, Ttl);

    public async Task<string> CreateAsync(long userId, CancellationToken ct)
    {
        var id = Secrets.NewToken();
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            SessionsSql.InsertSessionSql,
            new { hash = Secrets.HashToken(id), userId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return id;
    }

    public async Task<bool> IsLiveAsync(string id, CancellationToken ct)
    {
        var hash = Secrets.HashToken(id);
        var (live, _) = await _live.GetAsync(hash, async token =>
        {
            await using var c = await db.OpenAsync(token);
            var found = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                SessionsSql.LiveSessionCountSql, new { hash }, cancellationToken: token)) > 0;
            return (found, found);
        }, ct);
        return live;
    }

    public async Task RevokeAsync(string id, CancellationToken ct)
    {
        var hash = Secrets.HashToken(id);
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            SessionsSql.RevokeSessionSql,
            new { hash, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        _live.Forget(hash);
    }
}

/// <summary>
/// Token look-ups sit on every scripted request, the annotator hot path included, so a hash →
/// user answer is kept for a short while, and looked up again ahead of time while in use
/// (<see cref="LiveCache{T}"/>). A revoked token stops working within <see cref="Ttl"/>.
/// </summary>
public sealed class TokenCache(Db db, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private readonly LiveCache<(long UserId, string Email)> _entries = new(time, Ttl);

    public async Task<(long UserId, string Email)?> FindAsync(string token, CancellationToken ct)
    {
        var hash = Secrets.HashToken(token);
        var (found, user) = await _entries.GetAsync(hash, async lookupCt =>
        {
            await using var c = await db.OpenAsync(lookupCt);
            var row = await c.QueryFirstOrDefaultAsync<(long UserId, string Email)?>(new CommandDefinition(
                SessionsSql.TokenUserSql, new { hash }, cancellationToken: lookupCt));
            return (row is not null, row ?? default);
        }, ct);
        return found ? user : null;
    }

    public void Forget() => _entries.Clear();
}

internal sealed class TokenAuthHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenCache tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        var found = await tokens.FindAsync(token, Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked token.");
        }
        var principal = AuthSetup.Principal(found.Value.UserId, found.Value.Email, AuthSetup.TokenScheme);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, AuthSetup.TokenScheme));
    }
}
