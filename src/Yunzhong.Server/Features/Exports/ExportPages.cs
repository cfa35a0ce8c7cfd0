using System.Data.Common;
using System.Threading.Channels;
using Yunzhong.Core;
using Yunzhong.Core.Formats;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Features.Exports;

/// <summary>
/// Reads an export's tasks in keyset pages, each made ready to write (annotations, predictions, media
/// sizes, consensus), on a task of its own: the format writer works on one page while the next is read.
/// At most <see cref="PagesAhead"/> pages wait between the two, so memory stays that of a few pages.
/// Rows are read by ordinal from one data reader per statement; a page's media are looked up in one query.
/// </summary>
/// <remarks>The readers are disposed with <c>using</c>, not <c>await using</c>: Dapper's wrapping reader
/// disposes its command only in <c>Dispose</c> (its <c>DisposeAsync</c> disposes the reader alone), and an
/// undisposed command is left to the finalizer thread, which then finalizes its SQLite statements while this
/// connection steps the next page's. A profile of a 200,000-task COCO export put 6 % of the process's CPU
/// samples there. All rows are read before disposal, so the synchronous dispose does no I/O.</remarks>
internal sealed class ExportPages(Db db, MediaIndex media, ExportPages.Query query)
{
    public const int PageSize = 1000;

    private readonly List<string> _scratch = [];

    /// <summary>Pages read but not yet written, at most.</summary>
    public const int PagesAhead = 2;

    /// <summary>What to read: the project, the filter's condition and arguments (<see cref="ExportsSql.TasksWhere"/>),
    /// where the task data refers to media (a document's page images too), whether imported files sized some images,
    /// history, consensus.</summary>
    public sealed record Query(
        long ProjectId, string Where, DynamicParameters Args, MediaReferences Media, bool ExternalSizes, bool History, ExportConsensus? Consensus)
    {
        /// <summary>Whether rejected annotations (not yet redone or superseded) go to the writer beside those in force.</summary>
        public bool Rejected { get; init; }
    }

    /// <summary>Starts reading into a bounded channel, which completes with the reader's exception, if any; the
    /// task ends (never faulted) when the reader has stopped and closed its connection.</summary>
    public (ChannelReader<List<ExportTask>> Pages, Task Done) Start(CancellationToken ct)
    {
        var pages = Channel.CreateBounded<List<ExportTask>>(new BoundedChannelOptions(PagesAhead) { SingleReader = true, SingleWriter = true });
        var done = Task.Run(async () =>
        {
            try
            {
                await ReadAllAsync(pages.Writer, ct);
                pages.Writer.TryComplete();
            }
            catch (Exception e)
            {
                pages.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        return (pages.Reader, done);
    }

    private async Task ReadAllAsync(ChannelWriter<List<ExportTask>> pages, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var annotators = new Dictionary<long, string>();
        long after = 0;
        while (true)
        {
            query.Args.Add("after", after);
            var tasks = new List<(long Id, string? Key, string Data, string State)>(PageSize);
            using (var r = await c.ExecuteReaderAsync(new CommandDefinition(
                ExportsSql.TasksPageSql(db.Dialect, query.Where, PageSize), query.Args, cancellationToken: ct)))
            {
                while (await r.ReadAsync(ct))
                {
                    tasks.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3)));
                }
            }
            if (tasks.Count == 0)
            {
                return;
            }
            var first = tasks[0].Id;
            var last = tasks[^1].Id;
            var annotations = await AnnotationsAsync(c, first, last, annotators, ct);
            var predictions = await PredictionsAsync(c, first, last, ct);
            var known = query.Media.Any ? await MediaAsync(c, tasks, ct) : null;
            var page = new List<ExportTask>(tasks.Count);
            var a = 0;
            foreach (var t in tasks)
            {
                while (a < annotations.Count && annotations[a].TaskId < t.Id)
                {
                    a++;
                }
                var all = new List<ExportAnnotation>();
                for (; a < annotations.Count && annotations[a].TaskId == t.Id; a++)
                {
                    all.Add(annotations[a].Annotation);
                }
                var list = query.History ? all : all.FindAll(x => x.IsFinal || (query.Rejected && x.Review == "rejected"));
                var consensusJson = query.Consensus?.Build(t.Id, all.Where(x => x.IsFinal).Select(x => x.ResultJson).ToList());
                page.Add(new ExportTask(t.Id, t.Key, t.Data, t.State, list, known is null ? null : TaskMedia(t.Data, known),
                    consensusJson, predictions?.GetValueOrDefault(t.Id)));
            }
            await pages.WriteAsync(page, ct);
            after = last;
        }
    }

