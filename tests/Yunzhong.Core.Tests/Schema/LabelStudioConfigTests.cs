using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

public class LabelStudioConfigTests
{
    private static LabelSchema Imported(string xml)
    {
        var import = LabelStudioConfig.Import(xml);
        Assert.True(import.Errors.Count == 0, string.Join("\n", import.Errors));
        Assert.NotNull(import.Schema);
        return import.Schema;
    }

    private static LabelStudioConfigImport Failed(string xml)
    {
        var import = LabelStudioConfig.Import(xml);
        Assert.Null(import.Schema);
        Assert.NotEmpty(import.Errors);
        return import;
    }

    [Fact]
    public void NamedEntityConfigBecomesSpansAndRelations()
    {
        var s = Imported("""
            <View>
              <Labels name="label" toName="text">
                <Label value="PER" background="red"/>
                <Label value="ORG" background="darkorange" hotkey="o"/>
              </Labels>
              <Text name="text" value="$text" granularity="word"/>
              <Relations>
                <Relation value="works_for"/>
                <Relation value="born_in"/>
              </Relations>
            </View>
            """);

        Assert.Equal([new FieldDef("text", FieldType.Text)], s.Fields);
        var label = s.Control("label")!;
        Assert.Equal(ControlType.Spans, label.Type);
        Assert.Equal("text", label.Field);
        Assert.Equal([new LabelDef("PER", null, "red"), new LabelDef("ORG", "o", "darkorange")], label.Labels);
        var relations = s.Control("relations")!;
        Assert.Equal(ControlType.Relations, relations.Type);
        Assert.Equal("label", relations.Spans);
        Assert.Equal(["works_for", "born_in"], relations.Labels.Select(l => l.Value));
    }

    [Fact]
    public void ImportedSchemaValidatesAnnotations()
    {
        var s = Imported("""
            <View>
              <Text name="text" value="$text"/>
              <Labels name="ner" toName="text"><Label value="PER"/></Labels>
            </View>
            """);

        var data = Json("""{ "text": "李白 wrote" }""");
        Assert.Empty(s.ValidateTaskData(data));
        Assert.Empty(AnnotationValidator.Validate(s, data, Json("""{ "ner": [ { "id": "a", "start": 0, "end": 2, "label": "PER", "text": "李白" } ] }""")));
        Assert.Equal("/ner/0/label", Paths(AnnotationValidator.Validate(s, data, Json("""{ "ner": [ { "id": "a", "start": 0, "end": 2, "label": "LOC" } ] }"""))));
    }

    [Fact]
    public void ImageBoundingBoxConfigBecomesRectangles()
    {
        var s = Imported("""
            <View>
              <Image name="image" value="$image" zoom="true" zoomControl="true"/>
              <RectangleLabels name="label" toName="image" strokeWidth="3">
                <Label value="Airplane" background="green"/>
                <Label value="Car" background="blue" hotkey="c"/>
              </RectangleLabels>
            </View>
            """);

        Assert.Equal([new FieldDef("image", FieldType.Image)], s.Fields);
        var c = s.Control("label")!;
        Assert.Equal(ControlType.Rectangles, c.Type);
        Assert.Equal("image", c.Field);
        Assert.Equal([new LabelDef("Airplane", null, "green"), new LabelDef("Car", "c", "blue")], c.Labels);
    }

    [Fact]
    public void PolygonConfigBecomesPolygons()
    {
        var s = Imported("""
            <View>
              <Header value="Select label and click the image to start"/>
              <Image name="image" value="$image" zoom="true"/>
              <PolygonLabels name="label" toName="image" strokeWidth="3" pointSize="small" opacity="0.9">
                <Label value="Airplane" background="red"/>
                <Label value="Car" background="blue"/>
              </PolygonLabels>
            </View>
            """);

        Assert.Equal(ControlType.Polygons, s.Control("label")!.Type);
        Assert.Equal(2, s.Control("label")!.Labels.Count);
    }

