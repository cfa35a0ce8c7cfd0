namespace Yunzhong.Server.Features.Compute;

/// <summary>A registered model as the API shows it.</summary>
/// <param name="Available">Its files are there with the registered checksums and load as ONNX taking the declared inputs.</param>
/// <param name="Problem">Why it is not available.</param>
public sealed record ModelView(
    long Id, string Name, string Version, ModelTask Task, FieldType InputField, ControlType OutputControl, string Licence, string Source,
    ModelFile[] Files, bool Available, string? Problem);

/// <summary>The registry: the shipped models' rows (written once, on first use after migration) and whether each can run here.</summary>
public sealed class ModelRegistry(Db db, OnnxHost host, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private Dictionary<long, (ModelSpec Spec, string? Problem)>? _models;

    public async Task<IReadOnlyDictionary<long, (ModelSpec Spec, string? Problem)>> ModelsAsync(CancellationToken ct)
    {
        if (_models is { } known)
        {
            return known;
        }
        await _once.WaitAsync(ct);
        try
        {
            if (_models is not null)
            {
                return _models;
            }
            await using var c = await db.OpenAsync(ct);
            foreach (var m in ModelCatalog.All)
            {
                await c.ExecuteAsync(new CommandDefinition(ComputeSql.RegisterModelSql, new
                {
                    name = m.Name, version = m.Version, task = Wire.Name(m.Task), input = Wire.Name(m.InputField), output = Wire.Name(m.OutputControl),
                    licence = m.Licence, source = m.Source, files = JsonSerializer.Serialize(m.Files, Wire.Options), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
                }, cancellationToken: ct));
            }
            var rows = await c.QueryAsync<(long Id, string Name, string Version)>(new CommandDefinition(ComputeSql.ModelsSql, cancellationToken: ct));
            var found = new Dictionary<long, (ModelSpec, string?)>();
            foreach (var (id, name, version) in rows)
            {
                if (ModelCatalog.All.FirstOrDefault(m => m.Name == name && m.Version == version) is { } spec)
                {
                    found[id] = (spec, Check(spec));
                }
            }
            return _models = found;
        }
        finally
        {
            _once.Release();
        }
    }

    public void Dispose() => _once.Dispose();

    public async Task<List<ModelView>> ViewsAsync(CancellationToken ct) =>
        [.. (await ModelsAsync(ct)).Select(kv => View(kv.Key, kv.Value.Spec, kv.Value.Problem))];

    internal static ModelView View(long id, ModelSpec m, string? problem) =>
        new(id, m.Name, m.Version, m.Task, m.InputField, m.OutputControl, m.Licence, m.Source, m.Files, problem is null, problem);

    /// <summary>Loads the model once to see that it can run; the reason when it cannot.</summary>
    private string? Check(ModelSpec spec)
    {
        try
        {
            using var runner = PreAnnotators.Load(spec, host);
            return null;
        }
        catch (ModelFileException e)
        {
            return e.Message;
        }
    }
}
