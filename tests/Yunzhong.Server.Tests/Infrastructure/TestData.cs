using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>Projects and imports the tests build on, through the public API.</summary>
public static class TestData
{
    public static readonly object ChoiceSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[] { new { name = "label", type = "choices", field = "text", options = new[] { "pos", "neg", "neu" } } },
    };

    public static readonly object SpanSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[]
        {
            new { name = "entities", type = "spans", field = "text", labels = new[] { "PER", "ORG", "LOC" } },
            new { name = "links", type = "relations", spans = "entities", labels = new[] { "works_for" } },
        },
    };

    public static async Task<long> ProjectAsync(
        Person manager, long organizationId, object? schema = null, int overlap = 1, string order = "priority",
        string review = "none", int percent = 0, int leaseSeconds = 600)
    {
        var p = await manager.Http.PostOkAsync("api/projects", new
        {
            organizationId,
            name = $"project {Guid.NewGuid():N}",
            instructions = "label it",
            schema = schema ?? ChoiceSchema,
            overlap,
            order,
            leaseSeconds,
            review = new { policy = review, percent },
        });
        return p.GetProperty("id").GetInt64();
    }

    public static async Task<HttpResponseMessage> ImportRawAsync(HttpClient http, long projectId, string body, string format = "jsonl")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await http.PostAsync($"api/projects/{projectId}/imports?format={format}", content);
    }

    public static async Task<JsonElement> ImportAsync(HttpClient http, long projectId, IEnumerable<string> texts)
    {
        var body = string.Join("\n", texts.Select((t, i) => JsonSerializer.Serialize(new { key = $"k{i}", data = new { text = t } })));
        using var r = await ImportRawAsync(http, projectId, body);
        var json = await r.ReadJsonAsync();
        Assert.True(r.IsSuccessStatusCode, $"import answered {(int)r.StatusCode}: {json}");
        return json;
    }

    public static IEnumerable<string> Texts(int n) => Enumerable.Range(0, n).Select(i => $"第{i}条评论：服务很好 👍 item {i}");
}
