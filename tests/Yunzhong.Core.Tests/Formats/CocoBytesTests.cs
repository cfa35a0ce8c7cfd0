using System.Text.Encodings.Web;
using System.Text.Json;
using Yunzhong.Core.Formats;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>
/// A COCO file's bytes are pinned: the same tokens, commas, escapes and numbers as the JSON writer writes them, whatever
/// the writer does to be fast (a byte-writing path for boxes and images was tried and removed: no gain measured).
/// </summary>
public class CocoBytesTests
{
    private static readonly DateTimeOffset _at = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    private const string Schema = """
        {
          "fields": [ { "name": "image", "type": "image" } ],
          "controls": [
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "horse", "person" ] },
            { "name": "shapes", "type": "polygons", "field": "image", "labels": [ "road" ] }
          ]
        }
        """;

    [Fact]
    public async Task BoxesAndImagesAreTheBytesTheBenchFileHad()
    {
        // As a 100,000-task file that `yz bench --export coco` wrote (its first and last bytes)
        // (its schema had no polygons control, so no third category).
        var media = new Dictionary<string, MediaInfo> { ["m/horse.png"] = new("horse.png", "image/png", 400, 328) };
        const string result = """{"boxes":[{"id":"r1","label":"horse","x":10,"y":20,"width":300,"height":200},{"id":"r2","label":"person","x":0,"y":0,"width":5,"height":6}]}""";
        var tasks = new[]
        {
            new ExportTask(1, "i0", """{"image":"m/horse.png","n":0}""", "created", [new ExportAnnotation(1, "bench admin", result, _at, 3.5, 1, "accepted", true)], media),
            new ExportTask(2, "i1", """{"image":"m/horse.png","n":1}""", "created", [new ExportAnnotation(2, "bench admin", result, _at, 3.5, 1, "accepted", true)], media),
        };

        var text = await ExportAsync(tasks, Schema);

        var expected = """
            {"info":{"description":"Yunzhong export"},"licenses":[],"categories":[{"id":1,"name":"horse","supercategory":""},{"id":2,"name":"person","supercategory":""},{"id":3,"name":"road","supercategory":""}],
            "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[10,20,300,200],"area":60000,"iscrowd":0,"segmentation":[[10,20,310,20,310,220,10,220]],"attributes":{"annotator":"bench admin","region":"r1"}},
            {"id":2,"image_id":1,"category_id":2,"bbox":[0,0,5,6],"area":30,"iscrowd":0,"segmentation":[[0,0,5,0,5,6,0,6]],"attributes":{"annotator":"bench admin","region":"r2"}},
            {"id":3,"image_id":2,"category_id":1,"bbox":[10,20,300,200],"area":60000,"iscrowd":0,"segmentation":[[10,20,310,20,310,220,10,220]],"attributes":{"annotator":"bench admin","region":"r1"}},
            {"id":4,"image_id":2,"category_id":2,"bbox":[0,0,5,6],"area":30,"iscrowd":0,"segmentation":[[0,0,5,0,5,6,0,6]],"attributes":{"annotator":"bench admin","region":"r2"}}],
            "images":[{"id":1,"file_name":"horse.png","width":400,"height":328},{"id":2,"file_name":"horse.png","width":400,"height":328}]}
            """;
        Assert.Equal(expected.ReplaceLineEndings("") + "\n", text);
    }

