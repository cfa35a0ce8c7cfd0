using System.Collections.Concurrent;
using Yunzhong.Core;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Media;

/// <summary>The media a task's data refers to, by field name.</summary>
public sealed class KnownMedia(Dictionary<string, MediaInfo>? byField)
{
    public static readonly KnownMedia None = new(null);

    public MediaInfo? Lookup(string field) => byField?.GetValueOrDefault(field);
}

/// <summary>
/// Resolves media references in task data (<c>/api/projects/{id}/media/{name}</c>) to what the upload
/// learnt about the file (size, duration). Answers are cached as <see cref="Access"/>'s are: a file
/// replaced or removed through this server is seen at once (<see cref="Forget"/>), one replaced
/// through another node of the deployment within <see cref="Access.Ttl"/>.
/// </summary>
public sealed class MediaIndex(Db db, TimeProvider time)
{
    private readonly ConcurrentDictionary<(long Project, string Name), (MediaInfo Info, DateTimeOffset At)> _cache = new();
    private int _cached;

    /// <summary>Entries the cache holds at most: past this it starts again empty, so a server that is
    /// asked about millions of media (annotations submitted on every image of a large project) keeps a
    /// few megabytes of answers, not one per image it ever saw. A count beside the dictionary, as its
    /// own <c>Count</c> takes every lock.</summary>
    internal const int MaxCached = 100_000;

    public static string UrlPrefix(long projectId) => $"/api/projects/{projectId}/media/";

    /// <summary>What is known of each field's own medium (an image's size, an audio's duration, a document's PDF),
    /// what an annotation is checked against. A document's listed page images are not looked up: a box on a page
    /// carries that page's size (<c>pageWidth</c>/<c>pageHeight</c>), so a submission need not pay a query per page.</summary>
    public async Task<KnownMedia> ForTaskAsync(ProjectConfig project, JsonElement data, CancellationToken ct)
    {
        Dictionary<string, MediaInfo>? found = null;
        foreach (var reference in project.Schema.Media.In(data))
        {
            if (reference.Page >= 0)
            {
                continue;
            }
            var info = await FindAsync(project.Id, reference.Value, ct);
            if (info is not null)
            {
                (found ??= new())[reference.Field] = info;
            }
        }
        return found is null ? KnownMedia.None : new KnownMedia(found);
    }

    /// <summary>
    /// The problem of an annotation <paramref name="result"/> that does not fit the project's label
    /// schema for task data <paramref name="dataJson"/> (media sizes and durations included), or null
    /// when it fits: what a submission, a reviewer's fix and an annotator's amendment are all held to.
    /// </summary>
    public async Task<ValidationProblem?> MisfitAsync(ProjectConfig project, string dataJson, JsonElement result, string title, CancellationToken ct)
    {
        using var data = JsonDocument.Parse(dataJson);
        var known = await ForTaskAsync(project, data.RootElement, ct);
        var errors = AnnotationValidator.Validate(project.Schema, data.RootElement, result, known.Lookup);
        return errors.Count > 0 ? Http.Invalid(errors, title, SchemaErrorCodes.Invalid, SchemaErrorCodes.Invalid) : null;
    }

    public async Task<MediaInfo?> FindAsync(long projectId, string reference, CancellationToken ct)
    {
        var prefix = UrlPrefix(projectId);
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var name = Uri.UnescapeDataString(reference[prefix.Length..]);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue((projectId, name), out var cached) && now - cached.At < Access.Ttl)
        {
            return cached.Info;
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<MediaRow>(new CommandDefinition(
            MediaSql.InfoSql, new { projectId, name }, cancellationToken: ct));
        var info = row is null ? null : new MediaInfo(row.Name, row.ContentType, (int?)row.Width, (int?)row.Height, row.Duration);
        if (info is null)
        {
            if (_cache.TryRemove((projectId, name), out _))
            {
                Interlocked.Decrement(ref _cached);
            }
        }
        else if (_cache.TryAdd((projectId, name), (info, now)))
        {
            if (Interlocked.Increment(ref _cached) > MaxCached)
            {
                _cache.Clear();
                Interlocked.Exchange(ref _cached, 0);
            }
        }
        else
        {
            _cache[(projectId, name)] = (info, now);
        }
        return info;
    }

    /// <summary>
    /// The media of project <paramref name="projectId"/> that <paramref name="references"/> name, in one
    /// query for those not cached: what an export asks per page of tasks. Answers are not added to the
    /// cache, which would otherwise grow by one entry per image of a large export.
    /// </summary>
    public async Task<Dictionary<string, MediaInfo>> FindManyAsync(
        System.Data.Common.DbConnection c, long projectId, IReadOnlyCollection<string> references, CancellationToken ct)
    {
        var found = new Dictionary<string, MediaInfo>(StringComparer.Ordinal);
        var prefix = UrlPrefix(projectId);
        var now = time.GetUtcNow();
        var wanted = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            if (!reference.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var name = Uri.UnescapeDataString(reference[prefix.Length..]);
            if (_cache.TryGetValue((projectId, name), out var cached) && now - cached.At < Access.Ttl)
            {
                found[reference] = cached.Info;
            }
            else if (wanted.TryGetValue(name, out var same))
            {
                same.Add(reference);
            }
            else
            {
                wanted[name] = [reference];
            }
        }
        if (wanted.Count > 0)
        {
            var rows = await c.QueryAsync<MediaRow>(new CommandDefinition(
                MediaSql.InfoOfManySql(db.Dialect), new { projectId, names = wanted.Keys.ToArray() }, cancellationToken: ct));
            foreach (var row in rows)
            {
                var info = new MediaInfo(row.Name, row.ContentType, (int?)row.Width, (int?)row.Height, row.Duration);
                foreach (var reference in wanted[row.Name])
                {
                    found[reference] = info;
                }
            }
        }
        return found;
    }

    public void Forget(long projectId)
    {
        foreach (var key in _cache.Keys.Where(k => k.Project == projectId))
        {
            if (_cache.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _cached);
            }
        }
    }

    private sealed record MediaRow(string Name, string ContentType, long? Width, long? Height, double? Duration);
}
