using System.Text.Json;
using Yunzhong.Core.Formats;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>COCO export of per-region attributes: each box's text, choices and rating in its annotation's <c>attributes</c>, as CVAT writes them.</summary>
public class CocoAttributesTests
{
    private const string Schema = """
        { "fields": [ { "name": "image", "type": "image" } ],
          "controls": [
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": ["word"] },
            { "name": "words", "type": "transcription", "perRegion": ["boxes"] },
            { "name": "script", "type": "choices", "options": ["Latin", "Han"], "perRegion": ["boxes"] },
            { "name": "marks", "type": "choices", "options": ["bold", "italic"], "multiple": true, "perRegion": ["boxes"] },
            { "name": "legibility", "type": "rating", "max": 3, "perRegion": ["boxes"] } ] }
        """;

    [Fact]
    public async Task EachBoxCarriesItsOwnAttributes()
    {
        // The attribute maps come before the boxes in the stored JSON: order must not matter.
        const string result = """
            { "words": { "b1": "EXIT", "b2": "出口" }, "script": { "b1": ["Latin"], "b2": ["Han"] }, "marks": { "b1": ["bold", "italic"] },
              "legibility": { "b2": 3 },
              "boxes": [ { "id": "b1", "label": "word", "x": 1, "y": 2, "width": 30, "height": 10 },
                         { "id": "b2", "label": "word", "x": 50, "y": 2, "width": 20, "height": 10 } ] }
            """;
        var output = new MemoryStream();
        using var schema = JsonDocument.Parse(Schema);
        var writer = ExportWriter.Create(ExportFormat.Coco, output, schema.RootElement, new ExportOptions { TempStreamFactory = () => new MemoryStream() });
        await writer.WriteTaskAsync(new ExportTask(4, null, """{"image":"sign.png"}""", "done",
            [new ExportAnnotation(9, "王五", result, DateTimeOffset.UnixEpoch, null, 1, null, true)],
            new Dictionary<string, MediaInfo> { ["sign.png"] = new("sign.png", "image/png", 100, 20) }), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Empty(writer.Problems);
        using var doc = JsonDocument.Parse(output.ToArray());
        var anns = doc.RootElement.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("attributes").GetRawText()).ToList();
        Assert.Equal(
        [
            """{"annotator":"王五","region":"b1","words":"EXIT","script":"Latin","marks":["bold","italic"]}""",
            """{"annotator":"王五","region":"b2","words":"出口","script":"Han","legibility":3}""",
        ], anns);
    }
}
