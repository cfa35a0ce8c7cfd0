using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Yunzhong.Server.Security;

/// <summary>
/// What a flood of password log-ins may cost. Three gates, cheapest first: a token bucket per client
/// address (ASP.NET Core's rate limiter, before the body is read), a bound on password checks running
/// at once across the server, and the per-account <see cref="LoginThrottle"/>. Each check is a
/// PBKDF2 of <see cref="Secrets.Iterations"/> rounds, a fifth of a second of one core: measured before
/// these gates, 300 log-ins with unknown emails from one address cost 14 CPU-seconds and kept a real
/// log-in waiting 6.3 s. Work sites sit behind one address for hundreds of people, so the per-address
/// budget is generous and only a flood reaches it.
/// </summary>
public sealed class LoginLimits : IDisposable
{
    /// <summary>The rate-limiter policy the log-in route carries.</summary>
    public const string Policy = "login";

    private readonly ConcurrencyLimiter _checks;

    public LoginLimits(IOptions<LimitsOptions> options)
    {
        var o = options.Value;
        _checks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = o.ConcurrentPasswordChecks,
            QueueLimit = o.PasswordCheckQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>A permit to check one password; not acquired when <see cref="LimitsOptions.ConcurrentPasswordChecks"/>
    /// checks run and <see cref="LimitsOptions.PasswordCheckQueue"/> more wait already.</summary>
    public ValueTask<RateLimitLease> AcquireCheckAsync(CancellationToken ct) => _checks.AcquireAsync(1, ct);

    public void Dispose() => _checks.Dispose();

    /// <summary>The rate-limiter services with the per-address log-in policy.</summary>
    public static IServiceCollection Add(IServiceCollection services)
    {
        services.AddSingleton<LoginLimits>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, ctx =>
            {
                var perMinute = ctx.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.LoginsPerMinutePerAddress;
                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(ctx.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var problem = TooMany(context.HttpContext, retry, nameof(LimitsOptions.LoginsPerMinutePerAddress),
                    "Too many log-ins from this address.", "Log-ins from this address are paused for a moment; try again after the time in Retry-After.");
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = context.HttpContext, ProblemDetails = problem });
            };
        });
        return services;
    }

    /// <summary>
    /// Whose budget a request spends: an IPv4 address (IPv4-mapped IPv6 counted as IPv4), or an IPv6
    /// address's /64, since one subscriber is handed a whole /64 and could otherwise take a fresh
    /// address for every guess.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>429's ProblemDetails naming the setting that refused the request; sets Retry-After.</summary>
    public static ProblemDetails TooMany(HttpContext ctx, TimeSpan retryAfter, string setting, string title, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = title,
            Detail = detail,
            Extensions = { ["limit"] = LimitsOptions.Key(setting), ["retryAfterSeconds"] = seconds },
        };
    }
}
