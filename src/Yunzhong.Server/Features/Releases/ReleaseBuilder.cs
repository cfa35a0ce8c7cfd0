using System.Buffers;
using System.Security.Cryptography;
using Yunzhong.Core.Datasets;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Exports;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Releases;

/// <summary>Where a release takes its annotations from.</summary>
public enum ReleaseSource
{
    /// <summary>Finished tasks' annotations in force: accepted by review, or complete where nothing waits for review.</summary>
    Accepted,

    /// <summary>As <see cref="Accepted"/>, with each task's consensus beside its annotations (JSON lines).</summary>
    Consensus,
}

/// <summary>
/// Builds a release of a project: each format written by the export writers straight into a temporary
/// file (one page of tasks in memory), hashed and stored once under its content's name
/// (<c>sha256/ab/cdef…</c>), so releases share the files that did not change; the media's names are
/// sorted on disk, their entries go to a temporary file in path order, and the Merkle root, the
/// manifest (written to a file) and the <c>release_files</c> rows are each made in one pass over it, so
/// memory does not grow with the number of files (only the manifest's lists of URL-only and missing
/// media are held, one entry each); then the manifest,
/// the signed statement and the release's row, all in one write transaction with its audit entry,
/// so a build that fails anywhere leaves no release (at most stored files no release names yet).
/// </summary>
public sealed class ReleaseBuilder(Db db, IBlobStore blobs, ExportWorker exporter, ParkKeys keys, AuditLog audit, TimeProvider time)
{
    /// <summary>The task states a release takes: finished, nothing waiting for a reviewer.</summary>
    public static readonly string[] ReleasedStates = ["accepted", "annotated"];

    /// <summary>How many media are copied into the store at once (object storage answers each request slowly, not each byte).</summary>
    private const int MediaParallelism = 8;

    /// <summary>The item index every release carries (task id and SHA-256 of its data and answers, per line).</summary>
    public const string ItemsPath = "items.tsv";

    /// <summary>The file a format is released as.</summary>
    public static string PathOf(ExportFileFormat format) => format switch
    {
        ExportFileFormat.Jsonl => "annotations.jsonl",
        ExportFileFormat.Labelstudio => "annotations.labelstudio.json",
        ExportFileFormat.Csv => "annotations.csv",
        ExportFileFormat.Conll => "annotations.conll",
        ExportFileFormat.Yolo => "annotations.yolo.zip",
        ExportFileFormat.Voc => "annotations.voc.zip",
        ExportFileFormat.Parquet => "annotations.parquet",
        _ => "annotations.coco.json",
    };

