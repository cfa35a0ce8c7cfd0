using System.Text.Json.Nodes;

namespace Yunzhong.Server.Features.Learning;

/// <summary>Why a call to a model server gave nothing: a refusal of the URL (<see cref="Refused"/>, the
/// caller's fault) or the server's (unreachable, an error status, a redirect, an answer we cannot read).</summary>
internal sealed class ModelServerException(string code, string message, bool refused = false) : Exception(message)
{
    public string Code { get; } = code;

    public bool Refused { get; } = refused;
}

/// <summary>One prediction a model server gave for a task: its Label Studio result array, score and version.</summary>
internal sealed record ServerPrediction(JsonElement Result, double? Score, string? ModelVersion);

/// <summary>
/// Talks the Label Studio ML backend protocol: <c>GET /health</c>, <c>POST /predict</c> with
/// <c>{tasks: [{id, data}], project, params}</c>, answered <c>{results: [{result, score,
/// model_version}]}</c> (or the older bare list), one per task in order. Connections go through
/// <see cref="Outbound.OutboundHttp"/>: dialled through <see cref="ModelServerAddresses"/>, no redirects, no proxy.
/// </summary>
internal sealed class ModelServerClient : IDisposable
{
    private readonly HttpClient _http;

    public ModelServerClient(ModelServerAddresses addresses, IOptions<ModelServerOptions> options) =>
        _http = Outbound.OutboundHttp.Create(addresses, options.Value.Timeout);

    public void Dispose() => _http.Dispose();

    /// <summary>The server's <c>/health</c> answer as text; throws <see cref="ModelServerException"/>.</summary>
    public async Task<string> HealthAsync(string url, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Endpoint(url, "health")), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return body.Length > 500 ? body[..500] : body;
    }

    /// <summary>Predictions for <paramref name="tasks"/> (id and data JSON), one per task in order (null where the server gave none).</summary>
    public async Task<ServerPrediction?[]> PredictAsync(string url, long projectId, IReadOnlyList<(long Id, string DataJson)> tasks, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["data"] = JsonNode.Parse(t.DataJson) })]),
            ["project"] = projectId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["params"] = new JsonObject(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(url, "predict"))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, ct);
        try
        {
            using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("results");
            var answers = new ServerPrediction?[tasks.Count];
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (i == answers.Length)
                {
                    break;
                }
                answers[i++] = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("result", out var result)
                    ? new ServerPrediction(result.Clone(),
                        item.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null,
                        item.TryGetProperty("model_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                    : null;
            }
            return answers;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelServerException(ProblemCodes.ModelServerBadAnswer, "The model server's /predict answer is not the Label Studio ML backend's form.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is Outbound.OutboundConnectException refused)
        {
            throw refused.Refused
                ? new ModelServerException(ProblemCodes.ModelServerAddressRefused, refused.Message, refused: true)
                : new ModelServerException(ProblemCodes.ModelServerUnreachable, refused.Message);
        }
        catch (HttpRequestException e)
        {
            throw new ModelServerException(ProblemCodes.ModelServerUnreachable, $"The model server did not answer: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ModelServerException(ProblemCodes.ModelServerUnreachable, "The model server did not answer in time.");
        }
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            response.Dispose();
            throw new ModelServerException(ProblemCodes.ModelServerRedirect, "The model server answered with a redirect, which is never followed.", refused: true);
        }
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new ModelServerException(ProblemCodes.ModelServerBadAnswer, $"The model server answered {status}.");
        }
        return response;
    }

    private static Uri Endpoint(string url, string path) => new(url.TrimEnd('/') + "/" + path);
}
