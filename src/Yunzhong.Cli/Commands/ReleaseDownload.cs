using System.Net;
using System.Text.RegularExpressions;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Releases;

namespace Yunzhong.Cli.Commands;

/// Downloads a release through the API into a folder, as `yz verify URL` checks it.
internal static partial class ReleaseDownload
{
    [GeneratedRegex(@"^/api/releases/(\d+)/?$")]
    private static partial Regex ReleasePath();

    [GeneratedRegex(@"^/api/links/[^/]+/?$")]
    private static partial Regex LinkPath();

    /// The link's path (no leading slash) for a link URL, or a new link's for a release URL.
    public static async Task<string> LinkAsync(Api api, Uri url, CancellationToken ct)
    {
        var path = url.AbsolutePath;
        if (LinkPath().IsMatch(path))
        {
            return path.Trim('/');
        }
        if (ReleasePath().Match(path) is { Success: true } m)
        {
            var link = await api.PostAsync<LinkView>($"api/releases/{m.Groups[1].Value}/links", null, ct);
            return link.Url.Trim('/');
        }
        throw new CliException($"{url} is neither a release (…/api/releases/ID) nor a download link (…/api/links/TOKEN)");
    }

    /// The statement, signature and manifest, then every file the manifest lists. A file the server
    /// answers 404 for is not written (the check names it missing); any other refusal stops the download.
    public static async Task FetchAsync(Api api, string link, string dir, CancellationToken ct)
    {
        foreach (var own in new[] { ReleaseFormat.StatementName, ReleaseFormat.SignatureName, ReleaseFormat.ManifestName })
        {
            await FetchFileAsync(api, link, own, dir, ct);
        }
        var manifest = Path.Combine(dir, ReleaseFormat.ManifestName);
        if (!File.Exists(manifest))
        {
            return;
        }
        IReadOnlyList<ReleaseFile> files;
        try
        {
            files = ReleaseFormat.ReadManifest(await File.ReadAllBytesAsync(manifest, ct)).Files;
        }
        catch (FormatException)
        {
            return; // the check names the manifest
        }
        foreach (var f in files)
        {
            await FetchFileAsync(api, link, f.Path, dir, ct);
        }
    }

    private static async Task FetchFileAsync(Api api, string link, string path, string dir, CancellationToken ct)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        using var response = await api.Http.GetAsync($"{link}/{escaped}", HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        await Api.EnsureAsync(response, ct);
        var target = Path.Combine(dir, path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var file = File.Create(target);
        await response.Content.CopyToAsync(file, ct);
    }
}
