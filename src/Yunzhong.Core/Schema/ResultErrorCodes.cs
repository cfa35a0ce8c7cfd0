namespace Yunzhong.Core.Schema;

/// <summary>
/// Codes of the annotation checks (<see cref="AnnotationValidator"/>), the task data checks
/// (<see cref="LabelSchema.ValidateTaskData"/>) and the Label Studio config mapping
/// (<see cref="LabelStudioConfig"/>). Where an error is (control, item, key) comes from its path;
/// the params named here are the values its message needs.
/// </summary>
public static partial class SchemaErrorCodes
{
    /// <summary>The result is not an object keyed by control name.</summary>
    public const string ResultNotObject = "annotation.not_object";

    /// <summary>The result or task data holds text that is not valid Unicode.</summary>
    public const string BadUnicode = "annotation.bad_unicode";

    /// <summary>A control appears twice in the result (<c>name</c>).</summary>
    public const string ControlRepeated = "annotation.control_repeated";

    /// <summary>A value that must be a list is not one.</summary>
    public const string NotList = "annotation.not_list";

    /// <summary>A value that must be text is not.</summary>
    public const string NotText = "annotation.not_text";

    /// <summary>A value that must be a number is not (<c>key</c>).</summary>
    public const string NotNumber = "annotation.not_number";

    /// <summary>An item that must be an object is not.</summary>
    public const string ItemNotObject = "annotation.item_not_object";

    /// <summary>A key that does not belong in the value or item (<c>key</c>).</summary>
    public const string KeyUnknown = "annotation.key_unknown";

    /// <summary>A region without a non-empty string id.</summary>
    public const string RegionIdNeeded = "annotation.region.id_needed";

    /// <summary>A region id used twice in the result (<c>id</c>).</summary>
    public const string RegionIdRepeated = "annotation.region.id_repeated";

    /// <summary>A label on a region of a control without labels (<c>control</c>).</summary>
    public const string LabelNotTaken = "annotation.label.not_taken";

    /// <summary>A region of a control with labels has none.</summary>
    public const string LabelNeeded = "annotation.label.needed";

    /// <summary>A label that is not one of the control's (<c>value</c>, <c>control</c>).</summary>
    public const string LabelUnknown = "annotation.label.unknown";

    /// <summary>A number a region needs is missing (<c>key</c>).</summary>
    public const string NumberNeeded = "annotation.number_needed";

    /// <summary>A coordinate or time below 0 (<c>value</c>).</summary>
    public const string Negative = "annotation.negative";

    /// <summary>A point or edge past the image (<c>value</c>, <c>limit</c>: the width or height in pixels).</summary>
    public const string OutsideImage = "annotation.image.outside";

    /// <summary>A box with a width or height of 0 or less (<c>value</c>).</summary>
    public const string BoxNotPositive = "annotation.box.not_positive";

    /// <summary>A rotated box reaching past the image (<c>rotation</c>, <c>width</c>, <c>height</c>).</summary>
    public const string BoxRotatedOutside = "annotation.box.rotated_outside";

    /// <summary>A polygon without its list of points.</summary>
    public const string PolygonPointsNeeded = "annotation.polygon.points_needed";

    /// <summary>A polygon of fewer than 3 points (<c>count</c>).</summary>
    public const string PolygonTooFew = "annotation.polygon.too_few";

    /// <summary>A polygon point that is not an [x, y] pair (<c>point</c>: 1-based).</summary>
    public const string PolygonPointInvalid = "annotation.polygon.point_invalid";

    /// <summary>An option chosen twice (<c>value</c>).</summary>
    public const string ChoiceRepeated = "annotation.choice.repeated";

    /// <summary>A taxonomy path that is not a non-empty list of option values.</summary>
    public const string TaxonomyPathInvalid = "annotation.taxonomy.path_invalid";

