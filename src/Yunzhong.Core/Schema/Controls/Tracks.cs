using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Boxes tracked over the frames of a video (Label Studio's <c>VideoRectangle</c>). A track is a
/// region with a label and a <c>sequence</c> of keyframes <c>{frame, x, y, width, height, enabled,
/// rotation, time}</c>; frames count from 1 and coordinates are percent of the frame, as in Label
/// Studio, so results travel both ways unchanged. Between two keyframes the box moves linearly; a
/// keyframe with <c>enabled: false</c> turns the box off after it until the next keyframe, and the
/// last keyframe, when enabled, holds the box to the end of the video.
/// </summary>
internal sealed class TracksKind : ControlKind
{
    public override ControlType Type => ControlType.Tracks;

    public override string Name => "tracks";

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.Video];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Tracks(plan, index, value);

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["VideoRectangle"];

    // <VideoRectangle> has no labels of its own: Label Studio's <Labels> on the same <Video> give
    // them (LabelStudioConfig hands them over once every tag is mapped).
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        if (field!.Type != FieldType.Video)
        {
            context.Error(e, $"<{e.Name.LocalName}> '{name}' must label a video, not the {SchemaRules.Name(field.Type)} field '{field.Name}'.",
                SchemaErrorCodes.LabelStudioNotVideo, ("tag", e.Name.LocalName), ("name", name), ("field", field.Name));
            return null;
        }

        context.ReportChildren(e, null);
        return new LabelStudioDraft(e, name!, Type) { Field = field.Name };
    }

    private static readonly string[] _regionKeys = ["sequence", "framesCount", "duration"];

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            if (!value.TryGetProperty("sequence", out var seq) || seq.ValueKind != JsonValueKind.Array)
            {
                return "value.sequence must be an array of keyframes";
            }

            // The numbers keep their text, so a round trip gives Label Studio back its own bytes.
            var region = new JsonObject();
            foreach (var key in _regionKeys)
            {
                if (value.TryGetProperty(key, out var v))
                {
                    region[key] = JsonNode.Parse(v.GetRawText());
                }
            }

            regions.Add(region);
            return null;
        });

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        foreach (var track in v.EnumerateArray())
        {
            var value = new JsonObject();
            foreach (var key in _regionKeys)
            {
                if (track.TryGetProperty(key, out var k))
                {
                    value[key] = JsonNode.Parse(k.GetRawText());
                }
            }

            context.Output.Add(context.Item(control, Str(track, "id"), "videorectangle", WithLabel(value, "labels", track)));
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        TrackMetrics.Compare(TrackMetrics.Read(gold), TrackMetrics.Read(result));

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<Track>>(c, r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v) ? TrackMetrics.Read(v) : null,
            ["meanIoU"], (x, y) => [TrackMetrics.Compare(x, y)]);
    }
}

/// <summary>One keyframe of a track: its frame (from 1), the box in percent of the frame, whether the box is on.</summary>
public readonly record struct Keyframe(int Frame, double X, double Y, double W, double H, bool Enabled);

/// <summary>A tracked box: its label and keyframes in frame order; <see cref="LastFrame"/> is the video's last frame when known.</summary>
public sealed record Track(string? Label, IReadOnlyList<Keyframe> Keys, int LastFrame);

/// <summary>Interpolation of tracks and their comparison (mean IoU over the frames where either is on).</summary>
public static class TrackMetrics
{
    /// <summary>The tracks of a native <c>tracks</c> value; malformed keyframes are skipped (validation reports them).</summary>
    public static List<Track> Read(JsonElement value)
    {
        var tracks = new List<Track>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            return tracks;
        }

        foreach (var t in value.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("sequence", out var seq) || seq.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var keys = new List<Keyframe>();
            foreach (var k in seq.EnumerateArray())
            {
                if (k.ValueKind == JsonValueKind.Object && Int(k, "frame") is { } f && Dbl(k, "x") is { } x && Dbl(k, "y") is { } y
                    && Dbl(k, "width") is { } w && Dbl(k, "height") is { } h)
                {
                    keys.Add(new Keyframe(f, x, y, w, h, !k.TryGetProperty("enabled", out var en) || en.ValueKind != JsonValueKind.False));
                }
            }

            keys.Sort((a, b) => a.Frame.CompareTo(b.Frame));
            var last = Int(t, "framesCount") ?? (keys.Count > 0 ? keys[^1].Frame : 0);
            tracks.Add(new Track(Str(t, "label"), keys, last));
        }

