using System.Security.Cryptography;
using System.Text;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;

namespace Yunzhong.Server.Features.Releases;

/// <summary>
/// What a release says about its content, gathered as its first file is written, one task at a time
/// (memory: the schema's labels and the agreement counters, whatever the project's size): items and
/// annotations, counts per label of each control, agreement, the span of the annotations' times, and
/// <c>items.tsv</c>, one line per item (task id, SHA-256 of its data and answers), in id order, which
/// the diff between two releases reads.
/// </summary>
internal sealed class ReleaseFigures(LabelSchema schema, Stream itemsOut) : IDisposable
{
    private readonly List<AgreementAccumulator> _agreement = AgreementAccumulator.ForSchema(schema);
    private readonly Dictionary<string, Dictionary<string, long>> _labels = schema.Controls
        .Where(c => ControlKinds.Of(c.Type).CountsLabels)
        .ToDictionary(c => c.Name, c => Flatten(c.Labels).Distinct().ToDictionary(l => l, _ => 0L));
    private readonly StreamWriter _items = new(itemsOut, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
    private readonly List<JsonElement> _results = [];

    public long Items { get; private set; }

    public long Annotations { get; private set; }

    public DateTimeOffset? First { get; private set; }

    public DateTimeOffset? Last { get; private set; }

    public async ValueTask AddAsync(ExportTask task)
    {
        Items++;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(task.DataJson));
        var docs = new List<JsonDocument>(task.Annotations.Count);
        try
        {
            foreach (var a in task.Annotations)
            {
                Annotations++;
                First = First is { } f && f <= a.CreatedAt ? f : a.CreatedAt;
                Last = Last is { } l && l >= a.CreatedAt ? l : a.CreatedAt;
                hash.AppendData("\n"u8);
                hash.AppendData(Encoding.UTF8.GetBytes(a.ResultJson));
                var doc = JsonDocument.Parse(a.ResultJson);
                docs.Add(doc);
                foreach (var (control, counts) in _labels)
                {
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(control, out var value))
                    {
                        Count(value, counts);
                    }
                }
            }
            if (docs.Count >= 2)
            {
                _results.Clear();
                _results.AddRange(docs.Select(d => d.RootElement));
                foreach (var acc in _agreement)
                {
                    acc.AddTask(_results);
                }
            }
        }
        finally
        {
            foreach (var d in docs)
            {
                d.Dispose();
            }
        }
        await _items.WriteLineAsync($"{task.Id}\t{Convert.ToHexStringLower(hash.GetHashAndReset())}");
    }

    public Task FlushAsync() => _items.FlushAsync();

    public void Dispose() => _items.Dispose();

    /// <summary>Counts per label of each control, labels in the schema's order.</summary>
    public JsonElement LabelSection() => JsonSerializer.SerializeToElement(_labels, Wire.Options);

    public JsonElement QualitySection(long goldSeen, double goldScore) => JsonSerializer.SerializeToElement(new
    {
        agreement = _agreement.Select(a => a.Result()).ToList(),
        gold_answers = goldSeen,
        gold_accuracy = goldSeen > 0 ? goldScore / goldSeen : (double?)null,
    }, Wire.Options);

    /// <summary>Every string in a control's value that is one of its labels (a choice, a span's label, a taxonomy path's node).</summary>
    private static void Count(JsonElement value, Dictionary<string, long> counts)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when counts.ContainsKey(value.GetString()!):
                counts[value.GetString()!]++;
                break;
            case JsonValueKind.Array:
                foreach (var e in value.EnumerateArray())
                {
                    Count(e, counts);
                }
                break;
            case JsonValueKind.Object:
                // A region's quoted text may read like a label; it is not one.
                foreach (var p in value.EnumerateObject().Where(p => p.Name != "text"))
                {
                    Count(p.Value, counts);
                }
                break;
        }
    }

    private static IEnumerable<string> Flatten(IReadOnlyList<LabelDef> labels) =>
        labels.SelectMany(l => (IEnumerable<string>)[l.Value, .. Flatten(l.Children ?? [])]);
}