    /// <summary>A step that is not a top-level option (<c>value</c>).</summary>
    public const string TaxonomyUnknownTop = "annotation.taxonomy.unknown_top";

    /// <summary>A step that is not an option under the previous one (<c>value</c>, <c>parent</c>).</summary>
    public const string TaxonomyUnknownUnder = "annotation.taxonomy.unknown_under";

    /// <summary>A path that stops above a leaf where leaves only are taken.</summary>
    public const string TaxonomyNotLeaf = "annotation.taxonomy.not_leaf";

    /// <summary>A path chosen twice.</summary>
    public const string TaxonomyRepeated = "annotation.taxonomy.repeated";

    /// <summary>Too many paths (<c>max</c>, <c>count</c>).</summary>
    public const string TaxonomyCount = "annotation.taxonomy.count";

    /// <summary>A ranking's value is not the object it must be.</summary>
    public const string RankingNotObject = "annotation.ranking.not_object";

    /// <summary>A rationale for a ranking that asks for none.</summary>
    public const string RankingNoRationale = "annotation.ranking.no_rationale";

    /// <summary>The task has no list to rank (<c>field</c>).</summary>
    public const string RankingNoList = "annotation.ranking.no_list";

    /// <summary>A pairwise comparison of a list of fewer than two items (<c>count</c>).</summary>
    public const string RankingTooFewItems = "annotation.ranking.too_few_items";

    /// <summary>The preferred answer is not a, b or tie.</summary>
    public const string RankingPreferred = "annotation.ranking.preferred";

    /// <summary>A ranking without its order.</summary>
    public const string RankingOrderNeeded = "annotation.ranking.order_needed";

    /// <summary>An order entry that is not an item of the list (<c>value</c>).</summary>
    public const string RankingItemUnknown = "annotation.ranking.item_unknown";

    /// <summary>An item ranked twice (<c>value</c>).</summary>
    public const string RankingItemRepeated = "annotation.ranking.item_repeated";

    /// <summary>An order that leaves an item out (<c>missing</c>).</summary>
    public const string RankingIncomplete = "annotation.ranking.incomplete";

    /// <summary>A ranking with buckets whose answer has no <c>buckets</c> object (<c>name</c>: the control).</summary>
    public const string RankingBucketsNeeded = "annotation.ranking.buckets_needed";

    /// <summary>An answer that puts items into a bucket the control lacks (<c>value</c>: the bucket, <c>name</c>: the control).</summary>
    public const string RankingBucketUnknown = "annotation.ranking.bucket_unknown";

    /// <summary>A rating that is not a whole number from 1 to <c>max</c>.</summary>
    public const string RatingRange = "annotation.rating.range";

    /// <summary>A relation without one of its ends (<c>key</c>: from or to).</summary>
    public const string RelationEndNeeded = "annotation.relation.end_needed";

    /// <summary>A relation end that is no span of the result (<c>value</c>).</summary>
    public const string RelationEndUnknown = "annotation.relation.end_unknown";

    /// <summary>A relation's direction other than right, left or bi (<c>value</c>).</summary>
    public const string RelationDirectionInvalid = "annotation.relation.direction_invalid";

    /// <summary>A segment that ends at or before its start (<c>start</c>, <c>end</c>).</summary>
    public const string SegmentEmpty = "annotation.segment.empty";

    /// <summary>A segment past the end of the media (<c>end</c>, <c>duration</c>).</summary>
    public const string SegmentPastMedia = "annotation.segment.past_media";

    /// <summary>The task has no text to place spans in (<c>field</c>).</summary>
    public const string SpanNoText = "annotation.span.no_text";

    /// <summary>The task's text cannot be counted in code points (<c>field</c>).</summary>
    public const string SpanBadText = "annotation.span.bad_text";

    /// <summary>A span's text differs from the task's text at its offsets (<c>value</c>, <c>expected</c>).</summary>
    public const string SpanTextDiffers = "annotation.span.text_differs";

