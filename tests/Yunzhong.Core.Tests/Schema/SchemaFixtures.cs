using System.Text.Json;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Schema;

internal static class SchemaFixtures
{
    /// <summary>The example schema of docs/label-schema.md.</summary>
    public const string DocExample = """
        {
          "fields": [
            { "name": "text",  "type": "text" },
            { "name": "image", "type": "image" },
            { "name": "audio", "type": "audio" },
            { "name": "responses", "type": "list" }
          ],
          "controls": [
            { "name": "sentiment", "type": "choices", "field": "text",
              "options": [ { "value": "positive", "hotkey": "1" }, { "value": "negative", "hotkey": "2" } ],
              "multiple": false, "required": true },
            { "name": "entities", "type": "spans", "field": "text",
              "labels": [ { "value": "PER", "hotkey": "1", "color": "#e4572e" }, { "value": "ORG" } ] },
            { "name": "links", "type": "relations", "spans": "entities", "labels": [ { "value": "works_for" } ] },
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ { "value": "car" } ] },
            { "name": "shapes", "type": "polygons", "field": "image", "labels": [ { "value": "road" } ] },
            { "name": "joints", "type": "keypoints", "field": "image", "labels": [ { "value": "nose" } ] },
            { "name": "turns", "type": "segments", "field": "audio", "labels": [ { "value": "speech" } ] },
            { "name": "transcript", "type": "transcription", "field": "audio", "perSegment": "turns" },
            { "name": "quality", "type": "rating", "max": 5 },
            { "name": "preference", "type": "ranking", "field": "responses", "mode": "rank", "rationale": true }
          ]
        }
        """;

    public static LabelSchema ParseOk(string json)
    {
        var result = LabelSchema.Parse(json);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Schema;
    }

    public static LabelSchema Doc() => ParseOk(DocExample);

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Wraps controls in a schema with the usual fields.</summary>
    public static LabelSchema WithControls(string controls) => ParseOk($$"""
        {
          "fields": [
            { "name": "text", "type": "text" },
            { "name": "image", "type": "image" },
            { "name": "audio", "type": "audio" },
            { "name": "items", "type": "list" }
          ],
          "controls": [ {{controls}} ]
        }
        """);

    public static string Paths(IReadOnlyList<SchemaError> errors) => string.Join(" | ", errors.Select(e => e.Path));
}
