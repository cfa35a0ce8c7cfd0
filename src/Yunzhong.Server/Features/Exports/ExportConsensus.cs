using System.Buffers;
using System.Text;
using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Quality;

namespace Yunzhong.Server.Features.Exports;

/// <summary>
/// The <c>consensus</c> object an export writes per task, as each control's kind says
/// (<see cref="ControlKind.Consensus"/>): for choices the label truth inference gives (run once per
/// job over the whole project, since it learns annotator skills from every task); for per-task kinds
/// (spans, rectangles, taxonomy) what the kind makes of the task's annotations in force. Only the
/// inferred labels are held (one per task); the rest is computed task by task.
/// </summary>
internal sealed class ExportConsensus
{
    private readonly List<(string Control, Dictionary<long, (string Label, double Confidence)> Truths, IReadOnlyDictionary<string, string[]> Values)> _choices;
    private readonly List<ControlDef> _regions;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    private ExportConsensus(List<(string, Dictionary<long, (string, double)>, IReadOnlyDictionary<string, string[]>)> choices, List<ControlDef> regions)
    {
        _choices = choices;
        _regions = regions;
    }

    public static async Task<ExportConsensus> CreateAsync(DbConnection c, ProjectConfig project, TruthMethod method, CancellationToken ct)
    {
        var choices = new List<(string, Dictionary<long, (string, double)>, IReadOnlyDictionary<string, string[]>)>();
        foreach (var control in project.Schema.Controls.Where(x => ControlKinds.Of(x.Type).Consensus == ConsensusWay.TruthInference))
        {
            var truths = await ProjectAnswers.InferAsync(c, project, control, method, ct);
            choices.Add((control.Name, truths.Items.ToDictionary(i => i.TaskId, i => (i.Label, i.Confidence)), truths.Values));
        }
        var regions = project.Schema.Controls.Where(x => ControlKinds.Of(x.Type).Consensus == ConsensusWay.PerTask).ToList();
        return new ExportConsensus(choices, regions);
    }

    /// <summary>The task's consensus object as JSON, from the results of its annotations in force.</summary>
    public string Build(long taskId, IReadOnlyList<string> resultsInForce)
    {
        var docs = resultsInForce.Select(r => JsonDocument.Parse(r)).ToList();
        try
        {
            _buffer.ResetWrittenCount();
            using var json = new Utf8JsonWriter(_buffer);
            json.WriteStartObject();
            foreach (var (control, truths, values) in _choices)
            {
                if (!truths.TryGetValue(taskId, out var t))
                {
                    continue;
                }
                json.WriteStartObject(control);
                json.WriteStartArray("value");
                foreach (var v in values.TryGetValue(t.Label, out var options) ? options : [t.Label])
                {
                    json.WriteStringValue(v);
                }
                json.WriteEndArray();
                json.WriteNumber("confidence", t.Confidence);
                json.WriteEndObject();
            }
            if (docs.Count > 0)
            {
                var results = docs.Select(d => d.RootElement).ToList();
                foreach (var control in _regions)
                {
                    ControlKinds.Of(control.Type).WriteConsensus(json, control, results);
                }
            }
            json.WriteEndObject();
            json.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
        finally
        {
            foreach (var d in docs)
            {
                d.Dispose();
            }
        }
    }
}
