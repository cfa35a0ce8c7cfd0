using System.Text.Json;
using System.Text.RegularExpressions;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>The contract in docs/ and the code must not drift apart.</summary>
public class SchemaDocsTests
{
    private static string Docs(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", file);
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new FileNotFoundException("docs/" + file + " not found above the test output.");
    }

    [Fact]
    public void ExampleSchemaOfTheDocsParses()
    {
        var markdown = Docs("label-schema.md");
        var json = Regex.Match(markdown, "```json\\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;

        var result = LabelSchema.Parse(json);

        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Equal(11, result.Schema.Controls.Count);
    }

    [Fact]
    public void JsonSchemaNamesEveryControlAndFieldType()
    {
        using var doc = JsonDocument.Parse(Docs("label-schema.schema.json"));
        var defs = doc.RootElement.GetProperty("$defs");
        var controlTypes = defs.GetProperty("control").GetProperty("properties").GetProperty("type").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
        var fieldTypes = defs.GetProperty("field").GetProperty("properties").GetProperty("type").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal(
            ["choices", "spans", "relations", "rectangles", "polygons", "keypoints", "segments", "transcription", "rating", "ranking", "taxonomy", "tracks", "masks", "dialogue", "timeseries"],
            controlTypes);
        Assert.Equal(ControlKinds.All.Select(k => k.Name), controlTypes);
        Assert.Equal(["text", "image", "audio", "video", "list", "json", "dialogue", "timeseries", "document", "html"], fieldTypes);
        foreach (var type in controlTypes)
        {
            Assert.True(LabelSchema.Parse($$"""{ "controls": [ { "name": "x", "type": "{{type}}" } ] }""").Errors
                .All(e => e.Path != "/controls/0/type"), type);
        }
    }
}