        return tracks;
    }

    /// <summary>The box of <paramref name="track"/> at <paramref name="frame"/>, linearly between keyframes; null when off.</summary>
    public static Keyframe? At(Track track, int frame)
    {
        var keys = track.Keys;
        var lo = 0;
        var hi = keys.Count - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (keys[mid].Frame <= frame)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found < 0)
        {
            return null;
        }

        var a = keys[found];
        if (a.Frame == frame)
        {
            return a;
        }

        if (!a.Enabled)
        {
            return null;
        }

        if (found + 1 >= keys.Count)
        {
            return frame <= Math.Max(track.LastFrame, a.Frame) ? a : null;
        }

        var b = keys[found + 1];
        var t = (double)(frame - a.Frame) / (b.Frame - a.Frame);
        return new Keyframe(frame, a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t, a.W + (b.W - a.W) * t, a.H + (b.H - a.H) * t, true);
    }

    /// <summary>Mean IoU of two tracks over the frames where either is on; 0 when neither ever is.</summary>
    public static double PairIoU(Track a, Track b)
    {
        if (a.Keys.Count == 0 || b.Keys.Count == 0)
        {
            return 0;
        }

        var from = Math.Min(a.Keys[0].Frame, b.Keys[0].Frame);
        var to = Math.Max(Math.Max(a.LastFrame, a.Keys[^1].Frame), Math.Max(b.LastFrame, b.Keys[^1].Frame));
        double sum = 0;
        var count = 0;
        for (var f = from; f <= to; f++)
        {
            var x = At(a, f);
            var y = At(b, f);
            if (x is null && y is null)
            {
                continue;
            }

            count++;
            if (x is { } p && y is { } q)
            {
                sum += RegionMetrics.BoxIoU(new Box(p.X, p.Y, p.W, p.H, ""), new Box(q.X, q.Y, q.W, q.H, ""));
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>
    /// Tracks of the same label matched one to one, best pair first; the score is the sum of the
    /// matched pairs' mean IoU over the larger count of tracks, so missing and extra tracks both cost.
    /// </summary>
    public static double Compare(IReadOnlyList<Track> gold, IReadOnlyList<Track> result)
    {
        var n = Math.Max(gold.Count, result.Count);
        if (n == 0)
        {
            return 1;
        }

        var pairs = new List<(double IoU, int G, int R)>();
        for (var g = 0; g < gold.Count; g++)
        {
            for (var r = 0; r < result.Count; r++)
            {
                if (gold[g].Label == result[r].Label && PairIoU(gold[g], result[r]) is var iou and > 0)
                {
                    pairs.Add((iou, g, r));
                }
            }
        }

        pairs.Sort((p, q) => q.IoU.CompareTo(p.IoU));
        var usedG = new bool[gold.Count];
        var usedR = new bool[result.Count];
        double total = 0;
        foreach (var (iou, g, r) in pairs)
        {
            if (!usedG[g] && !usedR[r])
            {
                usedG[g] = usedR[r] = true;
                total += iou;
            }
        }

        return total / n;
    }

    private static int? Int(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static double? Dbl(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

public static partial class SchemaErrorCodes
{
    /// <summary>A track's keyframes are not in increasing frame order (<c>frame</c>, <c>previous</c>).</summary>
    public const string TrackFramesUnordered = "annotation.track.frames_unordered";

    /// <summary>A keyframe's frame is before 1 or past the video's last frame (<c>frame</c>, <c>last</c>).</summary>
    public const string TrackFrameOutside = "annotation.track.frame_outside";

    /// <summary>A keyframe's box is outside the frame: coordinates are percent, 0–100 (<c>key</c>, <c>value</c>).</summary>
    public const string TrackBoxOutside = "annotation.track.box_outside";

    /// <summary>A Label Studio video tool names a field that is not a video (<c>tag</c>, <c>name</c>, <c>field</c>).</summary>
    public const string LabelStudioNotVideo = "schema.ls.not_video";
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private static readonly RegionKeys _trackKeys = new("sequence", "framesCount", "duration");
        private static readonly RegionKeys _keyframeKeys = new("frame", "x", "y", "width", "height", "enabled", "rotation", "time");

        internal void Tracks(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "tracks"))
            {
                return;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "track", _trackKeys))
                {
                    Track(plan, i, item);
                }

                i++;
            }
        }

        private void Track(ControlPlan plan, int i, JsonElement track)
        {
            int? last = null;
            if (track.TryGetProperty("framesCount"u8, out var fc) && fc.ValueKind != JsonValueKind.Null)
            {
                if (fc.ValueKind == JsonValueKind.Number && fc.TryGetInt32(out var n) && n >= 1)
                {
                    last = n;
                }
                else
                {
                    Fail(At(plan, i, "framesCount"), $"'framesCount' of a track must be a whole number of frames, 1 or more, not {JsonText.Describe(fc)}.",
                        SchemaErrorCodes.NotNumber, ("key", "framesCount"));
                }
            }

            if (!track.TryGetProperty("sequence"u8, out var seq) || seq.ValueKind != JsonValueKind.Array || seq.GetArrayLength() == 0)
            {
                Fail(At(plan, i, "sequence"), $"Each track of '{plan.Def.Name}' needs a 'sequence' of one or more keyframes.", SchemaErrorCodes.NotList);
                return;
            }

            var prefix = At(plan, i, "sequence");
            var previous = 0;
            var k = 0;
            foreach (var key in seq.EnumerateArray())
            {
                var at = prefix + "/" + k;
                if (key.ValueKind != JsonValueKind.Object)
                {
                    Fail(at, $"Each keyframe of '{plan.Def.Name}' must be an object, not {JsonText.Describe(key)}.", SchemaErrorCodes.ItemNotObject);
                    k++;
                    continue;
                }

                foreach (var p in key.EnumerateObject())
                {
                    if (!_keyframeKeys.Contains(p))
                    {
                        Fail(at + "/" + JsonText.EscapePointerToken(p.Name), $"Key '{p.Name}' does not belong in a keyframe; it has {string.Join(", ", _keyframeKeys.Names)}.",
                            SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                    }
                }

                if (!key.TryGetProperty("frame"u8, out var fr) || fr.ValueKind != JsonValueKind.Number || !fr.TryGetInt32(out var frame))
                {
                    Fail(at + "/frame", "Each keyframe needs a whole number 'frame'.", SchemaErrorCodes.NumberNeeded, ("key", "frame"));
                }
                else if (frame < 1 || frame > last)
                {
                    Fail(at + "/frame", last is null
                        ? $"Keyframe frame {frame} must be 1 or more (frames count from 1)."
                        : $"Keyframe frame {frame} is outside the video, whose frames are 1 to {last}.",
                        SchemaErrorCodes.TrackFrameOutside, ("frame", frame), ("last", last));
                }
                else if (frame <= previous)
                {
                    Fail(at + "/frame", $"Keyframe frame {frame} must come after the keyframe before it, at frame {previous}.",
                        SchemaErrorCodes.TrackFramesUnordered, ("frame", frame), ("previous", previous));
                }
                else
                {
                    previous = frame;
                }

                Percent(at, key, "x", 0);
                Percent(at, key, "y", 0);
                Percent(at, key, "width", 1);
                Percent(at, key, "height", 1);
                if (key.TryGetProperty("enabled"u8, out var en) && en.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Fail(at + "/enabled", $"'enabled' of a keyframe must be true or false, not {JsonText.Describe(en)}.", SchemaErrorCodes.KeyUnknown, ("key", "enabled"));
                }

                k++;
            }
        }

        // x and y may be 0; width and height must be more than 0 (min 1 marks them); each within 0–100.
        private void Percent(string at, JsonElement key, string name, int positive)
        {
            if (!key.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
            {
                Fail(at + "/" + name, $"Each keyframe needs a number '{name}' (percent of the frame).", SchemaErrorCodes.NumberNeeded, ("key", name));
                return;
            }

            var d = v.GetDouble();
            if (d < 0 || d > 100 + 1e-6 || (positive == 1 && d <= 0))
            {
                Fail(at + "/" + name, $"Keyframe {name} {JsonText.Number(d)} is outside the frame: coordinates are percent, {(positive == 1 ? "more than 0" : "0")} to 100.",
                    SchemaErrorCodes.TrackBoxOutside, ("key", name), ("value", d));
            }
        }
    }
}
