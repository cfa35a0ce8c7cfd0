using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Yunzhong.Server.Tests.Exports;

public abstract class ExportTests<TFixture>(TFixture fx, ITestOutputHelper output) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _imageSchema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[]
        {
            new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "horse", "person" } },
            new { name = "shapes", type = "polygons", field = "image", labels = new[] { "horse" } },
            new { name = "joints", type = "keypoints", field = "image", labels = new[] { "nose" } },
        },
    };

    private async Task<(Org Org, Person Manager, Person Annotator, long Project)> ProjectAsync(
        object? schema = null, ReviewPolicy review = ReviewPolicy.None, string? tasksJsonl = null, IEnumerable<string>? texts = null,
        params (string Name, byte[] Bytes)[] media)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, schema, review: review);
        if (media.Length > 0)
        {
            await manager.Http.UploadOkAsync(project, media); // before the tasks that name them by media:
        }
        if (tasksJsonl is not null)
        {
            using var r = await TestData.ImportRawAsync(manager.Http, project, tasksJsonl);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        else
        {
            await TestData.ImportAsync(manager.Http, project, texts ?? []);
        }
        return (org, manager, await org.PersonAsync(Roles.Annotator), project);
    }

    private static List<JsonElement> Lines(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();

    private static string FirstLabel(JsonElement annotation) => annotation.GetProperty("result").GetProperty("label")[0].GetString()!;

    [Fact]
    public async Task ARunningExportWhoseWorkerWentQuietIsTakenOverAndFinished()
    {
        var (_, manager, annotator, project) = await ProjectAsync(texts: ["一", "二"]);
        await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        // A job some server claimed and then died on: running, last heartbeat long ago.
        var id = await fx.QueryScalarAsync<long>(
            """
            INSERT INTO exports (project_id, requested_by, format, options_json, status, created_at, heartbeat_at)
            VALUES (@project, @user, 'jsonl', '{"States":[],"FromMs":null,"ToMs":null,"History":false}', 'running', 0, 0) RETURNING id
            """, new { project, user = manager.Id });
        fx.Services.GetRequiredService<Yunzhong.Server.Features.Exports.ExportWorker>().Wake();
        ExportView? job = null;
        for (var i = 0; i < 100; i++)
        {
            job = await manager.Http.GetOkAsync<ExportView>($"api/exports/{id}");
            if (job.Status is ExportStatus.Done or ExportStatus.Incomplete or ExportStatus.Failed)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(ExportStatus.Done, job!.Status);
        Assert.Equal(2, job.Rows);
    }

    [Fact]
    public async Task JsonLinesCarryEachTaskWithItsSubmittedAnnotations()
    {
        var (_, manager, annotator, project) = await ProjectAsync(texts: ["好吃 😋", "太贵了", "一般般"]);
        var labels = new[] { "pos", "neg", "neu" };
        var tasks = new List<long>();
        foreach (var label in labels)
        {
            tasks.Add((await annotator.AnnotateAsync(project, new { label = new[] { label } }, leadTimeSeconds: 4.5)).Task);
        }
        var (job, text) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        Assert.Equal(3, job.Rows);
        var lines = Lines(text);
        Assert.Equal(tasks, lines.Select(l => l.GetProperty("id").GetInt64()));
        Assert.Equal(["k0", "k1", "k2"], lines.Select(l => l.GetProperty("key").GetString()!));
        Assert.Equal(["好吃 😋", "太贵了", "一般般"], lines.Select(l => l.GetProperty("data").GetProperty("text").GetString()!));
        Assert.All(lines, l => Assert.Equal("annotated", l.GetProperty("state").GetString()));
        var annotations = lines.Select(l => Assert.Single(l.GetProperty("annotations").EnumerateArray())).ToList();
        Assert.Equal(labels, annotations.Select(FirstLabel));
        Assert.All(annotations, a => Assert.Equal(4.5, a.GetProperty("lead_time").GetDouble()));
        Assert.All(annotations, a => Assert.True(a.GetProperty("final").GetBoolean()));
    }

    [Fact]
    public async Task LabelStudioExportConvertsResultsAndPredictionsToLabelStudioShape()
    {
        var (_, manager, annotator, project) = await ProjectAsync(TestData.SpanSchema, tasksJsonl:
            """{"key":"n1","data":{"text":"我在👍北京"},"predictions":[{"model":"ner-1","score":0.9,"result":{"entities":[{"id":"p1","start":3,"end":5,"label":"LOC","text":"北京"}]}}]}""");
        await annotator.AnnotateAsync(project, new { entities = new[] { new { id = "s1", start = 3, end = 5, label = "LOC", text = "北京" } } });
        var (_, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        var task = Assert.Single(JsonSerializer.Deserialize<JsonElement>(text).EnumerateArray());
        Assert.Equal("n1", task.GetProperty("meta").GetProperty("key").GetString());
        Assert.Equal("我在👍北京", task.GetProperty("data").GetProperty("text").GetString());
        var region = Assert.Single(Assert.Single(task.GetProperty("annotations").EnumerateArray()).GetProperty("result").EnumerateArray());
        Assert.Equal("entities", region.GetProperty("from_name").GetString());
        Assert.Equal("text", region.GetProperty("to_name").GetString());
        Assert.Equal("labels", region.GetProperty("type").GetString());
        // Label Studio counts UTF-16 units: the emoji before 北京 takes two.
        Assert.Equal((4, 6), (region.GetProperty("value").GetProperty("start").GetInt32(), region.GetProperty("value").GetProperty("end").GetInt32()));
        Assert.Equal(["LOC"], region.GetProperty("value").GetProperty("labels").Strings());

        // The pre-annotation travels too, converted the same way, so the export imports back whole.
        var prediction = Assert.Single(task.GetProperty("predictions").EnumerateArray());
        Assert.Equal("ner-1", prediction.GetProperty("model_version").GetString());
        Assert.Equal(0.9, prediction.GetProperty("score").GetDouble());
        var predicted = Assert.Single(prediction.GetProperty("result").EnumerateArray());
        Assert.Equal((4, 6), (predicted.GetProperty("value").GetProperty("start").GetInt32(), predicted.GetProperty("value").GetProperty("end").GetInt32()));
        var (_, jsonl) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var line = Assert.Single(Lines(jsonl));
        var native = Assert.Single(line.GetProperty("predictions").EnumerateArray());
        Assert.Equal("ner-1", native.GetProperty("model").GetString());
        Assert.Equal(3, native.GetProperty("result").GetProperty("entities")[0].GetProperty("start").GetInt32());
    }

    /// <summary>RFC 4180 fields, enough to read back what the exporter wrote.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row);
                    row = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        return rows;
    }

    [Fact]
    public async Task CsvHasOneRowPerAnnotationWithChoiceColumns()
    {
        var (_, manager, annotator, project) = await ProjectAsync(texts: ["他说：\"好\", 然后走了", "第二\n行"]);
        await annotator.AnnotateAsync(project, new { label = new[] { "neg" } });
        await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        var name = (await annotator.Http.GetOkAsync<MeResponse>("api/me")).Name;
        var (job, text) = await manager.Http.ExportAsync(project, new { format = "csv" });
        // A UTF-8 byte order mark, so spreadsheet programs read the Chinese right (the text decoder drops it).
        var bytes = await manager.Http.GetByteArrayAsync(job.DownloadUrl!.TrimStart('/'));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var rows = ParseCsv(text.TrimStart('\uFEFF'));
        Assert.Equal(["id", "key", "text", "annotator", "label"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["k0", "他说：\"好\", 然后走了", name, "neg"], rows[1][1..]);
        Assert.Equal(["k1", "第二\n行", name, "pos"], rows[2][1..]);
    }

    /// <summary>Read back by hyparquet, a Parquet reader written apart from the one that wrote the file
    /// (installed with the web client's packages, which the test command installs first).</summary>
    private const string ParquetScript = """
        import { readFileSync } from 'node:fs';
        const { parquetReadObjects, parquetMetadata } = await import(process.argv[3]);
        const bytes = readFileSync(process.argv[2]);
        const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        const rows = await parquetReadObjects({ file });
        const columns = parquetMetadata(file).schema.slice(1).map((c) => c.name);
        console.log(JSON.stringify({ columns, rows }, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
        """;

    [Fact]
    public async Task ParquetCarriesTheCsvColumnsTypedAndEachResultAsReadByAnIndependentReader()
    {
        var (_, manager, annotator, project) = await ProjectAsync(texts: ["好吃 😋", "太贵了", "没人标"]);
        var first = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } }, leadTimeSeconds: 4.5);
        await annotator.AnnotateAsync(project, new { label = new[] { "neg" } });
        var name = (await annotator.Http.GetOkAsync<MeResponse>("api/me")).Name;

        var (job, bytes) = await manager.Http.ExportFileAsync(project, new { format = "parquet" });
        Assert.Equal((ExportStatus.Done, (string?)null, 3L), (job.Status, job.Error, job.Rows));
        Assert.EndsWith("-parquet.parquet", job.FileName, StringComparison.Ordinal);
        var read = await RunNodeAsync(ParquetScript, bytes);

        Assert.Equal(["id", "key", "text", "annotator", "label", "result", "created_at", "lead_time"], read.GetProperty("columns").Strings());
        var rows = read.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(first.Task, rows[0].GetProperty("id").GetInt64());
        Assert.Equal(["k0", "k1", "k2"], rows.Select(r => r.GetProperty("key").GetString()!));
        Assert.Equal(["好吃 😋", "太贵了", "没人标"], rows.Select(r => r.GetProperty("text").GetString()!));
        Assert.Equal([name, name, null], rows.Select(r => r.GetProperty("annotator").GetString()));
        Assert.Equal(["pos", "neg", null], rows.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal("""{"label":["pos"]}""", rows[0].GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("result").ValueKind);
        Assert.Equal(4.5, rows[0].GetProperty("lead_time").GetDouble());
        // A timestamp column: hyparquet gives it as a date, written to JSON in UTC.
        Assert.True(DateTimeOffset.TryParse(rows[0].GetProperty("created_at").GetString(), out var at));
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    private async Task<JsonElement> RunNodeAsync(string script, byte[] input)
    {
        var web = new DirectoryInfo(AppContext.BaseDirectory);
        while (web is not null && !File.Exists(Path.Combine(web.FullName, "web", "package.json")))
        {
            web = web.Parent;
        }
        var reader = Path.Combine(web?.FullName ?? "", "web", "node_modules", "hyparquet", "src", "index.js");
        Assert.True(File.Exists(reader), $"{reader} is missing: run npm ci in web/ (the test command does).");
        var dir = Directory.CreateTempSubdirectory("yz-node-");
        try
        {
            var file = Path.Combine(dir.FullName, "input.bin");
            var path = Path.Combine(dir.FullName, "read.mjs");
            await File.WriteAllBytesAsync(file, input);
            await File.WriteAllTextAsync(path, script);
            using var node = Process.Start(new ProcessStartInfo("node", [path, file, new Uri(reader).AbsoluteUri]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = await node.StandardOutput.ReadToEndAsync();
            var stderr = await node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            output.WriteLine(stdout + stderr);
            Assert.True(node.ExitCode == 0, stderr);
            return JsonSerializer.Deserialize<JsonElement>(stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ConllTagsEveryHanCharacterWithBio()
    {
        var (_, manager, annotator, project) = await ProjectAsync(TestData.SpanSchema, tasksJsonl: """{"data":{"text":"张三在北京工作。"}}""");
        await annotator.AnnotateAsync(project, new
        {
            entities = new[] { new { id = "s1", start = 0, end = 2, label = "PER" }, new { id = "s2", start = 3, end = 5, label = "LOC" } },
        });
        var (_, text) = await manager.Http.ExportAsync(project, new { format = "conll" });
        var lines = text.Split('\n').Where(l => l.Length > 0).ToArray();
        Assert.Equal(["张\tB-PER", "三\tI-PER", "在\tO", "北\tB-LOC", "京\tI-LOC", "工\tO", "作\tO", "。\tO"], lines);
    }

    // pycocotools when the machine has it; Debian 12 ships none, so otherwise a stand-in builds the
    // indexes COCO.createIndex builds and checks references between them. The loader is printed.
    private const string CocoScript = """
        import json, sys
        try:
            from pycocotools.coco import COCO
            loader = "pycocotools"
        except ImportError:
            loader = "stand-in"
            class COCO:
                def __init__(self, path):
                    with open(path, encoding="utf-8") as f:
                        d = json.load(f)
                    self.imgs = {i["id"]: i for i in d["images"]}
                    self.cats = {c["id"]: c for c in d["categories"]}
                    self.anns = {}
                    for a in d["annotations"]:
                        assert a["id"] not in self.anns
                        assert a["image_id"] in self.imgs and a["category_id"] in self.cats
                        assert len(a["bbox"]) == 4 and a["area"] >= 0 and a["iscrowd"] in (0, 1)
                        for poly in a["segmentation"]:
                            assert len(poly) >= 6 and len(poly) % 2 == 0
                        self.anns[a["id"]] = a
                def getImgIds(self): return list(self.imgs)
                def getCatIds(self): return list(self.cats)
                def getAnnIds(self, imgIds=None):
                    return [a["id"] for a in self.anns.values() if imgIds is None or a["image_id"] in imgIds]
                def loadImgs(self, ids): return [self.imgs[i] for i in ids]
                def loadCats(self, ids): return [self.cats[i] for i in ids]
                def loadAnns(self, ids): return [self.anns[i] for i in ids]
        coco = COCO(sys.argv[1])
        out = {"loader": loader, "images": len(coco.getImgIds()), "annotations": len(coco.getAnnIds()), "categories": len(coco.getCatIds()),
               "cats": [c["name"] for c in coco.loadCats(sorted(coco.getCatIds()))],
               "imgs": {i["file_name"]: [i["width"], i["height"], len(coco.getAnnIds(imgIds=[i["id"]]))] for i in coco.loadImgs(coco.getImgIds())},
               "bboxes": sorted(a["bbox"] for a in coco.loadAnns(coco.getAnnIds()))}
        print(json.dumps(out))
        """;

    [Fact]
    public async Task CocoExportOfAnImageProjectLoadsInACocoReader()
    {
        var (org, manager, annotator, project) = await ProjectAsync(_imageSchema, tasksJsonl: "{\"data\":{\"image\":\"media:horse.png\"}}\n{\"data\":{\"image\":\"media:camera.jpg\"}}",
            media: [("horse.png", Api.DemoFile("photos/media/horse.png")), ("camera.jpg", Api.DemoFile("photos/media/camera.jpg"))]);
        await annotator.AnnotateAsync(project, new
        {
            boxes = new[] { new { id = "r1", label = "horse", x = 10, y = 20, width = 300, height = 200 }, new { id = "r2", label = "person", x = 0, y = 0, width = 5, height = 6 } },
            shapes = new[] { new { id = "p1", label = "horse", points = new[] { new[] { 10.0, 20 }, new[] { 310.0, 20 }, new[] { 160.0, 220 } } } },
            joints = new[] { new { id = "k1", label = "nose", x = 50.0, y = 60.0 } },
        });
        await annotator.AnnotateAsync(project, new { boxes = new[] { new { id = "r1", label = "person", x = 100, y = 50, width = 200, height = 400 } } });

        var (job, bytes) = await manager.Http.ExportFileAsync(project, new { format = "coco" });
        Assert.Null(job.Error);
        var loaded = await RunPythonAsync(CocoScript, bytes, ".json");
        Assert.Equal(2, loaded.GetProperty("images").GetInt32());
        Assert.Equal(5, loaded.GetProperty("annotations").GetInt32());
        Assert.Equal(3, loaded.GetProperty("categories").GetInt32());
        Assert.Equal(["horse", "person", "joints"], loaded.GetProperty("cats").Strings());
        Assert.Equal([400, 328, 4], loaded.GetProperty("imgs").GetProperty("horse.png").EnumerateArray().Select(n => n.GetInt32()));
        Assert.Equal([512, 512, 1], loaded.GetProperty("imgs").GetProperty("camera.jpg").EnumerateArray().Select(n => n.GetInt32()));
        // Boxes as [x, y, w, h]; the polygon's box spans its points; the nose is an instance in the horse's box.
        Assert.Equal("[[0,0,5,6],[10,20,300,200],[10,20,300,200],[10,20,300,200],[100,50,200,400]]",
            loaded.GetProperty("bboxes").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace(".0", "", StringComparison.Ordinal));
    }

    // Python's own zip and XML readers, not ours: what a training script would do with the files.
    private const string ImageArchiveScript = """
        import json, sys, zipfile, xml.etree.ElementTree as ET
        out = {}
        with zipfile.ZipFile(sys.argv[1]) as z:
            assert z.testzip() is None
            out["names"] = sorted(z.namelist())
            for n in z.namelist():
                if n.endswith(".txt") and n.startswith("labels"):
                    out[n] = [[float(v) for v in line.split()] for line in z.read(n).decode("utf-8").splitlines()]
                elif n.endswith(".xml"):
                    root = ET.fromstring(z.read(n))
                    out[n] = {"file": root.findtext("filename"), "size": [int(root.findtext("size/width")), int(root.findtext("size/height"))],
                              "objects": [[o.findtext("name")] + [int(o.findtext("bndbox/" + k)) for k in ("xmin", "ymin", "xmax", "ymax")] for o in root.iter("object")]}
        print(json.dumps(out))
        """;

    [Fact]
    public async Task YoloAndVocZipsLoadInPythonsReaders()
    {
        var (_, manager, annotator, project) = await ProjectAsync(_imageSchema, tasksJsonl: "{\"data\":{\"image\":\"media:horse.png\"}}",
            media: ("horse.png", Api.DemoFile("photos/media/horse.png")));
        await annotator.AnnotateAsync(project, new
        {
            boxes = new[] { new { id = "r1", label = "horse", x = 10, y = 20, width = 300, height = 200 } },
            shapes = new[] { new { id = "p1", label = "horse", points = new[] { new[] { 0.0, 0 }, new[] { 400.0, 0 }, new[] { 200.0, 328 } } } },
        });

        var loaded = new Dictionary<string, JsonElement>();
        foreach (var format in new[] { "yolo", "voc" })
        {
            var (job, bytes) = await manager.Http.ExportFileAsync(project, new { format });
            Assert.Equal((ExportStatus.Done, (string?)null), (job.Status, job.Error));
            Assert.EndsWith($"-{format}.zip", job.FileName, StringComparison.Ordinal);
            loaded[format] = await RunPythonAsync(ImageArchiveScript, bytes, ".zip");
        }

        // horse.png is 400 × 328: the box's centre (160, 120), size 300 × 200; the triangle spans the image.
        var yolo = loaded["yolo"];
        // The schema's keypoints control adds pose labels: the box with its one keypoint, not placed.
        Assert.Equal(["data.yaml", "labels-obb/horse.txt", "labels-pose/horse.txt", "labels-seg/horse.txt", "labels/horse.txt"], yolo.GetProperty("names").Strings());
        Assert.Equal([0, 0.4, 0.3659, 0.75, 0.6098, 0, 0, 0], yolo.GetProperty("labels-pose/horse.txt")[0].EnumerateArray().Select(v => Math.Round(v.GetDouble(), 4)));
        var lines = yolo.GetProperty("labels/horse.txt").EnumerateArray().Select(l => l.EnumerateArray().Select(v => Math.Round(v.GetDouble(), 4)).ToArray()).ToList();
        Assert.Equal([0, 0.4, 0.3659, 0.75, 0.6098], lines[0]);
        Assert.Equal([0, 0.5, 0.5, 1, 1], lines[1]);
        var voc = loaded["voc"].GetProperty("Annotations/horse.xml");
        Assert.Equal("horse.png", voc.GetProperty("file").GetString());
        Assert.Equal([400, 328], voc.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("""[["horse",11,21,310,220],["horse",1,1,400,328]]""", voc.GetProperty("objects").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    private async Task<JsonElement> RunPythonAsync(string script, byte[] input, string extension)
    {
        var dir = Directory.CreateTempSubdirectory("yz-py-");
        try
        {
            var file = Path.Combine(dir.FullName, "input" + extension);
            var path = Path.Combine(dir.FullName, "read.py");
            await File.WriteAllBytesAsync(file, input);
            await File.WriteAllTextAsync(path, script);
            using var python = Process.Start(new ProcessStartInfo("python3", [path, file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = await python.StandardOutput.ReadToEndAsync();
            var stderr = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            output.WriteLine(stdout + stderr);
            Assert.True(python.ExitCode == 0, stderr);
            return JsonSerializer.Deserialize<JsonElement>(stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StateFilterExportsOnlyTasksInThatState()
    {
        var (org, manager, annotator, project) = await ProjectAsync(review: ReviewPolicy.All, texts: ["a", "b", "c"]);
        var done = new List<(long Task, long Annotation)>();
        for (var i = 0; i < 3; i++)
        {
            done.Add(await annotator.AnnotateAsync(project, new { label = new[] { "pos" } }));
        }
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{done[1].Annotation}/review", new { action = "accept" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var (_, accepted) = await manager.Http.ExportAsync(project, new { format = "jsonl", state = "accepted" });
        Assert.Equal([done[1].Task], Lines(accepted).Select(l => l.GetProperty("id").GetInt64()));
        var (_, inReview) = await manager.Http.ExportAsync(project, new { format = "jsonl", state = "in_review" });
        Assert.Equal([done[0].Task, done[2].Task], Lines(inReview).Select(l => l.GetProperty("id").GetInt64()));
        var (_, both) = await manager.Http.ExportAsync(project, new { format = "jsonl", state = "accepted,in_review" });
        Assert.Equal(3, Lines(both).Count);
    }

    [Fact]
    public async Task DateFilterExportsTasksLastChangedInTheRange()
    {
        var (_, manager, annotator, project) = await ProjectAsync(texts: ["early", "late"]);
        var (early, _) = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        var cut = fx.Time.GetUtcNow().AddDays(1);
        fx.Time.Advance(TimeSpan.FromDays(2));
        var (late, _) = await annotator.AnnotateAsync(project, new { label = new[] { "neg" } });

        var (_, after) = await manager.Http.ExportAsync(project, new { format = "jsonl", from = cut });
        Assert.Equal([late], Lines(after).Select(l => l.GetProperty("id").GetInt64()));
        var (_, before) = await manager.Http.ExportAsync(project, new { format = "jsonl", to = cut });
        Assert.Equal([early], Lines(before).Select(l => l.GetProperty("id").GetInt64()));
        using var backwards = await manager.Http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "jsonl", from = cut, to = cut.AddDays(-1) });
        Assert.Equal(["to"], (await backwards.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
    }

    [Fact]
    public async Task HistoryIncludesSupersededVersions()
    {
        var (org, manager, annotator, project) = await ProjectAsync(review: ReviewPolicy.All, texts: ["修改过的"]);
        var (task, original) = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{original}/review", new { action = "fix", result = new { label = new[] { "neg" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var (_, plain) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var final = Assert.Single(Assert.Single(Lines(plain)).GetProperty("annotations").EnumerateArray());
        Assert.Equal(("neg", 2), (FirstLabel(final), final.GetProperty("version").GetInt32()));

        var (_, history) = await manager.Http.ExportAsync(project, new { format = "jsonl", history = true });
        var line = Assert.Single(Lines(history));
        Assert.Equal(task, line.GetProperty("id").GetInt64());
        var versions = line.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(["pos", "neg"], versions.Select(FirstLabel));
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([false, true], versions.Select(v => v.GetProperty("final").GetBoolean()));
        Assert.Equal(["superseded", "accepted"], versions.Select(v => v.GetProperty("review").GetString()!));
    }

    [Fact]
    public async Task ExportRequestsAreCheckedAndListed()
    {
        var (org, manager, _, project) = await ProjectAsync(texts: ["x"]);
        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "xlsx" }))
        {
            Assert.Equal(["format"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "jsonl", state = "finished" }))
        {
            Assert.Equal(["state"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        var annotator = await org.PersonAsync(Roles.Annotator);
        using (var r = await annotator.Http.PostAsJsonAsync($"api/projects/{project}/exports", new { format = "jsonl" }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var (job, _) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var entry = Assert.Single(await manager.Http.GetOkAsync<List<ExportView>>($"api/projects/{project}/exports"));
        Assert.Equal((job.Id, ExportStatus.Done, 1L), (entry.Id, entry.Status, entry.TotalRows));
    }
}

public sealed class SqliteExportTests(SqliteFixture fx, ITestOutputHelper output) : ExportTests<SqliteFixture>(fx, output);

public sealed class PostgresExportTests(PostgresFixture fx, ITestOutputHelper output) : ExportTests<PostgresFixture>(fx, output);

public sealed class PostgresS3ExportTests(PostgresS3Fixture fx, ITestOutputHelper output) : ExportTests<PostgresS3Fixture>(fx, output);
