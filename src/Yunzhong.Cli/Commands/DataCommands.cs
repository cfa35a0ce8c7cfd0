using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Yunzhong.Server.Features;
using Yunzhong.Server.Features.Exports;
using Yunzhong.Server.Features.Imports;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Features.Stats;

namespace Yunzhong.Cli.Commands;

/// <summary>`yz import`, `yz export`, `yz stats`: scripted work against a running server.</summary>
internal static class DataCommands
{
    private static readonly string[] _taskExtensions = [".jsonl", ".ndjson", ".json", ".csv", ".tsv"];

    /// <summary>Task files (JSONL, JSON, CSV, TSV, Label Studio JSON) are imported; images, audio and zips are uploaded as media.</summary>
    public static async Task<int> ImportAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        if (args.Positional.Count == 0)
        {
            throw new CliException("give one or more files to import");
        }
        using var api = Api.FromArgs(args);
        var media = args.Positional.Where(f => !_taskExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
        if (media.Count > 0)
        {
            var files = media.Select(f => new FileInfo(f)).ToList();
            if (files.FirstOrDefault(f => !f.Exists) is { } missing)
            {
                throw new CliException($"no such file: {missing}");
            }
            var total = files.Sum(f => f.Length);
            var progress = new Progress($"upload {files.Count} media file(s)", total);
            using var form = new MultipartFormDataContent();
            long offset = 0;
            foreach (var info in files)
            {
                // The parts are sent one after another, so each reports its bytes on top of those before it.
                var start = offset;
                var part = new StreamContent(new ProgressStream(info.OpenRead(), n => progress.Report(start + n)), 256 * 1024);
                part.Headers.ContentLength = info.Length;
                form.Add(part, "files", info.Name);
                offset += info.Length;
            }
            using var response = await api.Http.PostAsync($"api/projects/{project}/media", form, ct);
            progress.Done(total);
            await Api.EnsureAsync(response, ct);
            var stored = (await response.Content.ReadFromJsonAsync<List<MediaView>>(Api.Json, ct))!;
            // Types are what the server found in the content, so say them: a surprise shows at once.
            var types = stored
                .GroupBy(v => v.ContentType)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}");
            Console.WriteLine($"media: {stored.Count} file(s) stored ({string.Join(", ", types)})");
        }
        foreach (var file in args.Positional.Except(media))
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new CliException($"no such file: {file}");
            }
            var progress = new Progress($"import {info.Name}", info.Length);
            await using var stream = new ProgressStream(info.OpenRead(), n => progress.Report(n));
            using var content = new StreamContent(stream, 256 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = info.Length;
            // A file the project imported before is refused (409, naming that import) unless --again.
            var query = $"filename={Uri.EscapeDataString(info.Name)}" + (args.Get("format") is { } f ? $"&format={Uri.EscapeDataString(f)}" : "")
                + (args.Flag("again") ? "&again=true" : "");
            using var response = await api.Http.PostAsync($"api/projects/{project}/imports?{query}", content, ct);
            progress.Done(info.Length);
            await Api.EnsureAsync(response, ct);
            var imported = (await response.Content.ReadFromJsonAsync<ImportResponse>(Api.Json, ct))!;
            Console.WriteLine($"{info.Name}: {imported.Imported:N0} task(s) imported, {imported.Duplicates:N0} duplicate(s) skipped");
        }
        return 0;
    }

    public static async Task<int> ExportAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        var format = args.Get("format", "jsonl");
        using var api = Api.FromArgs(args);
        var job = await api.PostAsync<ExportView>($"api/projects/{project}/exports", new
        {
            format,
            state = args.Get("state"),
            from = args.Get("from"),
            to = args.Get("to"),
            history = args.Flag("history"),
        }, ct);
        var id = job.Id;
        var progress = new Progress($"export #{id}", 0);
        while (true)
        {
            var s = await api.GetAsync<ExportView>($"api/exports/{id}", ct);
            progress = s.TotalRows > 0 ? new Progress($"export #{id}", s.TotalRows) : progress;
            progress.Report(s.Rows);
            if (s.Status == ExportStatus.Failed)
            {
                throw new CliException($"export failed: {s.Error}");
            }
            if (s.Status is ExportStatus.Done or ExportStatus.Incomplete)
            {
                progress.Done(s.Rows);
                if (s.Status == ExportStatus.Incomplete)
                {
                    Console.Error.WriteLine($"export #{id} is incomplete: {s.Error}");
                }
                break;
            }
            await Task.Delay(200, ct);
        }
        var ext = format switch { "jsonl" => ".jsonl", "csv" => ".csv", "conll" => ".conll", "yolo" or "voc" => ".zip", "parquet" => ".parquet", _ => ".json" };
        var output = args.Get("out", $"project-{project}-{format}{ext}");
        using (var response = await api.Http.GetAsync($"api/exports/{id}/download", HttpCompletionOption.ResponseHeadersRead, ct))
        {
            await Api.EnsureAsync(response, ct);
            await using var file = File.Create(output);
            await response.Content.CopyToAsync(file, ct);
        }
        Console.WriteLine($"wrote {output} ({new FileInfo(output).Length:N0} bytes)");
        return 0;
    }

    /// `yz release`: queues a release of a project and follows its job (a bar per phase) to the release it made.
    public static async Task<int> ReleaseAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        using var api = Api.FromArgs(args);
        var job = await api.PostAsync<ReleaseJobView>($"api/projects/{project}/releases", new
        {
            source = args.Get("source"),
            formats = args.Get("formats", "jsonl").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            licence = args.Require("licence"),
        }, ct);
        var phase = job.Phase;
        var progress = new Progress($"release job #{job.Id}: {Wire.Name(phase)}", job.Total);
        while (true)
        {
            job = await api.GetAsync<ReleaseJobView>($"api/release-jobs/{job.Id}", ct);
            if (job.Phase != phase)
            {
                progress.Done(job.Total);
                phase = job.Phase;
                progress = new Progress($"release job #{job.Id}: {Wire.Name(phase)}", job.Total);
            }
            progress.Report(job.Done);
            if (job.Status == ReleaseJobStatus.Failed)
            {
                throw new CliException($"release job #{job.Id} failed (no release was made): {job.Error}");
            }
            if (job.Status == ReleaseJobStatus.Done)
            {
                progress.Done(job.Done);
                break;
            }
            await Task.Delay(200, ct);
        }
        var release = await api.GetAsync<ReleaseView>($"api/releases/{job.ReleaseId}", ct);
        Console.WriteLine($"release {release.Number} of {release.ProjectName} (id {release.Id}): {release.Items:N0} items, {release.Annotations:N0} annotations, "
            + $"{release.MediaFiles:N0} media files, {release.FileCount:N0} files, {release.TotalBytes:N0} bytes, root {release.MerkleRoot}");
        return 0;
    }

    public static async Task<int> StatsAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        using var api = Api.FromArgs(args);
        var s = await api.GetAsync<ProjectStats>($"api/projects/{project}/stats", ct);
        if (args.Flag("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(s, Api.Json));
            return 0;
        }
        Console.WriteLine("task states:");
        Console.WriteLine($"  {"total",-12} {s.States.Total,10:N0}");
        foreach (var state in Enum.GetValues<TaskState>())
        {
            Console.WriteLine($"  {Wire.Name(state),-12} {s.States.Of(state),10:N0}");
        }
        Console.WriteLine("annotations per day:");
        foreach (var d in s.PerDay)
        {
            Console.WriteLine($"  {d.Day} {d.Annotations,10:N0}");
        }
        Console.WriteLine("annotators:");
        foreach (var a in s.PerAnnotator)
        {
            Console.WriteLine($"  {a.Annotator,-28} {a.Annotations,8:N0}  avg {(a.AvgLeadTimeSeconds is { } lead ? $"{lead:0.0} s" : "–")}");
        }
        return 0;
    }
}
