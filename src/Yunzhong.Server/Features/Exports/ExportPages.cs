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
        // The versions a task's entry carries: every one for a history, else the final ones (and rejected
        // ones where the format writes them, as Label Studio's own export does).
        bool Kept(ExportAnnotation x) => query.History || x.IsFinal || (query.Rejected && x.Review == "rejected");
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
            var pageMedia = query.Media.Any ? await MediaAsync(c, tasks, ct) : null;
            var page = new List<ExportTask>(tasks.Count);
            var a = 0;
            for (var i = 0; i < tasks.Count; i++)
            {
                var t = tasks[i];
                while (a < annotations.Count && annotations[a].TaskId < t.Id)
                {
                    a++;
                }
                var from = a;
                var kept = 0;
                for (; a < annotations.Count && annotations[a].TaskId == t.Id; a++)
                {
                    kept += Kept(annotations[a].Annotation) ? 1 : 0;
                }
                // One array a task, sized first (a list of every version and a second of the final ones were two
                // lists and two arrays a task).
                ExportAnnotation[] list = kept == 0 ? [] : new ExportAnnotation[kept];
                for (int j = from, k = 0; j < a; j++)
                {
                    if (Kept(annotations[j].Annotation))
                    {
                        list[k++] = annotations[j].Annotation;
                    }
                }
                var consensusJson = query.Consensus?.Build(t.Id, list.Where(x => x.IsFinal).Select(x => x.ResultJson).ToList());
                page.Add(new ExportTask(t.Id, t.Key, t.Data, t.State, list, pageMedia?.Of(i), consensusJson, predictions?.GetValueOrDefault(t.Id)));
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
                ReviewerFix = status == "accepted" && r.GetInt64(12) != userId, // written by someone else: a reviewer's fix
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

    /// <summary>The media the page's tasks refer to (<see cref="MediaReferences"/>), in one query (plus one per image only an
    /// imported file sized). Each task's data is read for its references once: the page's look-up and each task's answer
    /// come from the same walk.</summary>
    private async Task<PageMedia> MediaAsync(DbConnection c, List<(long Id, string? Key, string Data, string State)> tasks, CancellationToken ct)
    {
        var references = new List<string>(tasks.Count);
        var ends = new int[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            query.Media.AddValues(tasks[i].Data, references);
            ends[i] = references.Count;
        }
        var distinct = new HashSet<string>(references, StringComparer.Ordinal);
        var found = await media.FindManyAsync(c, query.ProjectId, distinct, ct);
        if (query.ExternalSizes)
        {
            foreach (var reference in distinct.Where(x => !found.ContainsKey(x)))
            {
                if (await c.QueryFirstOrDefaultAsync<ImageSize>(new CommandDefinition(
                    ExportsSql.ExternalImageSizeSql, new { projectId = query.ProjectId, reference }, cancellationToken: ct)) is { } size)
                {
                    found[reference] = new MediaInfo(reference, "image/*", (int)size.Width, (int)size.Height);
                }
            }
        }
        return new PageMedia(references, ends, found);
    }

    /// <summary>A page's media: every task's references in page order (task <c>i</c>'s end before <c>Ends[i]</c>) and
    /// what was found for them.</summary>
    private sealed record PageMedia(List<string> References, int[] Ends, Dictionary<string, MediaInfo> Found)
    {
        /// <summary>Task <paramref name="i"/>'s media: the page's look-up, which answers every reference of the task (and
        /// of its neighbours, which no writer asks it about); null when none of its references was found, as writers
        /// tell "no media known" by null. (A map of the task's own cost a dictionary a task, built and thrown away.)</summary>
        public Dictionary<string, MediaInfo>? Of(int i)
        {
            for (var r = i == 0 ? 0 : Ends[i - 1]; r < Ends[i]; r++)
            {
                if (Found.ContainsKey(References[r]))
                {
                    return Found;
                }
            }
            return null;
        }
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