    /// <summary>A span offset missing or not a whole number (<c>key</c>).</summary>
    public const string SpanOffsetInvalid = "annotation.span.offset_invalid";

    /// <summary>A per-segment transcription that is not an object from segment id to text.</summary>
    public const string TranscriptionNotObject = "annotation.transcription.not_object";

    /// <summary>A per-segment transcription of a segment the result lacks (<c>id</c>).</summary>
    public const string TranscriptionSegmentUnknown = "annotation.transcription.segment_unknown";

    /// <summary>The task data is not an object.</summary>
    public const string DataNotObject = "data.not_object";

    /// <summary>A field of the schema is missing from the task data (<c>name</c>).</summary>
    public const string DataFieldMissing = "data.field_missing";

    /// <summary>A text field that is not text (<c>name</c>).</summary>
    public const string DataFieldNotText = "data.field_not_text";

    /// <summary>A media field without a URL or media path (<c>name</c>, <c>type</c>: image, audio or video).</summary>
    public const string DataMediaMissing = "data.media_missing";

    /// <summary>A document box on no page of the document (<c>value</c>; <c>pages</c>: how many the task lists, or null).</summary>
    public const string BoxPageOutOfRange = "annotation.box.page_out_of_range";

    /// <summary>A dialogue field that is not an array (<c>name</c>).</summary>
    public const string DataDialogueInvalid = "data.dialogue_invalid";

    /// <summary>A message of a dialogue field without text (<c>name</c>, <c>index</c>).</summary>
    public const string DataMessageNoText = "data.message_no_text";

    /// <summary>Dialogue regions on a task without the dialogue, or on a message without text (<c>name</c>).</summary>
    public const string DialogueNoMessages = "annotation.dialogue.no_messages";

    /// <summary>A dialogue region without an integer message index.</summary>
    public const string DialogueMessageInvalid = "annotation.dialogue.message_invalid";

    /// <summary>A dialogue region's message index past the dialogue (<c>value</c>, <c>count</c>).</summary>
    public const string DialogueMessageOutOfRange = "annotation.dialogue.message_out_of_range";

    /// <summary>An html field whose elements nest deeper than <see cref="HtmlText.MaxDepth"/> (<c>name</c>, <c>max</c>).</summary>
    public const string DataHtmlTooDeep = "data.html_too_deep";

    /// <summary>A time series field that is neither a CSV reference nor an object of equally long columns (<c>name</c>, <c>column</c> when one is at fault).</summary>
    public const string DataTimeSeriesInvalid = "data.timeseries_invalid";

    /// <summary>A time series range whose <c>start</c> or <c>end</c> is neither a finite number nor an ISO 8601 time (<c>key</c>).</summary>
    public const string TimeSeriesTimeInvalid = "annotation.timeseries.time_invalid";

    /// <summary>A time series range that ends before it starts, or an instant whose end is not its start (<c>start</c>, <c>end</c>).</summary>
    public const string TimeSeriesRangeReversed = "annotation.timeseries.range_reversed";

    /// <summary>A list field that is not a list (<c>name</c>).</summary>
    public const string DataListInvalid = "data.list_invalid";

    /// <summary>A list item that is neither a string nor an { id, text } object like the first (<c>name</c>).</summary>
    public const string DataListItemInvalid = "data.list_item_invalid";

    /// <summary>A list item without a non-empty string id (<c>name</c>).</summary>
    public const string DataListIdNeeded = "data.list_id_needed";

    /// <summary>A list item id used twice (<c>id</c>, <c>name</c>).</summary>
    public const string DataListIdRepeated = "data.list_id_repeated";

    /// <summary>A list item without its text (<c>name</c>).</summary>
    public const string DataListTextNeeded = "data.list_text_needed";

    /// <summary>Options from the data (<c>optionsFrom</c>, <c>labelsFrom</c>) that are not an array of
    /// strings or <c>{ value }</c> objects (<c>name</c>, the data key; <c>control</c>).</summary>
    public const string DataOptionsInvalid = "data.options_invalid";