    /// <summary>The page's annotations, every version, in task then id order; names of annotators are read once per export.</summary>
    private async Task<List<(long TaskId, ExportAnnotation Annotation)>> AnnotationsAsync(
        DbConnection c, long first, long last, Dictionary<long, string> annotators, CancellationToken ct)
    {
        var rows = new List<(long, ExportAnnotation)>(PageSize);
        using var r = await c.ExecuteReaderAsync(new CommandDefinition(
            ExportsSql.AnnotationsOfPageSql(db.Dialect), new { projectId = query.ProjectId, first, last }, cancellationToken: ct));
        while (await r.ReadAsync(ct))
        {
            var userId = r.GetInt64(2);
            if (!annotators.TryGetValue(userId, out var name))
            {
                annotators[userId] = name = r.GetString(3);
            }
            var status = r.GetString(8);
            rows.Add((r.GetInt64(1), new ExportAnnotation(r.GetInt64(0), name, r.GetString(4), Http.Time(r.GetInt64(5)),
                r.IsDBNull(6) ? null : r.GetDouble(6), (int)r.GetInt64(7), ReviewOf(status), IsFinal(status))
            {
                UpdatedAt = r.IsDBNull(9) ? null : Http.Time(r.GetInt64(9)),
                GroundTruth = r.GetInt64(10) != 0,
                SourceJson = r.IsDBNull(11) ? null : r.GetString(11),
            }));
        }
        return rows;
    }

    /// <summary>The predictions of tasks <paramref name="first"/> to <paramref name="last"/> by task; null when there are none.
    /// The id range may cover other projects' tasks, whose rows are read but never looked up.</summary>
    private static async Task<Dictionary<long, List<ExportPrediction>>?> PredictionsAsync(DbConnection c, long first, long last, CancellationToken ct)
    {
        Dictionary<long, List<ExportPrediction>>? found = null;
        using var r = await c.ExecuteReaderAsync(new CommandDefinition(
            ExportsSql.PredictionsOfPageSql, new { first, last }, cancellationToken: ct));
        while (await r.ReadAsync(ct))
        {
            var taskId = r.GetInt64(0);
            found ??= [];
            if (!found.TryGetValue(taskId, out var list))
            {
                found[taskId] = list = [];
            }
            list.Add(new ExportPrediction(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetDouble(3)));
        }
        return found;
    }

    /// <summary>The media the page's tasks refer to (<see cref="MediaReferences"/>), in one query (plus one per image only an imported file sized).</summary>
    private async Task<Dictionary<string, MediaInfo>> MediaAsync(
        DbConnection c, List<(long Id, string? Key, string Data, string State)> tasks, CancellationToken ct)
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            query.Media.AddValues(t.Data, references);
        }
        var found = await media.FindManyAsync(c, query.ProjectId, references, ct);
        if (query.ExternalSizes)
        {
            foreach (var reference in references.Where(x => !found.ContainsKey(x)))
            {
                if (await c.QueryFirstOrDefaultAsync<ImageSize>(new CommandDefinition(
                    ExportsSql.ExternalImageSizeSql, new { projectId = query.ProjectId, reference }, cancellationToken: ct)) is { } size)
                {
                    found[reference] = new MediaInfo(reference, "image/*", (int)size.Width, (int)size.Height);
                }
            }
        }
        return found;
    }

    /// <summary>The media of one task, keyed by the value in its data; null when it names none the page found.</summary>
    private Dictionary<string, MediaInfo>? TaskMedia(string data, Dictionary<string, MediaInfo> known)
    {
        _scratch.Clear();
        query.Media.AddValues(data, _scratch);
        Dictionary<string, MediaInfo>? mine = null;
        foreach (var reference in _scratch)
        {
            if (known.TryGetValue(reference, out var info))
            {
                (mine ??= new(StringComparer.Ordinal))[reference] = info;
            }
        }
        return mine;
    }

    private sealed record ImageSize(long Width, long Height);

    /// <summary>Annotations in force: rejected and superseded versions are history.</summary>
    private static bool IsFinal(string status) => status is "submitted" or "pending" or "accepted";

    private static string? ReviewOf(string status) => status switch
    {
        "accepted" => "accepted",
        "rejected" => "rejected",
        "pending" => "pending",
        "superseded" => "superseded",
        _ => null,
    };
}