    /// <summary>How many tasks a release of the project would take now.</summary>
    public async Task<long> ReleasableAsync(long projectId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ReleasesSql.ReleasableCountSql(db.Dialect), new { projectId, states = ReleasedStates }, cancellationToken: ct));
    }

    /// <summary>
    /// Builds, signs and records release of <paramref name="project"/>; answers its id. Phases, counts
    /// and every blob new to the store are reported to <paramref name="progress"/> (a blob before it is
    /// written, so whoever cleans up after a failed build knows it).
    /// </summary>
    public async Task<long> BuildAsync(
        ProjectConfig project, ReleaseSource source, IReadOnlyList<ExportFileFormat> formats, string licence, long userId,
        IReleaseProgress progress, CancellationToken ct)
    {
        var temps = new List<string>();
        ReleaseFigures figures;
        using var media = new ReleaseMedia(project);
        var syncs = new BlobSyncs(blobs);
        try
        {
            var itemsTemp = Temp(temps);
            var files = new List<(ReleaseFile File, string? Format)>();
            await using (var itemsFile = new FileStream(itemsTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024))
            using (figures = new ReleaseFigures(project.Schema, itemsFile))
            {
                long tasks = 0;
                for (var i = 0; i < formats.Count; i++)
                {
                    var format = formats[i];
                    var filter = new ExportFilter(ReleasedStates, null, null, History: false,
                        Consensus: source == ReleaseSource.Consensus && format == ExportFileFormat.Jsonl);
                    var temp = Temp(temps);
                    var before = i * tasks;
                    // The writers close their stream when done; the file is read back from its path.
                    await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
                    {
                        await exporter.WriteAsync(project, Wire.Name(format), filter, output,
                            i == 0 ? async total => { tasks = total; await progress.PhaseAsync(ReleasePhase.Annotations, total * formats.Count, ct); } : null,
                            rows => progress.DoneAsync(before + rows, ct),
                            i == 0 ? task => { media.Add(task); return figures.AddAsync(task); } : null, ct);
                    }
                    await progress.DoneAsync(before + tasks, ct);
                    await using var file = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
                    var (sha, size) = await StoreAsync(file, progress, null, ct);
                    files.Add((new ReleaseFile(PathOf(format), size, sha), Wire.Name(format)));
                }
                await figures.FlushAsync();
                var (itemsSha, itemsSize) = await StoreAsync(itemsFile, progress, null, ct);
                files.Add((new ReleaseFile(ItemsPath, itemsSize, itemsSha), null));
            }
            using var mediaFiles = new ReleaseFileSpool();
            var missing = await StoreMediaAsync(project, media, mediaFiles, progress, syncs, ct);
            await progress.PhaseAsync(ReleasePhase.Signing, 1, ct);
            // Media are committed without a sync each (a journal commit per file): the last of them here.
            await syncs.FlushAsync(ct);
            var mediaSection = media.Section(mediaFiles.Count, mediaFiles.Bytes, missing);
            return await RecordAsync(project, source, formats, licence, userId, figures, mediaSection, files, mediaFiles, temps, progress, ct);
        }
        finally
        {
            foreach (var path in temps)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>How many media are looked up and copied per round (their rows and entries in memory at once).</summary>
    private const int MediaChunk = 500;

    /// <summary>
    /// Media up to this size are read into memory (a pooled buffer, <see cref="MediaParallelism"/> at
    /// once: 8 MiB at most) and written without asking the store first; larger ones go through a
    /// temporary file, and the store is asked whether it has them before they are written again.
    /// </summary>
    internal const int SmallMedium = 1024 * 1024;

    /// <summary>
    /// Copies each uploaded medium the tasks refer to into the content-addressed store (read once,
    /// hashed, stored unless a release already did), several at a time, in rounds of
    /// <see cref="MediaChunk"/> names in path order (sorted on disk, <see cref="ReleaseNameSort"/>);
    /// each file's entry goes to <paramref name="spool"/> in that order. Answers the names referred to
    /// that the project has no upload of. A medium whose file is gone from the store fails the build,
    /// naming it. Nothing here grows with the number of media but the missing names' list.
    /// </summary>
    private async Task<List<string>> StoreMediaAsync(
        ProjectConfig project, ReleaseMedia media, ReleaseFileSpool spool, IReleaseProgress progress, BlobSyncs syncs, CancellationToken ct)
    {
        var count = media.SortUploaded();
        var missing = new List<string>();
        await progress.PhaseAsync(ReleasePhase.Media, count, ct);
        long done = 0;
        foreach (var chunk in media.Uploaded.Chunk(MediaChunk))
        {
            Dictionary<string, string> blobOf;
            await using (var c = await db.OpenAsync(ct))
            {
                blobOf = (await c.QueryAsync<(string Name, string BlobName)>(new CommandDefinition(
                    ReleasesSql.MediaBlobsSql(db.Dialect), new { projectId = project.Id, names = chunk }, cancellationToken: ct)))
                    .ToDictionary(r => r.Name, r => r.BlobName, StringComparer.Ordinal);
            }
            var files = new ReleaseFile?[chunk.Length];
            await Parallel.ForAsync(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = MediaParallelism, CancellationToken = ct }, async (i, token) =>
            {
                if (!blobOf.TryGetValue(chunk[i], out var blobName))
                {
                    return;
                }
                var path = ReleaseMedia.PathOf(chunk[i]);
                await using var source = await blobs.OpenWholeAsync(blobName, token)
                    ?? throw new InvalidOperationException($"The file of medium '{chunk[i]}' is missing from the blob store; the release cannot carry it.");
                files[i] = source.CanSeek && source.Length <= SmallMedium
                    ? await StoreSmallAsync(chunk[i], path, source, progress, syncs, token)
                    : await StoreLargeAsync(path, source, progress, syncs, token);
            });
            for (var i = 0; i < chunk.Length; i++)
            {
                if (files[i] is { } file)
                {
                    spool.Add(file);
                }
                else
                {
                    missing.Add(chunk[i]);
                }
            }
            done += chunk.Length;
            await progress.DoneAsync(done, ct);
            syncs.StartIfMany(ct);
        }
        return missing;
    }

    /// <summary>A small medium: read into a pooled buffer (reads at least as large as the store's file
    /// buffer, which they then bypass), hashed there, and written unless a release already carries it.</summary>
    private async Task<ReleaseFile> StoreSmallAsync(string name, string path, Stream source, IReleaseProgress progress, BlobSyncs syncs, CancellationToken ct)
    {
        var length = (int)source.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length + 1, 64 * 1024));
        try
        {
            int total = 0, n;
            while ((n = await source.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            {
                total += n;
                if (total > length)
                {
                    break;
                }
            }
            if (total != length)
            {
                throw new InvalidOperationException($"The file of medium '{name}' changed while it was read ({length} bytes expected).");
            }
            using var copy = new MemoryStream(buffer, 0, length, writable: false);
            var (sha, size) = await StoreAsync(copy, progress, syncs, ct, askFirst: false);
            return new ReleaseFile(path, size, sha);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A large medium: copied to a temporary file, hashed from it, and stored unless the store has it.</summary>
    private async Task<ReleaseFile> StoreLargeAsync(string path, Stream source, IReleaseProgress progress, BlobSyncs syncs, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"yz-release-{Guid.NewGuid():N}.tmp");
        await using var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        await source.CopyToAsync(copy, ct);
        var (sha, size) = await StoreAsync(copy, progress, syncs, ct, askFirst: true);
        return new ReleaseFile(path, size, sha);
    }

    private async Task<long> RecordAsync(
        ProjectConfig project, ReleaseSource source, IReadOnlyList<ExportFileFormat> formats, string licence, long userId,
        ReleaseFigures figures, JsonElement mediaSection, List<(ReleaseFile File, string? Format)> files, ReleaseFileSpool mediaFiles, List<string> temps,
        IReleaseProgress progress, CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var (goldSeen, goldScore) = await c.QuerySingleAsync<(long, double)>(new CommandDefinition(ReleasesSql.GoldSql, new { projectId = project.Id }, cancellationToken: ct));
        var vendors = (await c.QueryAsync<VendorRow>(new CommandDefinition(ReleasesSql.VendorsSql, new { projectId = project.Id }, cancellationToken: ct))).ToList();
        var owner = await c.ExecuteScalarAsync<string>(new CommandDefinition(ReleasesSql.OrganizationNameSql, new { id = project.OrganizationId }, cancellationToken: ct));
        // The files in path order: the few annotation files and the media, streamed from the spool
        // (each pass reads it again; nothing holds all the entries).
        var few = ReleaseFormat.Ordered(files.Select(f => f.File));
        IEnumerable<ReleaseFile> Ordered() => ReleaseFileSpool.Merge(few, mediaFiles.Read());
        var tree = new MerkleBuilder();
        long totalBytes = 0;
        foreach (var f in Ordered())
        {
            tree.Add(MerkleTree.LeafHash(ReleaseFormat.Leaf(f)));
            totalBytes += f.Size;
        }
        var merkleRoot = Convert.ToHexStringLower(tree.Root());
        var sections = new Dictionary<string, JsonElement>
        {
            ["counts"] = JsonSerializer.SerializeToElement(new { items = figures.Items, annotations = figures.Annotations }, Wire.Options),
            ["labels"] = figures.LabelSection(),
            ["quality"] = figures.QualitySection(goldSeen, goldScore),
            ["media"] = mediaSection,
            ["licence"] = JsonSerializer.SerializeToElement(licence),
            ["provenance"] = JsonSerializer.SerializeToElement(new
            {
                project = new { id = project.Id, name = project.Name },
                organization = new { id = project.OrganizationId, name = owner },
                vendors = vendors.Select(v => new { organization = new { id = v.OrganizationId, name = v.Name }, contract = v.ContractId, state = v.State }),
                source = Wire.Name(source),
                formats = formats.Select(Wire.Name),
                annotated_from = figures.First,
                annotated_to = figures.Last,
            }, Wire.Options),
            ["schema"] = Http.Json(project.SchemaJson),
        };

        // The number is taken before the manifest that names it is stored, and the store is written
        // outside the transaction (a job notes each blob it stores through a connection of its own,
        // which SQLite's write lock would keep waiting). Builds of one project on two nodes at once
        // may take the same number: the second insert then fails on (project_id, number), and that job
        // fails, its blobs cleaned up, rather than numbering twice.
        var number = await c.ExecuteScalarAsync<int>(new CommandDefinition(ReleasesSql.NextNumberSql, new { projectId = project.Id }, cancellationToken: ct));
        await using var manifest = new FileStream(Temp(temps), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
        ReleaseFormat.WriteManifest(manifest, project.Name, number, merkleRoot, Ordered(), sections);
        var (manifestSha, _) = await StoreAsync(manifest, progress, null, ct);
        var statement = new ReleaseStatement(project.Name, number, now, manifestSha, merkleRoot, tree.Count, totalBytes);
        var statementBytes = ReleaseFormat.WriteStatement(statement);
        var signature = SignatureFile.Write(key.Public, key.Sign(statementBytes));
        await using var tx = await db.BeginWriteAsync(c, ct);
        var itemsSha = files.Single(f => f.File.Path == ItemsPath).File.Sha256;
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ReleasesSql.InsertReleaseSql, new
        {
            projectId = project.Id, number, source = Wire.Name(source), formats = string.Join(',', formats.Select(Wire.Name)), licence,
            items = figures.Items, annotations = figures.Annotations, fileCount = statement.FileCount, totalBytes = statement.TotalBytes,
            merkleRoot = statement.MerkleRoot, manifestBlob = BlobName(manifestSha), itemsBlob = BlobName(itemsSha),
            statement = System.Text.Encoding.UTF8.GetString(statementBytes), signature = System.Text.Encoding.UTF8.GetString(signature),
            keyId = key.Public.KeyId, userId, now = now.ToUnixTimeMilliseconds(),
        }, tx, cancellationToken: ct));
        var formatOf = files.ToDictionary(f => f.File.Path, f => f.Format, StringComparer.Ordinal);
        // Many rows a statement, the entries still streamed from the spool: a round trip per file was
        // most of the recording of 100,000 media.
        foreach (var batch in Ordered().Chunk(ReleasesSql.FileRowsPerStatement))
        {
            var args = new DynamicParameters();
            args.Add("releaseId", id);
            for (var i = 0; i < batch.Length; i++)
            {
                args.Add($"path{i}", batch[i].Path);
                args.Add($"size{i}", batch[i].Size);
                args.Add($"sha{i}", batch[i].Sha256);
                args.Add($"format{i}", formatOf.GetValueOrDefault(batch[i].Path), System.Data.DbType.String);
            }
            await c.ExecuteAsync(new CommandDefinition(ReleasesSql.InsertFilesSql(batch.Length), args, tx, cancellationToken: ct));
        }
        await audit.AppendAsync(c, tx, project.OrganizationId, AuditLog.Actor(userId), "release.create", $"release:{id}", new
        {
            project = project.Id, number, merkle_root = statement.MerkleRoot, files = statement.FileCount, items = figures.Items,
        }, ct);
        await progress.RecordedAsync(c, tx, id, ct);
        await Webhooks.WebhookOutbox.EnqueueAsync(c, tx, project.Id, Webhooks.WebhookEvent.ReleasePublished, new System.Text.Json.Nodes.JsonObject
        {
            ["release"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = id, ["number"] = number, ["merkleRoot"] = statement.MerkleRoot, ["files"] = statement.FileCount, ["items"] = figures.Items,
                ["url"] = $"/api/releases/{id}",
            },
        }, now.ToUnixTimeMilliseconds(), ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>The blob a file of these contents is stored under.</summary>
    public static string BlobName(string sha256) => $"sha256/{sha256[..2]}/{sha256[2..]}";

    /// <summary>
    /// Hashes a written file and stores it under its content's name, unless a release already carries
    /// it (the job's note answers that, <see cref="IReleaseProgress.UsingAsync"/>) or, where
    /// <paramref name="askFirst"/>, the store already has it (an earlier build that did not finish): for
    /// a small file writing it again costs no more than asking, and the same bytes land under the same
    /// name. Every blob is told to <paramref name="progress"/> before the store is asked for it or it is
    /// written. Without <paramref name="syncs"/> a blob is written durably; with them it is committed
    /// without a sync of its own and handed to them.
    /// </summary>
    private async Task<(string Sha256, long Size)> StoreAsync(
        Stream file, IReleaseProgress progress, BlobSyncs? syncs, CancellationToken ct, bool askFirst = true)
    {
        file.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        var name = BlobName(sha);
        // Noted before the look-up, so no other job's clean-up deletes it after we found it (ReleaseBlobNotes);
        // a blob a recorded release names is never deleted, so it is stored for good.
        if (await progress.UsingAsync(sha, ct))
        {
            return (sha, file.Length);
        }
        if (askFirst)
        {
            await using var existing = await blobs.OpenReadAsync(name, ct);
            if (existing is not null)
            {
                return (sha, file.Length);
            }
        }
        file.Position = 0;
        await using var blob = await blobs.CreateAsync(name, ct);
        await file.CopyToAsync(blob.Stream, ct);
        await blob.CommitAsync(durable: syncs is null, ct);
        syncs?.Add(name);
        return (sha, file.Length);
    }

    /// <summary>
    /// Blobs committed without a sync of their own, made durable a batch at a time: once
    /// <see cref="Batch"/> are waiting, a sync of them starts in the background while the copying goes
    /// on (one at a time); <see cref="FlushAsync"/> syncs the rest and waits. Memory: one batch of names.
    /// </summary>
    private sealed class BlobSyncs(IBlobStore blobs)
    {
        public const int Batch = 10_000;

        private readonly Lock _lock = new();
        private List<string> _waiting = [];
        private Task _running = Task.CompletedTask;

        public void Add(string name)
        {
            lock (_lock)
            {
                _waiting.Add(name);
            }
        }

        /// <summary>Starts a sync of the waiting blobs when there are many and none runs (never blocks).</summary>
        public void StartIfMany(CancellationToken ct)
        {
            if (_waiting.Count >= Batch && _running.IsCompleted)
            {
                Start(ct);
            }
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            await _running;
            Start(ct);
            await _running;
        }

        private void Start(CancellationToken ct)
        {
            // A failed sync before this one surfaces here (and fails the build).
            _running.GetAwaiter().GetResult();
            List<string> batch;
            lock (_lock)
            {
                (batch, _waiting) = (_waiting, []);
            }
            _running = batch.Count == 0 ? Task.CompletedTask : Task.Run(() => blobs.SyncAsync(batch, ct), ct);
        }
    }

    private static string Temp(List<string> temps)
    {
        var path = Path.Combine(Path.GetTempPath(), $"yz-release-{Guid.NewGuid():N}.tmp");
        temps.Add(path);
        return path;
    }

    private sealed record VendorRow(long ContractId, long OrganizationId, string Name, string State);
}