    [Fact]
    public async Task EscapesFractionsAndRegionsOfEveryKindReadBackAsTheJsonWriterWritesThem()
    {
        // Annotators and file names that need escaping, region ids that do (or are not ASCII, or are missing),
        // fractional and negative coordinates, a rotation, a polygon, an image of unknown size: the bytes COCO writes
        // itself and those it leaves to the JSON writer, side by side in one file.
        var media = new Dictionary<string, MediaInfo>
        {
            ["a"] = new("图 \"1\".png", "image/png", 640, 480),
            ["b"] = new("b\\c\n.png", "image/png", 7, 9),
        };
        var tasks = new[]
        {
            new ExportTask(10, null, """{"image":"a"}""", "done",
            [
                new ExportAnnotation(1, "张三 \"老\" \\ <b>&'+`", """
                    {"boxes":[{"id":"r\"q","label":"horse","x":0.1,"y":-2.5,"width":1e-7,"height":123456789012345,"rotation":30},
                              {"id":"标","label":"person","x":1,"y":2,"width":3,"height":4},
                              {"label":"horse","x":0.5,"y":0,"width":1.5,"height":2.25},
                              {"id":"ok\u0001","label":"horse","x":1,"y":1,"width":1,"height":1}],
                     "shapes":[{"id":"p","label":"road","points":[[0,0],[100.5,0],[50,80.25]]}]}
                    """, _at, null, 1, null, true),
                new ExportAnnotation(2, "李四", """{"boxes":[{"id":"r2","label":"person","x":5,"y":6,"width":7,"height":8}]}""", _at, null, 1, null, true),
            ], media),
            new ExportTask(11, null, """{"image":"b"}""", "done",
                [new ExportAnnotation(3, "李四", """{"boxes":[{"id":"r3","label":"horse","x":1,"y":1,"width":2,"height":2}]}""", _at, null, 1, null, true)], media),
            new ExportTask(12, null, """{"image":"unknown.png"}""", "done",
                [new ExportAnnotation(4, "李四", """{"boxes":[{"id":"r4","label":"horse","x":1,"y":1,"width":2,"height":2}]}""", _at, null, 1, null, true)], media),
        };

        var text = await ExportAsync(tasks, Schema);

        Assert.Equal(Rewritten(text), text);
        using var doc = JsonDocument.Parse(text);
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, annotations.Count).Select(i => (long)i), annotations.Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal("张三 \"老\" \\ <b>&'+`", annotations[0].GetProperty("attributes").GetProperty("annotator").GetString());
        Assert.Equal(["r\"q", "标", null, "ok\u0001", "p", "r2", "r3", "r4"],
            annotations.Select(a => a.GetProperty("attributes").TryGetProperty("region", out var r) ? r.GetString() : null));
        Assert.Contains("""bbox":[0,0,100.5,80.25],"area":4032.5625,"iscrowd":0,"segmentation":[[0,0,100.5,0,50,80.25]],"attributes":{""", text);
        Assert.Contains("""bbox":[0.5,0,1.5,2.25],"area":3.375,"iscrowd":0,"segmentation":[[0.5,0,2,0,2,2.25,0.5,2.25]],""", text);
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["图 \"1\".png", "b\\c\n.png", "unknown.png"], images.Select(i => i.GetProperty("file_name").GetString()));
        Assert.False(images[2].TryGetProperty("width", out _));
    }

    [Fact]
    public async Task ARegionWithAttributesKeepsThemBesideRegionsWithout()
    {
        const string schema = """
            {
              "fields": [ { "name": "image", "type": "image" } ],
              "controls": [
                { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "car" ] },
                { "name": "colour", "type": "choices", "options": [ "red", "blue" ], "perRegion": [ "boxes" ] }
              ]
            }
            """;
        var media = new Dictionary<string, MediaInfo> { ["a"] = new("a.png", "image/png", 10, 10) };
        var task = new ExportTask(1, null, """{"image":"a"}""", "done",
        [
            new ExportAnnotation(1, "x", """{"boxes":[{"id":"r1","label":"car","x":1,"y":1,"width":2,"height":2}],"colour":{"r1":["red"]}}""", _at, null, 1, null, true),
            new ExportAnnotation(2, "x", """{"boxes":[{"id":"r2","label":"car","x":1,"y":1,"width":2,"height":2}]}""", _at, null, 1, null, true),
        ], media);

        var text = await ExportAsync([task], schema);

        Assert.Equal(Rewritten(text), text);
        Assert.Contains("""{"annotator":"x","region":"r1","colour":"red"}""", text);
        Assert.Contains("""{"annotator":"x","region":"r2"}}""", text);
    }

    /// <summary>The COCO file of <paramref name="tasks"/>, whatever problems it reports (an image of unknown size is one).</summary>
    private static async Task<string> ExportAsync(IEnumerable<ExportTask> tasks, string schema)
    {
        var output = new MemoryStream();
        using var doc = JsonDocument.Parse(schema);
        var writer = ExportWriter.Create(ExportFormat.Coco, output, doc.RootElement, new ExportOptions { TempStreamFactory = () => new MemoryStream() });
        foreach (var t in tasks)
        {
            await writer.WriteTaskAsync(t, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>The file read and written again by the JSON writer with the exporters' options: strings unescaped and
    /// escaped anew, numbers as they stand (their bytes are <see cref="JsonNumberTests"/>' business).</summary>
    private static string Rewritten(string text)
    {
        using var doc = JsonDocument.Parse(text);
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            doc.RootElement.WriteTo(json);
        }
        return System.Text.Encoding.UTF8.GetString(output.ToArray()) + "\n";
    }
}
