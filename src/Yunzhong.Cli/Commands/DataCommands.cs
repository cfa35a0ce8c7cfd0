using System.Net.Http.Headers;
using System.Text.Json;

namespace Yunzhong.Cli.Commands;

/// <summary>`yz import`, `yz export`, `yz stats`: scripted work against a running server.</summary>
internal static class DataCommands
{
    private static readonly string[] TaskExtensions = [".jsonl", ".ndjson", ".json", ".csv", ".tsv"];

    /// <summary>Task files (JSONL, JSON, CSV, TSV, Label Studio JSON) are imported; images, audio and zips are uploaded as media.</summary>
    public static async Task<int> ImportAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        if (args.Positional.Count == 0)
        {
            throw new CliException("give one or more files to import");
        }
        using var api = Api.FromArgs(args);
        var media = args.Positional.Where(f => !TaskExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
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
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            // Types are what the server found in the content, so say them: a surprise shows at once.
            var types = doc.RootElement.EnumerateArray()
                .GroupBy(v => v.GetProperty("contentType").GetString())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}");
            Console.WriteLine($"media: {doc.RootElement.GetArrayLength()} file(s) stored ({string.Join(", ", types)})");
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
            var query = $"filename={Uri.EscapeDataString(info.Name)}" + (args.Get("format") is { } f ? $"&format={Uri.EscapeDataString(f)}" : "");
            using var response = await api.Http.PostAsync($"api/projects/{project}/imports?{query}", content, ct);
            progress.Done(info.Length);
            await Api.EnsureAsync(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            Console.WriteLine($"{info.Name}: {doc.RootElement.GetProperty("imported").GetInt64():N0} task(s) imported, {doc.RootElement.GetProperty("duplicates").GetInt64():N0} duplicate(s) skipped");
        }
        return 0;
    }

    public static async Task<int> ExportAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        var format = args.Get("format", "jsonl");
        using var api = Api.FromArgs(args);
        var job = await api.PostAsync<JsonElement>($"api/projects/{project}/exports", new
        {
            format,
            state = args.Get("state"),
            from = args.Get("from"),
            to = args.Get("to"),
            history = args.Flag("history"),
        }, ct);
        var id = job.GetProperty("id").GetInt64();
        var progress = new Progress($"export #{id}", 0);
        while (true)
        {
            var s = await api.GetAsync<JsonElement>($"api/exports/{id}", ct);
            var status = s.GetProperty("status").GetString();
            progress = s.GetProperty("totalRows").GetInt64() > 0 ? new Progress($"export #{id}", s.GetProperty("totalRows").GetInt64()) : progress;
            progress.Report(s.GetProperty("rows").GetInt64());
            if (status == "failed")
            {
                throw new CliException($"export failed: {s.GetProperty("error").GetString()}");
            }
            if (status == "done")
            {
                progress.Done(s.GetProperty("rows").GetInt64());
                break;
            }
            await Task.Delay(200, ct);
        }
        var ext = format switch { "jsonl" => ".jsonl", "csv" => ".csv", "conll" => ".conll", _ => ".json" };
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

    public static async Task<int> StatsAsync(CliArgs args, CancellationToken ct)
    {
        var project = args.Require("project");
        using var api = Api.FromArgs(args);
        var s = await api.GetAsync<JsonElement>($"api/projects/{project}/stats", ct);
        if (args.Flag("json"))
        {
            Console.WriteLine(s.GetRawText());
            return 0;
        }
        Console.WriteLine("task states:");
        foreach (var p in s.GetProperty("states").EnumerateObject())
        {
            Console.WriteLine($"  {p.Name,-12} {p.Value.GetInt64(),10:N0}");
        }
        Console.WriteLine("annotations per day:");
        foreach (var d in s.GetProperty("perDay").EnumerateArray())
        {
            Console.WriteLine($"  {d.GetProperty("day").GetString()} {d.GetProperty("annotations").GetInt64(),10:N0}");
        }
        Console.WriteLine("annotators:");
        foreach (var a in s.GetProperty("perAnnotator").EnumerateArray())
        {
            var lead = a.GetProperty("avgLeadTimeSeconds");
            Console.WriteLine($"  {a.GetProperty("annotator").GetString(),-28} {a.GetProperty("annotations").GetInt64(),8:N0}  avg {(lead.ValueKind == JsonValueKind.Number ? $"{lead.GetDouble():0.0} s" : "–")}");
        }
        return 0;
    }
}
