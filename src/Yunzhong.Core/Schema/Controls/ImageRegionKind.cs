using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// What the kinds drawn on an image share: an image field, labels, and Label Studio's geometry in
/// percent of the image (converted to and from pixels by the shared image-region conversion).
/// </summary>
internal abstract class ImageRegionKind : ControlKind
{
    private readonly string _labelsTag;

    /// <param name="labelsTag">Label Studio's tag with labels (e.g. <c>RectangleLabels</c>); the tag without
    /// the <c>Labels</c> suffix (<c>Rectangle</c>) maps to the same kind.</param>
    protected ImageRegionKind(string labelsTag)
    {
        _labelsTag = labelsTag;
        LabelStudioTags = [labelsTag, labelsTag[..^"Labels".Length]];
    }

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.Image];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels" or "labelsFrom";

    internal override IReadOnlyList<string> LabelStudioTags { get; }

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        context.Geometry(e, name!, field!, Type, _labelsTag);

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions => ImageRegionToNative(control, item, value, context, regions));

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context) =>
        ImageRegionsFromNative(control, v, context);

    /// <summary>Agreement of regions matched by IoU between two annotators: F1 and mean IoU of the matches.</summary>
    protected static AgreementAccumulator RegionAgreement<T>(ControlDef c, Func<JsonElement, string, List<T>> read, Func<List<T>, List<T>, MatchScore> compare)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<T>>(c, r => read(r, name), ["f1", "meanIoU"], (x, y) =>
        {
            var s = compare(x, y);
            return [s.F1, s.MeanIoU];
        });
    }
}
