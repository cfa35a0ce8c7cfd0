using System.Diagnostics;
using Xunit.Abstractions;
using Yunzhong.Core.Formats;

namespace Yunzhong.Core.Tests.Formats;

public class CocoPythonTests(ITestOutputHelper output)
{
    // Loads the file with pycocotools when the machine has it. Without it (no Debian release
    // packages pycocotools, and PyPI is out of reach here), a stand-in builds the same indexes COCO.createIndex builds, so the
    // structure is still checked by an independent reader; the loader used is printed.
    private const string Script = """
        import json, sys
        try:
            from pycocotools.coco import COCO
            loader = "pycocotools"
        except ImportError:
            loader = "stand-in"
            class COCO:
                def __init__(self, path):
                    with open(path, encoding="utf-8") as f:
                        self.dataset = json.load(f)
                    d = self.dataset
                    assert isinstance(d, dict)
                    self.imgs = {i["id"]: i for i in d["images"]}
                    self.cats = {c["id"]: c for c in d["categories"]}
                    self.anns = {}
                    self.imgToAnns = {i: [] for i in self.imgs}
                    for a in d["annotations"]:
                        assert a["id"] not in self.anns
                        assert a["image_id"] in self.imgs and a["category_id"] in self.cats
                        assert len(a["bbox"]) == 4 and a["area"] >= 0 and a["iscrowd"] in (0, 1)
                        assert isinstance(a["segmentation"], list)
                        for poly in a["segmentation"]:
                            assert len(poly) >= 6 and len(poly) % 2 == 0
                        if "keypoints" in a:
                            assert len(a["keypoints"]) == 3 * a["num_keypoints"]
                        self.anns[a["id"]] = a
                        self.imgToAnns[a["image_id"]].append(a)
                def getImgIds(self): return list(self.imgs)
                def getCatIds(self): return list(self.cats)
                def getAnnIds(self, imgIds=None):
                    if imgIds is None: return list(self.anns)
                    return [a["id"] for i in imgIds for a in self.imgToAnns[i]]
                def loadCats(self, ids): return [self.cats[i] for i in ids]
                def loadAnns(self, ids): return [self.anns[i] for i in ids]
        coco = COCO(sys.argv[1])
        areas = sorted(float(a["area"]) for a in coco.loadAnns(coco.getAnnIds(imgIds=[12])))
        print(loader, len(coco.getImgIds()), len(coco.getAnnIds()), len(coco.getCatIds()),
              len(coco.getAnnIds(imgIds=[11])), coco.loadCats([3])[0]["name"], areas)
        """;

    [Fact]
    public async Task CocoExportLoadsInPython()
    {
        var text = await ExportTests.ExportAsync(ExportFormat.Coco, ExportTests.CocoSample());
        var dir = Directory.CreateTempSubdirectory("yz-coco-");
        try
        {
            var json = Path.Combine(dir.FullName, "coco.json");
            var script = Path.Combine(dir.FullName, "load.py");
            await File.WriteAllTextAsync(json, text);
            await File.WriteAllTextAsync(script, Script);

            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("python3", [script, json])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                output.WriteLine("python3 is not on this machine; COCO loading was not checked.");
                return;
            }

            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            output.WriteLine(stdout + stderr);

            Assert.True(process.ExitCode == 0, stderr);
            var parts = stdout.Trim().Split(' ', 7);
            Assert.Contains(parts[0], new[] { "pycocotools", "stand-in" });
            // 2 images, 5 annotations (3 on image 11, 2 on image 12), 3 categories, category 3 is the keypoints control.
            Assert.Equal(["2", "5", "3", "3", "joints"], parts[1..6]);
            Assert.Equal("[12.0, 200.0]", parts[6]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