    [Fact]
    public void KeypointConfigBecomesKeypoints()
    {
        var s = Imported("""
            <View>
              <KeyPointLabels name="kp-1" toName="img-1">
                <Label value="Face" background="red"/>
                <Label value="Nose" background="green"/>
              </KeyPointLabels>
              <Image name="img-1" value="$img"/>
            </View>
            """);

        Assert.Equal([new FieldDef("img", FieldType.Image)], s.Fields);
        var c = s.Control("kp-1")!;
        Assert.Equal(ControlType.Keypoints, c.Type);
        Assert.Equal("img", c.Field);
    }

    [Fact]
    public void GenericLabelsGiveTheirLabelsToBareImageTools()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Image name="image" value="$image"/>
              <Labels name="tags" toName="image"><Label value="Car"/><Label value="Tree"/><Hint value="x"/></Labels>
              <Rectangle name="box" toName="image"/>
              <Polygon name="outline" toName="image"/>
            </View>
            """);
        var s = import.Schema!;

        Assert.Equal([new UnmappedTag("Hint", null)], import.Unmapped);

        Assert.Equal(["box", "outline"], s.Controls.Select(c => c.Name));
        Assert.Equal(["Car", "Tree"], s.Control("box")!.Labels.Select(l => l.Value));
        Assert.Equal(["Car", "Tree"], s.Control("outline")!.Labels.Select(l => l.Value));
        Assert.Null(s.Control("tags"));
    }

    [Fact]
    public void AudioSegmentationWithPerRegionTextAreaBecomesPerSegmentTranscription()
    {
        var s = Imported("""
            <View>
              <Labels name="labels" toName="audio">
                <Label value="Speech"/>
                <Label value="Noise"/>
              </Labels>
              <AudioPlus name="audio" value="$audio"/>
              <TextArea name="transcription" toName="audio" rows="2" editable="true" perRegion="true" required="true"/>
            </View>
            """);

        Assert.Equal([new FieldDef("audio", FieldType.Audio)], s.Fields);
        Assert.Equal(ControlType.Segments, s.Control("labels")!.Type);
        var t = s.Control("transcription")!;
        Assert.Equal(ControlType.Transcription, t.Type);
        Assert.Equal("labels", t.PerSegment);
        Assert.True(t.Required);
    }

    [Fact]
    public void WholeAudioTextAreaIsPlainTranscription()
    {
        var s = Imported("""
            <View>
              <Audio name="audio" value="$url"/>
              <TextArea name="transcription" toName="audio" maxSubmissions="1"/>
            </View>
            """);

        var t = s.Control("transcription")!;
        Assert.Null(t.PerSegment);
        Assert.Equal("url", t.Field);
    }

    [Fact]
    public void VideoLabelsBecomeSegments()
    {
        var s = Imported("""
            <View>
              <Video name="video" value="$video"/>
              <Labels name="actions" toName="video"><Label value="run"/></Labels>
            </View>
            """);

        Assert.Equal(ControlType.Segments, s.Control("actions")!.Type);
        Assert.Equal(FieldType.Video, s.Field("video")!.Type);
    }

    [Fact]
    public void TextClassificationInNestedViewsBecomesChoices()
    {
        var s = Imported("""
            <View>
              <Text name="text" value="$text"/>
              <View style="box-shadow: 2px 2px 5px #999; padding: 20px; margin-top: 2em; border-radius: 5px;">
                <Header value="Choose text sentiment:"/>
                <Choices name="sentiment" toName="text" choice="single" showInLine="true" required="true">
                  <Choice value="Positive" hotkey="1"/>
                  <Choice value="Negative" hotkey="2"/>
                  <Choice value="Neutral" hotkey="3"/>
                </Choices>
                <Choices name="topics" toName="text" choice="multiple">
                  <Choice value="sports"/>
                  <Choice value="politics"/>
                </Choices>
              </View>
            </View>
            """);

        var sentiment = s.Control("sentiment")!;
        Assert.Equal(ControlType.Choices, sentiment.Type);
        Assert.False(sentiment.Multiple);
        Assert.True(sentiment.Required);
        Assert.Equal([new LabelDef("Positive", "1"), new LabelDef("Negative", "2"), new LabelDef("Neutral", "3")], sentiment.Labels);
        Assert.True(s.Control("topics")!.Multiple);
        Assert.False(s.Control("topics")!.Required);
    }

    [Fact]
    public void RatingKeepsItsMaximum()
    {
        var s = Imported("""
            <View>
              <Text name="text" value="$text"/>
              <Rating name="rating" toName="text" maxRating="10" icon="star" size="medium"/>
              <Rating name="plain" toName="text"/>
            </View>
            """);

        Assert.Equal(ControlType.Rating, s.Control("rating")!.Type);
        Assert.Equal(10, s.Control("rating")!.RatingMax);
        Assert.Equal(5, s.Control("plain")!.RatingMax);
    }

    [Fact]
    public void RatingOutsideTheNativeRangeIsAnErrorAtTheTag()
    {
        var import = Failed("""
            <View>
              <Text name="text" value="$text"/>
              <Rating name="rating" toName="text" maxRating="20"/>
            </View>
            """);

        Assert.Equal("/View[1]/Rating[1]", Paths(import.Errors));
        Assert.Contains("20", import.Errors[0].Message);
    }

    [Fact]
    public void RankerOverAListBecomesRanking()
    {
        var s = Imported("""
            <View>
              <Style>.htx-text { white-space: pre-wrap; }</Style>
              <Text name="prompt" value="$prompt"/>
              <List name="results" value="$items" title="Search results"/>
              <Ranker name="rank" toName="results"/>
            </View>
            """);

        Assert.Equal([new FieldDef("prompt", FieldType.Text), new FieldDef("items", FieldType.List)], s.Fields);
        var r = s.Control("rank")!;
        Assert.Equal(ControlType.Ranking, r.Type);
        Assert.Equal(RankingMode.Rank, r.Mode);
        Assert.Equal("items", r.Field);
    }

    [Fact]
    public void PairwiseOverAListBecomesPairwiseRanking()
    {
        var s = Imported("""
            <View>
              <List name="answers" value="$answers"/>
              <Pairwise name="pw" toName="answers"/>
            </View>
            """);

        Assert.Equal(FieldType.List, s.Field("answers")!.Type);
        Assert.Equal(RankingMode.Pairwise, s.Control("pw")!.Mode);
    }

    [Fact]
    public void PairwiseOverTwoTextsComparesTheirTwoFields()
    {
        var s = Imported("""
            <View>
              <Header value="Select one of two items"/>
              <Pairwise name="pw" toName="text1,text2"/>
              <Text name="text1" value="$text1"/>
              <Text name="text2" value="$text2"/>
            </View>
            """);

        var pw = s.Control("pw")!;
        Assert.Equal((RankingMode.Pairwise, null, "text1,text2"), (pw.Mode, pw.Field, pw.ToName));
        Assert.Equal(["text1", "text2"], pw.Fields!);
    }

    [Fact]
    public void PairwiseOverThreeObjectsIsExplainedAsAnError()
    {
        var import = Failed("""
            <View>
              <Pairwise name="pw" toName="text1,text2,text3"/>
              <Text name="text1" value="$text1"/><Text name="text2" value="$text2"/><Text name="text3" value="$text3"/>
            </View>
            """);

        Assert.Equal("/View[1]/Pairwise[1]", Paths(import.Errors));
        Assert.Equal(SchemaErrorCodes.LabelStudioPairwiseObjects, import.Errors[0].Code);
    }

    [Fact]
    public void HyperTextLabelsBecomeSpansOnHtml()
    {
        var s = Imported("""
            <View>
              <HyperText name="page" value="$html"/>
              <HyperTextLabels name="ner" toName="page"><Label value="Title"/></HyperTextLabels>
            </View>
            """);

        Assert.Equal([new FieldDef("html", FieldType.Html)], s.Fields);
        Assert.Equal(ControlType.Spans, s.Control("ner")!.Type);
    }

    [Fact]
    public void UnknownTagsAreReportedByNameNotDropped()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
              <Number name="count" toName="image"/>
              <Shortcut value="x"/>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Equal(
            [new UnmappedTag("Number", "count"), new UnmappedTag("Shortcut", null)],
            import.Unmapped);
        Assert.Equal(["box"], import.Schema!.Controls.Select(c => c.Name));
    }

    [Fact]
    public void UnknownChildrenOfMappedControlsAreReported()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <List name="items" value="$items"/>
              <Ranker name="rank" toName="items"><Bucket name="best" title="Best"/><Label value="x"/></Ranker>
              <Text name="t" value="$t"/>
              <Labels name="l" toName="t"><Label value="A"/><Choice value="B"/></Labels>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Equal([new UnmappedTag("Label", null), new UnmappedTag("Choice", null)], import.Unmapped);
    }

    [Fact]
    public void StaticTextWithoutVariableIsDisplayNotAField()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Text name="instructions" value="Read carefully."/>
              <Text name="text" value="$text"/>
              <Image name="logo" value="https://example.com/logo.png"/>
              <Choices name="c" toName="text"><Choice value="ok"/></Choices>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Equal([new UnmappedTag("Image", "logo")], import.Unmapped);
        Assert.Equal(["text"], import.Schema!.Fields.Select(f => f.Name));
    }

    [Fact]
    public void ALabelWrittenTwiceIsOneOptionButTwoDifferentOnesAreAnError()
    {
        var s = Imported("""
            <View>
              <Text name="q" value="$q"/>
              <Choices name="c" toName="q"><Choice value="One"/><Choice value="Two"/><Choice value="Two"/></Choices>
            </View>
            """);
        Assert.Equal(["One", "Two"], s.Control("c")!.Labels.Select(l => l.Value));

        var import = Failed("""
            <View>
              <Text name="q" value="$q"/>
              <Choices name="c" toName="q"><Choice value="Two" hotkey="1"/><Choice value="Two" hotkey="2"/></Choices>
            </View>
            """);
        Assert.Contains(import.Errors, e => e.Code == SchemaErrorCodes.SchemaLabelDuplicate);
    }

    [Fact]
    public void RatingWithoutToNameRatesTheTask()
    {
        var s = Imported("""
            <View>
              <Paragraphs name="dialogue" value="$messages" nameKey="role" textKey="content"/>
              <Rating name="likert" maxRating="7"/>
            </View>
            """);

        var rating = s.Control("likert")!;
        Assert.Equal((ControlType.Rating, 7, null, null), (rating.Type, rating.Max, rating.Field, rating.ToName));
    }

    [Fact]
    public void ControlsNamingSeveralObjectsLabelTheTaskAndKeepTheirToName()
    {
        var s = Imported("""
            <View>
              <Image name="left" value="$img1"/>
              <Image name="right" value="$img2"/>
              <Choices name="birads" toName="left,right" required="true"><Choice value="0"/><Choice value="1"/></Choices>
              <TextArea name="notes" toName="left, right"/>
            </View>
            """);

        var birads = s.Control("birads")!;
        Assert.Equal((null, "left,right", true), (birads.Field, birads.ToName, birads.Required));
        Assert.Equal((ControlType.Transcription, (string?)null), (s.Control("notes")!.Type, s.Control("notes")!.Field));

        var unknown = Failed("""
            <View>
              <Image name="left" value="$img1"/>
              <Choices name="birads" toName="left,rigth"><Choice value="0"/></Choices>
            </View>
            """);
        Assert.Equal(SchemaErrorCodes.LabelStudioToNameUnknown, Assert.Single(unknown.Errors).Code);

        // Region tools still need exactly one object to draw on.
        var boxes = Failed("""
            <View>
              <Image name="left" value="$img1"/>
              <Image name="right" value="$img2"/>
              <RectangleLabels name="box" toName="left,right"><Label value="A"/></RectangleLabels>
            </View>
            """);
        Assert.Equal(SchemaErrorCodes.LabelStudioToNameOne, Assert.Single(boxes.Errors).Code);
    }

    [Theory]
    [InlineData("Audio")]
    [InlineData("AudioPlus")]
    public void OneVideoShownAsVideoAndAudioIsAVideoFieldWithSegments(string audioTag)
    {
        var s = Imported($"""
            <View>
              <Video name="video" value="$video_url" sync="audio"/>
              <Labels name="tricks" toName="audio"><Label value="Kickflip"/></Labels>
              <{audioTag} name="audio" value="$video_url" sync="video"/>
            </View>
            """);

        Assert.Equal([new FieldDef("video_url", FieldType.Video)], s.Fields);
        var tricks = s.Control("tricks")!;
        Assert.Equal((ControlType.Segments, "video_url", "audio"), (tricks.Type, tricks.Field, tricks.ToName));

        // Audio first, then video: the same.
        var reversed = Imported("""
            <View>
              <Audio name="audio" value="$v"/>
              <Video name="video" value="$v"/>
              <Labels name="l" toName="audio"><Label value="A"/></Labels>
            </View>
            """);
        Assert.Equal([new FieldDef("v", FieldType.Video)], reversed.Fields);
    }

    [Fact]
    public void TableIsAJsonFieldShownAsIs()
    {
        var s = Imported("""
            <View>
              <Table name="table" value="$item"/>
              <Choices name="choice" toName="table"><Choice value="Correct"/><Choice value="Incorrect"/></Choices>
            </View>
            """);

        Assert.Equal([new FieldDef("item", FieldType.Json)], s.Fields);
        Assert.Empty(s.ValidateTaskData(Json("""{ "item": { "a": 1, "b": "two" } }""")));
    }

    [Theory]
    [InlineData("<View><Text name=\"t\" value=\"$t\"></View>")]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<View><Text name=\"t\" value=\"$t\"/></View><View/>")]
    public void MalformedXmlIsAnErrorNotAnException(string xml)
    {
        var import = Failed(xml);

        Assert.Equal("", import.Errors[0].Path);
        Assert.Contains("well-formed", import.Errors[0].Message);
    }

    [Fact]
    public void DtdsAreRefusedSoExternalEntitiesNeverLoad()
    {
        var import = Failed("""
            <?xml version="1.0"?>
            <!DOCTYPE View [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <View><Text name="t" value="$t"/><Header value="&xxe;"/></View>
            """);

        Assert.Single(import.Errors);
        Assert.Contains("DTD", import.Errors[0].Message);
    }

    [Fact]
    public void RootOtherThanViewIsAnError()
    {
        var import = Failed("""<Config><Text name="t" value="$t"/></Config>""");

        Assert.Equal("/Config[1]", Paths(import.Errors));
    }

    [Fact]
    public void UnresolvableReferencesNameTheTag()
    {
        var import = Failed("""
            <View>
              <Text name="text" value="$text"/>
              <Choices name="a" toName="txt"><Choice value="x"/></Choices>
              <View>
                <Choices name="b" toName="text"><Choice value="x"/></Choices>
                <Choices name="c"><Choice value="x"/></Choices>
              </View>
              <TextArea name="t" toName="text" perRegion="true"/>
              <Relations><Relation value="r"/></Relations>
              <RectangleLabels name="box" toName="text"><Label value="Car"/></RectangleLabels>
            </View>
            """);

        Assert.Equal(
            "/View[1]/Choices[1] | /View[1]/View[1]/Choices[2] | /View[1]/RectangleLabels[1] | /View[1]/TextArea[1] | /View[1]/Relations[1]",
            Paths(import.Errors));
        Assert.Contains("'txt'", import.Errors[0].Message);
    }

    [Fact]
    public void SchemaRulesBrokenByTheConfigPointAtTheTag()
    {
        var import = Failed("""
            <View>
              <Text name="text" value="$text"/>
              <Labels name="my labels" toName="text"><Label value="A" hotkey="a"/><Label value="A" hotkey="b"/></Labels>
            </View>
            """);

        Assert.Equal("/View[1]/Labels[1] | /View[1]/Labels[1]", Paths(import.Errors));
        Assert.Contains(import.Errors, e => e.Message.Contains("'my labels'"));
        Assert.Contains(import.Errors, e => e.Message.Contains("more than once"));
    }

    [Fact]
    public void ImportedSchemaRoundTripsThroughNativeJson()
    {
        var s = Imported("""
            <View>
              <Labels name="labels" toName="audio"><Label value="Speech" hotkey="s" background="#00ff00"/></Labels>
              <Audio name="audio" value="$audio"/>
              <TextArea name="transcription" toName="audio" perRegion="true"/>
              <Rating name="q" toName="audio" maxRating="3"/>
            </View>
            """);

        var json = s.ToJson();

        Assert.Equal(json, ParseOk(json).ToJson());
        Assert.Contains("\"perSegment\": \"labels\"", json);
    }
}
