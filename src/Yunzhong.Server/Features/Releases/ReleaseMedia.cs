using Yunzhong.Core.Datasets;
using Yunzhong.Core.Formats;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// The media a release's tasks refer to, gathered as its first file is written: names of the
/// project's uploaded media (<c>/api/projects/{id}/media/{name}</c>), which the release carries as
/// files under <c>media/</c>, and every other reference (a URL), which the manifest lists as an
/// external reference without bytes. The uploaded names go through a sort on disk
/// (<see cref="ReleaseNameSort"/>): memory does not grow with their number. The external references
/// are listed in the manifest, so they stay in memory, one entry per distinct URL.
/// </summary>
internal sealed class ReleaseMedia(ProjectConfig project) : IDisposable
{
    /// <summary>Where a release's media files lie inside it.</summary>
    public const string Folder = "media/";

    private readonly MediaReferences _walk = project.Schema.Media;
    private readonly string _prefix = MediaIndex.UrlPrefix(project.Id);
    private readonly ReleaseNameSort _uploaded = new();
    private readonly SortedSet<string> _external = new(StringComparer.Ordinal);
    private readonly List<string> _references = [];

    /// <summary>Sorts the names of uploaded media the tasks refer to; answers how many distinct ones there are.</summary>
    public long SortUploaded() => _uploaded.Sort();

    /// <summary>Names of uploaded media the tasks refer to, distinct, in ordinal order (after <see cref="SortUploaded"/>).</summary>
    public IEnumerable<string> Uploaded => _uploaded.Read();

    /// <summary>Takes the media task <paramref name="task"/> refers to: every medium of its fields, a document's
    /// page images included (<see cref="MediaReferences"/>).</summary>
    public void Add(ExportTask task)
    {
        if (!_walk.Any)
        {
            return;
        }
        _references.Clear();
        _walk.AddValues(task.DataJson, _references);
        foreach (var reference in _references)
        {
            if (reference.Length == 0)
            {
                continue;
            }
            if (reference.StartsWith(_prefix, StringComparison.Ordinal))
            {
                _uploaded.Add(Uri.UnescapeDataString(reference[_prefix.Length..]));
            }
            else
            {
                _external.Add(reference);
            }
        }
    }

    /// <summary>The path of an uploaded medium inside the release.</summary>
    public static string PathOf(string name) =>
        ReleaseFormat.PathProblem(Folder + name) is { } problem
            ? throw new InvalidOperationException($"The medium '{name}' cannot be named in a release: {problem}.")
            : Folder + name;

    /// <summary>
    /// The manifest's <c>media</c> section: the files carried (count and bytes), the external
    /// references (URLs, no bytes, not checked by a verifier) and referred names the project has no
    /// upload of.
    /// </summary>
    public JsonElement Section(long files, long bytes, IEnumerable<string> missing) => JsonSerializer.SerializeToElement(new
    {
        files,
        bytes,
        external = _external,
        missing = missing.Order(StringComparer.Ordinal),
    }, Wire.Options);

    public void Dispose() => _uploaded.Dispose();
}
