using System.Text.Json.Nodes;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

public class AnnotationValidatorRobustnessTests
{
    private const string FullResult = """
        {
          "sentiment": ["positive"],
          "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER", "text": "张三丰" },
                        { "id": "s2", "start": 15, "end": 17, "label": "ORG", "text": "武当" } ],
          "links": [ { "from": "s1", "to": "s2", "label": "works_for" } ],
          "boxes": [ { "id": "r1", "label": "car", "x": 10, "y": 20, "width": 20, "height": 10, "rotation": 30 } ],
          "shapes": [ { "id": "p1", "label": "road", "points": [[0,0],[100,0],[50,80]] } ],
          "joints": [ { "id": "k1", "label": "nose", "x": 12.5, "y": 40 } ],
          "turns": [ { "id": "g1", "start": 0.52, "end": 3.1, "label": "speech" } ],
          "transcript": { "g1": "你好" },
          "quality": 4,
          "preference": { "order": ["b", "a", "c"], "rationale": "b is concise" }
        }
        """;

    private static readonly JsonNode?[] _replacements =
        [null, 0, -1, 1.5, 1e308, "", "x", "😀", true, new JsonArray(), new JsonArray(1, "a"), new JsonObject(), new JsonObject { ["id"] = 1 }];

    private static IEnumerable<(JsonNode Parent, object Key)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    yield return (o, key);
                    if (child is not null)
                    {
                        foreach (var s in Slots(child))
                        {
                            yield return s;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, i);
                    if (a[i] is { } child)
                    {
                        foreach (var s in Slots(child))
                        {
                            yield return s;
                        }
                    }
                }

                break;
        }
    }

    [Fact]
    public void ReplacingAnyValueWithAnyJsonTypeNeverThrows()
    {
        var schema = Doc();
        var data = Json("""
            { "text": "😀张三丰😀 works at 武当", "image": "i", "audio": "a",
              "responses": [ { "id": "a", "text": "1" }, { "id": "b", "text": "2" }, { "id": "c", "text": "3" } ] }
            """);
        var media = (string f) => f == "image" ? new MediaInfo("i", "image/png", 100, 80) : new MediaInfo("a", "audio/wav", DurationSeconds: 10);
        Assert.Empty(AnnotationValidator.Validate(schema, data, Json(FullResult), media));

        var slotCount = Slots(JsonNode.Parse(FullResult)!).Count();
        var runs = 0;
        for (var slot = 0; slot < slotCount; slot++)
        {
            foreach (var replacement in _replacements)
            {
                var root = JsonNode.Parse(FullResult)!;
                var (parent, key) = Slots(root).ElementAt(slot);
                if (key is string k)
                {
                    parent[k] = replacement?.DeepClone();
                }
                else
                {
                    parent[(int)key] = replacement?.DeepClone();
                }

                var errors = AnnotationValidator.Validate(schema, data, Json(root.ToJsonString()), media);

                Assert.All(errors, e => Assert.StartsWith("/", e.Path));
                Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
                runs++;
            }
        }

        Assert.True(runs > 500, $"only {runs} mutations ran");
    }

    [Fact]
    public void ReplacingTheTaskDataWithAnyJsonTypeNeverThrows()
    {
        var schema = Doc();
        foreach (var replacement in _replacements)
        {
            var data = Json(replacement?.ToJsonString() ?? "null");

            var errors = AnnotationValidator.Validate(schema, data, Json(FullResult));
            var dataErrors = schema.ValidateTaskData(data);

            // Spans and the ranking need the task's text and list, so both must complain.
            Assert.Contains(errors, e => e.Path == "/entities");
            Assert.Contains(errors, e => e.Path == "/preference");
            Assert.NotEmpty(dataErrors);
        }
    }
}
