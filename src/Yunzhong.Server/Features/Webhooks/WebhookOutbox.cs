using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Yunzhong.Server.Features.Webhooks;

/// <summary>What a webhook announces. <c>ping</c> is sent by hand (<c>POST /api/webhooks/{id}/ping</c>) and cannot be subscribed to.</summary>
public enum WebhookEvent { AnnotationSubmitted, AnnotationReviewed, TasksImported, ExportFinished, ReleasePublished, Ping }

/// <summary>
/// Writes pending deliveries (the outbox) in the transaction of the event they announce, so an event
/// that happened is announced and one rolled back is not. The body is JSON: <c>event</c>,
/// <c>projectId</c>, <c>createdAt</c> and the event's own object.
/// </summary>
internal static class WebhookOutbox
{
    /// <summary>The events a webhook may name.</summary>
    public static readonly WebhookEvent[] Subscribable = [.. Enum.GetValues<WebhookEvent>().Where(e => e != WebhookEvent.Ping)];

    /// <summary>One delivery of <paramref name="e"/> for each active webhook of the project that names it; answers how many.</summary>
    public static Task<int> EnqueueAsync(DbConnection c, DbTransaction? tx, long projectId, WebhookEvent e, JsonObject body, long now, CancellationToken ct)
    {
        var name = Wire.Name(e);
        return c.ExecuteAsync(new CommandDefinition(WebhooksSql.EnqueueSql, new
        {
            projectId, @event = name, payload = Body(e, projectId, body, now), now, pattern = $"% {name} %",
        }, tx, cancellationToken: ct));
    }

    public static string Body(WebhookEvent e, long projectId, JsonObject body, long now)
    {
        var whole = new JsonObject
        {
            ["event"] = Wire.Name(e),
            ["projectId"] = projectId,
            ["createdAt"] = Http.Time(now).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            whole[key] = value;
        }
        return whole.ToJsonString();
    }

    /// <summary>A new signing secret: 32 random bytes, base64url, with a prefix that says what it is.</summary>
    public static string NewSecret() => "whsec_" + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The <c>Yunzhong-Signature</c> header: <c>t=UNIX_SECONDS,v1=HEX</c>, HEX being HMAC-SHA256 under
    /// the webhook's secret (its UTF-8 bytes) of <c>"{t}." + body</c>. A receiver recomputes it, compares
    /// in constant time and refuses a <c>t</c> far from its clock (a replay).
    /// </summary>
    public static string Signature(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed);
        return $"t={unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
