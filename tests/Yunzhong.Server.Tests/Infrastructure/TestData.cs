using System.Net.Http.Headers;
using System.Text;
using Yunzhong.Server.Features.Imports;
using Yunzhong.Server.Features.Projects;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>Projects and imports the tests build on, through the public API.</summary>
public static class TestData
{
    /// <summary>A JSON object's members in name order, each as its raw text: equal when two objects hold the same values in any order.</summary>
    public static string Canonical(JsonElement e) =>
        JsonSerializer.Serialize(e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => p.Value.GetRawText()));

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
        Person manager, long organizationId, object? schema = null, int overlap = 1, TaskOrder order = TaskOrder.Priority,
        ReviewPolicy review = ReviewPolicy.None, int percent = 0, int leaseSeconds = 600)
    {
        var p = await manager.Http.PostOkAsync<ProjectView>("api/projects", new
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
        return p.Id;
    }

    public static async Task<HttpResponseMessage> ImportRawAsync(HttpClient http, long projectId, string body, string format = "jsonl")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await http.PostAsync($"api/projects/{projectId}/imports?format={format}", content);
    }

    public static async Task<ImportResponse> ImportAsync(HttpClient http, long projectId, IEnumerable<string> texts)
    {
        var body = string.Join("\n", texts.Select((t, i) => JsonSerializer.Serialize(new { key = $"k{i}", data = new { text = t } })));
        using var r = await ImportRawAsync(http, projectId, body);
        return await r.OkAsync<ImportResponse>("import");
    }

    public static IEnumerable<string> Texts(int n) => Enumerable.Range(0, n).Select(i => $"第{i}条评论：服务很好 👍 item {i}");
}