    /// <summary>The schema is not JSON.</summary>
    public const string SchemaNotJson = "schema.not_json";

    /// <summary>The schema holds text that is not valid Unicode.</summary>
    public const string SchemaBadUnicode = "schema.bad_unicode";

    /// <summary>The schema, a field, a control or a label is not an object.</summary>
    public const string SchemaNotObject = "schema.not_object";

    /// <summary>The fields, controls or labels are not a list.</summary>
    public const string SchemaNotList = "schema.not_list";

    /// <summary>A key a field does not have (<c>key</c>).</summary>
    public const string SchemaFieldKeyUnknown = "schema.field_key_unknown";

    /// <summary>A key a label or option does not have (<c>key</c>).</summary>
    public const string SchemaLabelKeyUnknown = "schema.label_key_unknown";

    /// <summary>A label that is neither text nor an object.</summary>
    public const string SchemaLabelInvalid = "schema.label_invalid";

    /// <summary>A ranking mode other than rank and pairwise (<c>value</c>).</summary>
    public const string SchemaRankingMode = "schema.ranking_mode";

    /// <summary>A ranking's <c>fields</c> that are not two different fields of a pairwise control without <c>field</c> (<c>name</c>: the control).</summary>
    public const string SchemaRankingFields = "schema.ranking_fields";

    /// <summary>Ranking buckets on a pairwise control, or a bucket named <c>_</c>, which Label Studio keeps for the items left out (<c>name</c>: the control).</summary>
    public const string SchemaRankingBuckets = "schema.ranking_buckets";

    /// <summary>A key that must be true or false (<c>key</c>).</summary>
    public const string SchemaNotBool = "schema.not_bool";

    /// <summary>A key that must be a whole number (<c>key</c>).</summary>
    public const string SchemaNotInteger = "schema.not_integer";

    /// <summary>A min or max on a control that takes one answer (<c>key</c>).</summary>
    public const string SchemaMinMaxSingle = "schema.min_max_single";

    /// <summary>A min below 0 (<c>value</c>).</summary>
    public const string SchemaMinNegative = "schema.min_negative";

    /// <summary>A max below 1 (<c>value</c>).</summary>
    public const string SchemaMaxBelowOne = "schema.max_below_one";

    /// <summary>A min above the max (<c>min</c>, <c>max</c>).</summary>
    public const string SchemaMinAboveMax = "schema.min_above_max";

    /// <summary>A min above the number of options (<c>min</c>, <c>count</c>).</summary>
    public const string SchemaMinAboveOptions = "schema.min_above_options";

    /// <summary>A rating's max outside its bounds (<c>min</c>, <c>max</c>, <c>value</c>).</summary>
    public const string SchemaRatingMax = "schema.rating_max";

    /// <summary>A relations control without the spans control it links.</summary>
    public const string SchemaSpansNeeded = "schema.spans_needed";

    /// <summary>A relations control naming no spans control (<c>name</c>).</summary>
    public const string SchemaSpansUnknown = "schema.spans_unknown";

    /// <summary>A taxonomy hotkey below the top level.</summary>
    public const string SchemaTaxonomyHotkey = "schema.taxonomy_hotkey";

    /// <summary>A per-segment transcription naming no segments control (<c>name</c>).</summary>
    public const string SchemaPerSegmentUnknown = "schema.per_segment_unknown";

    /// <summary>A per-segment transcription on another field than its segments (<c>field</c>, <c>other</c>, <c>control</c>).</summary>
    public const string SchemaPerSegmentField = "schema.per_segment_field";

    /// <summary>A per-region attribute naming no spans, rectangles, polygons, keypoints, segments or timeseries control (<c>name</c>).</summary>
    public const string SchemaPerRegionUnknown = "schema.per_region_unknown";

