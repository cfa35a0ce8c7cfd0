using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Yunzhong.Server.Features.Organizations;

namespace Yunzhong.Server.Features.Auth;

public sealed record LoginRequest(string Email, string Password);

public sealed record OrganizationMembership(long Id, string Name, OrganizationKind Kind, Role[] Roles);

public sealed record MeResponse(long Id, string Email, string Name, IReadOnlyList<OrganizationMembership> Organizations);

public sealed record CreateTokenRequest(string Name);

public sealed record TokenView(long Id, string Name, DateTimeOffset CreatedAt);

public sealed record CreatedToken(long Id, string Name, string Token);

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Auth");
        g.MapPost("/auth/login", Login).RequireRateLimiting(LoginLimits.Policy).WithName("logIn")
            .JsonBody().Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests);
        g.MapPost("/auth/logout", Logout).WithName("logOut");
        g.MapGet("/me", (ClaimsPrincipal user, Db db, CancellationToken ct) => MeAsync(user.UserId(), db, ct)).WithName("getMe").SignedIn();
        g.MapGet("/tokens", ListTokens).WithName("listTokens").SignedIn();
        g.MapPost("/tokens", CreateToken).WithName("createToken").SignedIn().JsonBody();
        g.MapDelete("/tokens/{id:long}", RevokeToken).WithName("revokeToken").SignedIn().Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Ends the cookie's session in the store as well as in this browser.</summary>
    private static async Task<NoContent> Logout(HttpContext ctx, SessionStore sessions, CancellationToken ct)
    {
        var cookie = await ctx.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (cookie.Principal?.FindFirstValue(AuthSetup.SessionClaim) is { } sid)
        {
            await sessions.RevokeAsync(sid, ct);
        }
        await ctx.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Password log-in behind three gates (<see cref="LoginLimits"/>): the per-address budget (the
    /// route's rate-limiter policy), a permit to run a password check, and the account's attempts,
    /// counted before the check so that guesses sent together cannot all slip past it. A stored hash
    /// made with fewer rounds than today's is made again once the password is proven.
    /// </summary>
    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext ctx, Db db, SessionStore sessions, LoginThrottle throttle, LoginLimits limits, Park.Seats seats,
        CancellationToken ct)
    {
        var email = Accounts.NormalizeEmail(request.Email ?? "");
        using var permit = await limits.AcquireCheckAsync(ct);
        if (!permit.IsAcquired)
        {
            return TypedResults.Problem(LoginLimits.TooMany(ctx, TimeSpan.FromSeconds(1), nameof(LimitsOptions.ConcurrentPasswordChecks),
                "The server is checking many passwords at once.", "Try again in a moment."));
        }
        // Unknown emails are counted like known ones, so the answer does not reveal which exist.
        if (throttle.TryAttempt(email) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: 429, title: "Too many wrong passwords for this account.",
                detail: $"Password log-in for this account is paused for {seconds} seconds after {LoginThrottle.MaxFailures} wrong passwords.",
                extensions: ProblemCodes.Extensions(ProblemCodes.AuthTooManyWrongPasswords, ProblemCodes.Params(("retryAfterSeconds", seconds))));
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<(long Id, string Email, string? Hash)?>(new CommandDefinition(
            AuthSql.UserByEmailSql, new { email }, cancellationToken: ct));
        // Verify against a dummy hash when the user is unknown, so timing does not reveal which emails exist.
        var ok = Secrets.VerifyPassword(request.Password ?? "", row?.Hash ?? _dummyHash);
        if (row is not { Hash: { } stored } || !ok)
        {
            return TypedResults.Problem(statusCode: 401, title: "Wrong email or password.", extensions: ProblemCodes.Extensions(ProblemCodes.AuthWrongCredentials));
        }
        throttle.Succeeded(email);
        if (Secrets.NeedsRehash(stored))
        {
            await c.ExecuteAsync(new CommandDefinition(
                AuthSql.RehashPasswordSql,
                new { hash = Secrets.HashPassword(request.Password!), id = row.Value.Id, stored }, cancellationToken: ct));
        }
        // A vendor's site that blocks past its seats lets no one more in while every seat is taken.
        if (await seats.SignInRefusalAsync(row.Value.Id, ct) is { } full)
        {
            return full;
        }
        var sid = await sessions.CreateAsync(row.Value.Id, ct);
        await ctx.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AuthSetup.Principal(row.Value.Id, row.Value.Email, CookieAuthenticationDefaults.AuthenticationScheme, sid));
        return TypedResults.Ok((await MeAsync(row.Value.Id, db, ct)).Value!);
    }

    private static readonly string _dummyHash = Secrets.HashPassword(Guid.NewGuid().ToString());

    internal static async Task<Ok<MeResponse>> MeAsync(long userId, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var user = await c.QuerySingleAsync<(string Email, string Name)>(new CommandDefinition(
            AuthSql.UserSql, new { userId }, cancellationToken: ct));
        var orgs = await c.QueryAsync<(long Id, string Name, string Kind, string Roles)>(new CommandDefinition(
            AuthSql.MembershipsSql, new { userId }, cancellationToken: ct));
        return TypedResults.Ok(new MeResponse(userId, user.Email, user.Name,
            orgs.Select(o => new OrganizationMembership(o.Id, o.Name, Wire.Parse<OrganizationKind>(o.Kind), RoleNames.List(RoleNames.Parse(o.Roles)))).ToList()));
    }

    private static async Task<Ok<List<TokenView>>> ListTokens(ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long Id, string Name, long CreatedAt)>(new CommandDefinition(
            AuthSql.LiveTokensSql,
            new { userId = user.UserId() }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new TokenView(r.Id, r.Name, Http.Time(r.CreatedAt))).ToList());
    }

    private static async Task<Results<Ok<CreatedToken>, ValidationProblem>> CreateToken(
        CreateTokenRequest request, ClaimsPrincipal user, Accounts accounts, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            return Http.Invalid("name", "A token needs a name of 1 to 100 characters.",
                ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 100)));
        }
        var (id, token) = await accounts.CreateTokenAsync(user.UserId(), request.Name.Trim(), ct);
        return TypedResults.Ok(new CreatedToken(id, request.Name.Trim(), token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(
        long id, ClaimsPrincipal user, Db db, TokenCache tokens, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(
            AuthSql.RevokeTokenSql,
            new { id, userId = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        tokens.Forget();
        return n == 0 ? Http.NotFound("Token") : TypedResults.NoContent();
    }
}
