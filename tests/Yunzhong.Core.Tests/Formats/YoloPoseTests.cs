using System.Diagnostics;
using System.IO.Compression;
using Xunit.Abstractions;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>YOLO pose labels, checked against numbers worked out by hand and read back by a separate Python reader.</summary>
public class YoloPoseTests(ITestOutputHelper output)
{
    private const string Schema = """
        { "fields": [ { "name": "image", "type": "image" } ],
          "controls": [
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "person", "car" ] },
            { "name": "pose", "type": "keypoints", "field": "image", "labels": [ "nose", "left_eye", "right_eye" ] } ] }
        """;

    // A 200 × 100 image. Boxes: p1 person (10, 10) 40 × 60; p2 car (100, 20) 50 × 50; big person (0, 0) 190 × 95.
    // Points: n1 nose and e1 right eye in p1 (the smallest box holding them, not big); n1b a second nose in p1;
    // n2 nose in p2; l1 left eye in big only; o1 inside no box.
    private const string Result = """
        { "boxes": [ { "id": "p1", "label": "person", "x": 10, "y": 10, "width": 40, "height": 60 },
                     { "id": "p2", "label": "car", "x": 100, "y": 20, "width": 50, "height": 50 },
                     { "id": "big", "label": "person", "x": 0, "y": 0, "width": 190, "height": 95 } ],
          "pose": [ { "id": "n1", "label": "nose", "x": 20, "y": 20 }, { "id": "e1", "label": "right_eye", "x": 30, "y": 15 },
                    { "id": "n1b", "label": "nose", "x": 25, "y": 25 }, { "id": "n2", "label": "nose", "x": 120, "y": 30 },
                    { "id": "l1", "label": "left_eye", "x": 180, "y": 90 }, { "id": "o1", "label": "nose", "x": 195, "y": 98 } ] }
        """;

    private static async Task<(byte[] Zip, IReadOnlyList<ExportProblem> Problems)> ExportAsync()
    {
        var task = new ExportTask(4, null, """{"image":"media/4"}""", "done",
            [new ExportAnnotation(40, "li", Result, new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero), null, 1, null, true)],
            new Dictionary<string, MediaInfo> { ["media/4"] = new("people.jpg", "image/jpeg", 200, 100) });
        var stream = new MemoryStream();
        var writer = ExportWriter.Create(ExportFormat.Yolo, stream, Json(Schema), new ExportOptions());
        await writer.WriteTaskAsync(task, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        return (stream.ToArray(), writer.Problems);
    }

    [Fact]
    public async Task PoseLinesAreBoxesWithTheirKeypointsInNameOrder()
    {
        var (bytes, problems) = await ExportAsync();
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var files = zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());

        Assert.Equal(["data.yaml", "labels-obb/people.txt", "labels-pose/people.txt", "labels/people.txt"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            "0 0.15 0.4 0.2 0.6 0.1 0.2 2 0 0 0 0.15 0.15 2\n" +        // p1: centre (30, 40); nose (20, 20), no left eye, right eye (30, 15)
            "1 0.625 0.45 0.25 0.5 0.6 0.3 2 0 0 0 0 0 0\n" +            // p2: centre (125, 45); nose (120, 30)
            "0 0.475 0.475 0.95 0.95 0 0 0 0.9 0.9 2 0 0 0\n",           // big: centre (95, 47.5); left eye (180, 90)
            files["labels-pose/people.txt"]);
        Assert.Contains("kpt_shape: [3, 3]\n", files["data.yaml"], StringComparison.Ordinal);
        Assert.Contains("# keypoints: \"nose\", \"left_eye\", \"right_eye\"\n", files["data.yaml"], StringComparison.Ordinal);
        Assert.Equal(
            ["pose: a second 'nose' point ('n1b') in one box was left out", "pose: 1 point(s) inside no box were left out of the pose labels (o1)"],
            problems.Select(p => p.Message));
    }

    [Fact]
    public async Task NoKeypointsControlWritesNoPoseFiles()
    {
        var stream = new MemoryStream();
        var writer = ExportWriter.Create(ExportFormat.Yolo, stream, Json("""
            { "fields": [ { "name": "image", "type": "image" } ], "controls": [ { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "a" ] } ] }
            """), new ExportOptions());
        await writer.WriteTaskAsync(new ExportTask(1, null, """{"image":"m/1"}""", "done", [], new Dictionary<string, MediaInfo> { ["m/1"] = new("a.jpg", "image/jpeg", 10, 10) }), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        using var zip = new ZipArchive(new MemoryStream(stream.ToArray()), ZipArchiveMode.Read);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("labels-pose/", StringComparison.Ordinal));
        Assert.DoesNotContain("kpt_shape", new StreamReader(zip.GetEntry("data.yaml")!.Open()).ReadToEnd(), StringComparison.Ordinal);
    }

    // A reader written apart from the exporter, checking what Ultralytics' label check (verify_image_label)
    // checks for pose: 5 + K·3 columns per line (K from kpt_shape), a class named in data.yaml, box and
    // keypoint coordinates within 0–1, visibility 0, 1 or 2, an unlabelled point at 0 0. Ultralytics
    // itself cannot be installed here (not packaged for this machine, and its package index is out of reach).
    private const string Script = """
        import sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        names, kpt = {}, None
        section = None
        for line in z.read("data.yaml").decode("utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("kpt_shape:"):
                kpt = [int(v) for v in line.split(":", 1)[1].strip(" []").split(",")]
            elif line.startswith("names:"):
                section = "names"
            elif line.startswith("  ") and section == "names":
                k, v = line.strip().split(":", 1)
                names[int(k)] = v.strip().strip('"')
            else:
                section = None
        assert kpt is not None and kpt[1] == 3, kpt
        K = kpt[0]
        out = []
        for n in sorted(z.namelist()):
            if not n.startswith("labels-pose/"):
                continue
            for row in z.read(n).decode("utf-8").splitlines():
                v = [float(x) for x in row.split()]
                assert len(v) == 5 + K * 3, (n, len(v))
                assert int(v[0]) == v[0] and int(v[0]) in names, v[0]
                assert all(0 <= x <= 1 for x in v[1:5])
                kp = [v[5 + 3 * i: 8 + 3 * i] for i in range(K)]
                for x, y, vis in kp:
                    assert vis in (0, 1, 2) and 0 <= x <= 1 and 0 <= y <= 1
                    assert vis > 0 or (x == 0 and y == 0)
                out.append("%s:%d" % (names[int(v[0])], sum(1 for p in kp if p[2] > 0)))
        print(K, " ".join(out))
        """;

    [Fact]
    public async Task PoseLabelsReadBackInPython()
    {
        var (bytes, _) = await ExportAsync();
        var dir = Directory.CreateTempSubdirectory("yz-pose-");
        try
        {
            var file = Path.Combine(dir.FullName, "yolo.zip");
            var script = Path.Combine(dir.FullName, "read.py");
            await File.WriteAllBytesAsync(file, bytes);
            await File.WriteAllTextAsync(script, Script);
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("python3", [script, file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                output.WriteLine("python3 is not on this machine; the pose labels were not read back.");
                return;
            }

            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stderr);
            // Three keypoints per instance; p1 has two placed, p2 one, big one.
            Assert.Equal("3 person:2 car:1 person:1", stdout.Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
