using System.IO.Compression;
using System.Xml.Linq;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>YOLO and Pascal VOC zips, checked against numbers worked out by hand.</summary>
public class ImageArchiveExportTests
{
    private const string Schema = """
        { "fields": [ { "name": "image", "type": "image" } ],
          "controls": [
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "car", "person" ] },
            { "name": "shapes", "type": "polygons", "field": "image", "labels": [ "road", "car" ] } ] }
        """;

    private static readonly DateTimeOffset _at = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private static ExportTask Image(long id, string reference, string name, int width, int height, params string[] results) =>
        new(id, null, $$"""{"image":"{{reference}}"}""", "done",
            [.. results.Select((r, i) => new ExportAnnotation(id * 10 + i, "li", r, _at.AddMinutes(i), null, 1, null, true))],
            new Dictionary<string, MediaInfo> { [reference] = new(name, "image/jpeg", width, height) });

    private static async Task<(Dictionary<string, string> Files, IReadOnlyList<ExportProblem> Problems)> ZipAsync(ExportFormat format, params ExportTask[] tasks)
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(format, output, Json(Schema), new ExportOptions());
        foreach (var t in tasks)
        {
            await writer.WriteTaskAsync(t, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        using var zip = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        return (zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd()), writer.Problems);
    }

    // A 200 × 100 image: a car box at (20, 10) 40 × 30; a person box turned 90° about (100, 50),
    // 20 × 10 (its corners (100,50) (100,70) (90,70) (90,50)); a road triangle.
    private const string Result = """
        { "boxes": [ { "id": "a", "label": "car", "x": 20, "y": 10, "width": 40, "height": 30, "rotation": 0 },
                     { "id": "b", "label": "person", "x": 100, "y": 50, "width": 20, "height": 10, "rotation": 90 } ],
          "shapes": [ { "id": "c", "label": "road", "points": [ [0, 100], [200, 100], [100, 60] ] } ] }
        """;

    [Fact]
    public async Task YoloWritesNormalisedBoxesSegmentsAndOrientedBoxes()
    {
        var (files, problems) = await ZipAsync(ExportFormat.Yolo,
            Image(1, "https://cdn.example.com/a/street%201.jpg?sig=x", "https://cdn.example.com/a/street%201.jpg?sig=x", 200, 100,
                """{ "boxes": [ { "id": "old", "label": "car", "x": 0, "y": 0, "width": 1, "height": 1 } ] }""", Result));

        Assert.Empty(problems);
        Assert.Equal(["data.yaml", "labels-obb/street 1.txt", "labels-seg/street 1.txt", "labels/street 1.txt"], files.Keys.Order(StringComparer.Ordinal));
        // Classes: car 0, person 1, road 2 (schema order, each once). Only the newest annotation counts.
        Assert.Equal(
            "0 0.2 0.25 0.2 0.3\n" +          // car: centre (40, 25) / (200, 100), size 40 × 30
            "1 0.475 0.6 0.05 0.2\n" +        // turned person: box x 90..100, y 50..70
            "2 0.5 0.8 1 0.4\n",              // road: box x 0..200, y 60..100
            files["labels/street 1.txt"]);
        Assert.Equal(
            "0 0.1 0.1 0.3 0.1 0.3 0.4 0.1 0.4\n" +
            "1 0.5 0.5 0.5 0.7 0.45 0.7 0.45 0.5\n" +
            "2 0 1 1 1 0.5 0.6\n",
            files["labels-seg/street 1.txt"]);
        Assert.Equal("0 0.1 0.1 0.3 0.1 0.3 0.4 0.1 0.4\n1 0.5 0.5 0.5 0.7 0.45 0.7 0.45 0.5\n", files["labels-obb/street 1.txt"]);
        Assert.Contains("names:\n  0: \"car\"\n  1: \"person\"\n  2: \"road\"\n", files["data.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VocWritesOneBasedWholePixelBoxes()
    {
        var (files, problems) = await ZipAsync(ExportFormat.Voc,
            Image(7, "media/7", "街景.jpg", 200, 100,
                """{ "boxes": [ { "id": "a", "label": "car", "x": 19.6, "y": 10.2, "width": 40, "height": 30 }, { "id": "e", "label": "person", "x": 190, "y": 90, "width": 30, "height": 30 } ] }"""));

        Assert.Empty(problems);
        Assert.Equal("街景\n", files["ImageSets/Main/default.txt"]);
        var doc = XElement.Parse(files["Annotations/街景.xml"]);
        Assert.Equal("街景.jpg", doc.Element("filename")!.Value);
        Assert.Equal(("200", "100"), (doc.Element("size")!.Element("width")!.Value, doc.Element("size")!.Element("height")!.Value));
        var objects = doc.Elements("object").ToList();
        // x 19.6..59.6 → xmin ⌊19.6⌋ + 1 = 20, xmax ⌈59.6⌉ = 60; y 10.2..40.2 → 11, 41.
        Assert.Equal(["car", "20", "11", "60", "41", "0"], Fields(objects[0]));
        // Past the right and bottom edges: clamped to 200 × 100 and marked truncated.
        Assert.Equal(["person", "191", "91", "200", "100", "1"], Fields(objects[1]));

        static string[] Fields(XElement o)
        {
            var box = o.Element("bndbox")!;
            return [o.Element("name")!.Value, box.Element("xmin")!.Value, box.Element("ymin")!.Value, box.Element("xmax")!.Value, box.Element("ymax")!.Value, o.Element("truncated")!.Value];
        }
    }

    [Fact]
    public async Task SameNamesTakeTheTaskIdAndUnknownSizesAreReported()
    {
        var unknown = new ExportTask(3, null, """{"image":"x/c.jpg"}""", "done", []);
        var (files, problems) = await ZipAsync(ExportFormat.Yolo,
            Image(1, "a/cat.jpg", "cat.jpg", 10, 10), Image(2, "b/cat.jpg", "cat.jpg", 10, 10), unknown);

        Assert.Contains("labels/cat.txt", files.Keys);
        Assert.Contains("labels/cat_2.txt", files.Keys);
        Assert.Equal("", files["labels/cat.txt"]); // no regions: a negative example, still listed
        Assert.Equal("the size of image 'x/c.jpg' is unknown", Assert.Single(problems).Message);
    }
}