    /// <summary>A transcription both per segment and per region.</summary>
    public const string SchemaPerRegionAndSegment = "schema.per_region_and_segment";

    /// <summary>A schema change removes a field existing annotations label (<c>name</c>).</summary>
    public const string ChangeFieldRemoved = "schema.change.field_removed";

    /// <summary>A schema change removes or renames a control holding annotations (<c>name</c>).</summary>
    public const string ChangeControlRemoved = "schema.change.control_removed";

    /// <summary>A schema change alters what a control or field must keep once annotated (<c>name</c>, <c>key</c>: type, field, spans, perSegment, mode, multiple).</summary>
    public const string ChangeKeeps = "schema.change.keeps";

    /// <summary>A schema change makes a control required that existing annotations may lack (<c>name</c>).</summary>
    public const string ChangeRequired = "schema.change.required";

    /// <summary>A schema change narrows what a control accepts (<c>name</c>, <c>key</c>: max, min or leafsOnly).</summary>
    public const string ChangeNarrower = "schema.change.narrower";

    /// <summary>A schema change removes labels or options existing annotations use (<c>name</c>, <c>labels</c>).</summary>
    public const string ChangeLabelsRemoved = "schema.change.labels_removed";

    /// <summary>Two tags show one $variable as different field types (<c>name</c>).</summary>
    public const string LabelStudioFieldTypes = "schema.ls.field_types";

    /// <summary>A pairwise tag that names more than two objects (<c>tag</c>, <c>count</c>).</summary>
    public const string LabelStudioPairwiseObjects = "schema.ls.pairwise_objects";

    /// <summary>A toName that names several objects (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioToNameOne = "schema.ls.to_name_one";

    /// <summary>&lt;Labels&gt; on a field that is neither text, audio, video nor image (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioLabelsUnfit = "schema.ls.labels_unfit";

    /// <summary>A region tool on a field that is not an image (<c>tag</c>, <c>name</c>, <c>field</c>).</summary>
    public const string LabelStudioNotImage = "schema.ls.not_image";

    /// <summary>A maxRating or maxUsages that is not a whole number (<c>value</c>).</summary>
    public const string LabelStudioNotWhole = "schema.ls.not_whole";

    /// <summary>Labels on an image without a tool to take them (<c>tag</c>, <c>name</c>, <c>field</c>).</summary>
    public const string LabelStudioNoTool = "schema.ls.no_tool";

    /// <summary>&lt;Relations&gt; without labels on a text to link.</summary>
    public const string LabelStudioRelationsNoSpans = "schema.ls.relations_no_spans";

    /// <summary>&lt;Relations&gt; where several span controls could be meant (<c>names</c>).</summary>
    public const string LabelStudioRelationsAmbiguous = "schema.ls.relations_ambiguous";

    /// <summary>A per-region text area, choices or rating whose object has no region controls (<c>name</c>, <c>field</c>).</summary>
    public const string LabelStudioPerRegionNoSegments = "schema.ls.per_region_no_segments";

    /// <summary>A taxonomy that loads its options from a URL (<c>name</c>).</summary>
    public const string LabelStudioTaxonomyApi = "schema.ls.taxonomy_api";

    /// <summary>A per-region taxonomy (<c>name</c>).</summary>
    public const string LabelStudioTaxonomyPerRegion = "schema.ls.taxonomy_per_region";

    /// <summary>A per-region attribute whose value is not an object from region id to value.</summary>
    public const string AttributeNotObject = "annotation.attribute.not_object";

    /// <summary>A per-region attribute keyed by an id that is no region it describes (<c>id</c>, <c>control</c>).</summary>
    public const string AttributeRegionUnknown = "annotation.attribute.region_unknown";

    /// <summary>A region without a value of a required per-region attribute (<c>id</c>, <c>control</c>).</summary>
    public const string AttributeRequired = "annotation.attribute.required";
}
