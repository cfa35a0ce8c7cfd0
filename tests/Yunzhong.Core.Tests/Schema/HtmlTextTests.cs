using System.Text.Json;
using System.Text.Json.Nodes;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>The text content of HTML fields, and Label Studio's XPath and global offsets over it.</summary>
public class HtmlTextTests
{
    [Theory]
    [InlineData("<p>a &amp; b &lt;c&gt; &nbsp;&#x4E2D;&eacute;</p>", "a & b <c> \u00a0中é")]
    [InlineData("one<br>two<br/>three", "one\ntwo\nthree")]
    [InlineData("<div><p>Tom <b>and <i>Jerry</i></b>!</p></div>", "Tom and Jerry!")]
    [InlineData("<p>北京欢迎你 😀 🇨🇳</p>", "北京欢迎你 😀 🇨🇳")]
    [InlineData("a\r\nb", "a\nb")] // the parser makes \r\n one \n, as the browser does
    [InlineData("<pre>\nkept</pre>", "kept")] // the newline right after <pre> is not text
    [InlineData("<!-- note -->x<script>alert(1)</script>y<style>p{}</style>z", "xyz")]
    [InlineData("<p>see <img src=x onerror=alert(1)>this <a href=\"javascript:alert(1)\">link</a></p>", "see this link")]
    [InlineData("<table><tr><td>1</td><td>2</td></tr></table>", "12")]
    [InlineData("<title>T</title><svg><text>s</text></svg><p>body</p>", "body")]
    public void TextContentIsWhatTheWorkbenchShows(string html, string text)
    {
        Assert.Equal(text, HtmlText.Parse(html).Text);
        Assert.Equal(text, HtmlText.TextOf(html));
    }

    [Fact]
    public void DeeplyNestedHtmlIsWalkedWithoutRecursion()
    {
        // Past the depth a thread's stack holds in recursion; the browser flattens at 512 levels, which keeps the text in order.
        var html = string.Concat(Enumerable.Repeat("<span>", 5000)) + "深" + string.Concat(Enumerable.Repeat("</span>", 5000)) + "<p>end</p>";
        Assert.Equal("深end", HtmlText.Parse(html).Text);
        Assert.Equal("深end", HtmlText.TextOf(html));
    }

    [Fact]
    public void LengthCountsCodePoints()
    {
        var h = HtmlText.Parse("<p>😀中</p>");
        Assert.Equal(2, h.Length);
        Assert.Equal("中", h.Slice(1, 2));
    }

    [Fact]
    public void XPathsNameTextNodesAsLabelStudioDoes()
    {
        var h = HtmlText.Parse("<p>The <b>Quick</b> fox</p><p>jumps 😀 over</p>");
        Assert.Equal("The Quick foxjumps 😀 over", h.Text);

        // "fox" is the second text node of the first <p>.
        var fox = h.ToLabelStudio(10, 13)!.Value;
        Assert.Equal(new HtmlText.LabelStudioRange("/p[1]/text()[2]", 1, "/p[1]/text()[2]", 4, 10, 13), fox);

        // From "Quick" into the second paragraph, past the emoji (one code point).
        var across = h.ToLabelStudio(4, 20)!.Value;
        Assert.Equal(new HtmlText.LabelStudioRange("/p[1]/b[1]/text()[1]", 0, "/p[2]/text()[1]", 7, 4, 20), across);
        Assert.Equal("Quick foxjumps 😀", h.Slice(4, 20));

        Assert.Equal((4, 20), h.FromLabelStudio(across.Start, across.StartOffset, across.End, across.EndOffset));
        Assert.Equal((4, 20), h.FromGlobalOffsets(4, 20));
        Assert.Equal((10, 13), h.FromLabelStudio("/p[1]/text()[2]", 1, "/p[1]/text()[2]", 4));
    }

    [Fact]
    public void AnElementPathCountsTheTextInsideIt()
    {
        var h = HtmlText.Parse("<p>The <b>Quick</b> fox</p>");
        Assert.Equal((4, 13), h.FromLabelStudio("/p[1]", 4, "/p[1]", 13));
    }

    [Fact]
    public void PathsThatNameNothingOrHiddenTextPlaceNoSpan()
    {
        var h = HtmlText.Parse("<p>ab</p><script>var x</script><p>cd</p>");
        Assert.Null(h.FromLabelStudio("/p[3]/text()[1]", 0, "/p[3]/text()[1]", 1));
        Assert.Null(h.FromLabelStudio("/p[1]/text()[1]", 0, "/p[1]/text()[1]", 3)); // past the node
        Assert.Null(h.FromLabelStudio("/script[1]/text()[1]", 0, "/script[1]/text()[1]", 3));
        Assert.Null(h.ToLabelStudio(0, 5));
    }

    [Fact]
    public void GlobalOffsetsCountHiddenTextAndBreaksAsLabelStudioDoes()
    {
        // Label Studio walks every text node (a script's too) and counts each <br> as one.
        var h = HtmlText.Parse("<p>ab</p><script>xyz</script><p>c<br>de</p>");
        Assert.Equal("abc\nde", h.Text);
        var r = h.ToLabelStudio(4, 6)!.Value; // "de"
        Assert.Equal(new HtmlText.LabelStudioRange("/p[2]/text()[2]", 0, "/p[2]/text()[2]", 2, 7, 9), r);
        Assert.Equal((4, 6), h.FromGlobalOffsets(7, 9));
        Assert.Null(h.FromGlobalOffsets(2, 4)); // inside the script
    }

    private const string NerConfig = """
        <View>
          <HyperTextLabels name="ner" toName="text">
            <Label value="Title" background="green"/><Label value="Author" background="blue"/>
          </HyperTextLabels>
          <HyperText name="text" value="$html"/>
        </View>
        """;

    private const string Page = """{"html":"<h1>长安 &amp; 洛阳 😀</h1>\n<p>by <b>Li Bai</b><br>poet</p>"}""";

    [Fact]
    public void HtmlNestedPastTheBrowsersDepthIsRefusedAtImport()
    {
        string Nest(string tag, int n) => string.Concat(Enumerable.Repeat($"<{tag}>", n)) + "x";
        Assert.True(HtmlText.NestsTooDeep(Nest("div", HtmlText.MaxDepth + 1)));
        Assert.False(HtmlText.NestsTooDeep(Nest("div", HtmlText.MaxDepth)));
        // Siblings closed by the next one, void elements, closed elements and comments do not deepen it.
        Assert.False(HtmlText.NestsTooDeep(Nest("p", 2000) + Nest("li", 2000) + Nest("br", 2000)));
        Assert.False(HtmlText.NestsTooDeep(string.Concat(Enumerable.Repeat("<div><b>a</b></div><!-- <div> -->", 2000))));
        Assert.False(HtmlText.NestsTooDeep("<script>" + Nest("div", 2000) + "</script><p>ok</p>"));
        // An end tag of an element that is not open closes nothing, in the parser as here.
        Assert.True(HtmlText.NestsTooDeep(string.Concat(Enumerable.Repeat("<div></span>", 600))));

        var schema = LabelStudioConfig.Import(NerConfig).Schema!;
        var error = Assert.Single(schema.ValidateTaskData(Json(JsonSerializer.Serialize(new { html = Nest("div", 40000) }))));
        Assert.Equal(SchemaErrorCodes.DataHtmlTooDeep, error.Code);
        Assert.Equal("/data/html", error.Path);
        Assert.Empty(schema.ValidateTaskData(Json(Page)));
    }

    [Fact]
    public void TheGalleryNerConfigMapsToAnHtmlField()
    {
        var import = LabelStudioConfig.Import(NerConfig);
        Assert.Empty(import.Errors);
        Assert.Equal([new FieldDef("html", FieldType.Html)], import.Schema!.Fields);
        Assert.Equal(ControlType.Spans, import.Schema.Control("ner")!.Type);
    }

    [Fact]
    public void SpansOverHtmlAreCheckedAgainstItsTextContent()
    {
        var schema = LabelStudioConfig.Import(NerConfig).Schema!;
        Assert.Empty(AnnotationValidator.Validate(schema, Json(Page), Json("""{"ner":[{"id":"a","start":0,"end":7,"label":"Title","text":"长安 & 洛阳"}]}""")));

        var wrong = AnnotationValidator.Validate(schema, Json(Page), Json("""{"ner":[{"id":"a","start":0,"end":7,"label":"Title","text":"<h1>长安 "}]}"""));
        Assert.Equal(SchemaErrorCodes.SpanTextDiffers, Assert.Single(wrong).Code);

        // The text content is "长安 & 洛阳 😀\nby Li Bai\npoet": 24 code points, not the markup's length.
        var past = AnnotationValidator.Validate(schema, Json(Page), Json("""{"ner":[{"id":"a","start":23,"end":25,"label":"Title"}]}"""));
        Assert.Equal(SchemaErrorCodes.SpanOutOfRange, Assert.Single(past).Code);
    }

    [Fact]
    public void SpansGoOutAsLabelStudioWritesThemAndComeBack()
    {
        var schema = LabelStudioConfig.Import(NerConfig).Schema!.ToJson();
        const string result = """{"ner":[{"id":"t1","start":0,"end":7,"label":"Title","text":"长安 & 洛阳"},{"id":"a1","start":13,"end":19,"label":"Author","text":"Li Bai"}]}""";
        Assert.Empty(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, Json(Page), Json(result)));

        var ls = LabelStudioResults.FromNative(Json(result), Json(schema), Json(Page), null);
        Assert.Empty(ls.Errors);
        // What Label Studio writes for the same selections (its xpath-range paths from the HyperText's root).
        var expected = JsonNode.Parse("""
            [{"id":"t1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":"/h1[1]/text()[1]","end":"/h1[1]/text()[1]","startOffset":0,"endOffset":7,"globalOffsets":{"start":0,"end":7},"text":"长安 & 洛阳","hypertextlabels":["Title"]}},
             {"id":"a1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":"/p[1]/b[1]/text()[1]","end":"/p[1]/b[1]/text()[1]","startOffset":0,"endOffset":6,"globalOffsets":{"start":13,"end":19},"text":"Li Bai","hypertextlabels":["Author"]}}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(ls.Json)), ls.Json);

        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(schema), Json(Page), null);
        Assert.Empty(back.Errors);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), JsonNode.Parse(back.Json)), back.Json);
    }

    [Fact]
    public void ARelationBetweenHtmlSpansGoesInAndOutAsLabelStudioWritesIt()
    {
        var import = LabelStudioConfig.Import(NerConfig.Replace("</View>", """<Relations><Relation value="wrote"/></Relations></View>""", StringComparison.Ordinal));
        Assert.Empty(import.Errors);
        var schema = import.Schema!.ToJson();
        var given = JsonNode.Parse("""
            [{"id":"t1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":"/h1[1]/text()[1]","end":"/h1[1]/text()[1]","startOffset":0,"endOffset":7,"globalOffsets":{"start":0,"end":7},"text":"长安 & 洛阳","hypertextlabels":["Title"]}},
             {"id":"a1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":"/p[1]/b[1]/text()[1]","end":"/p[1]/b[1]/text()[1]","startOffset":0,"endOffset":6,"globalOffsets":{"start":13,"end":19},"text":"Li Bai","hypertextlabels":["Author"]}},
             {"from_id":"a1","to_id":"t1","type":"relation","direction":"right","labels":["wrote"]}]
            """)!;

        var native = LabelStudioResults.ToNative(Json(given.ToJsonString()), Json(schema), Json(Page), null);

        Assert.Empty(native.Errors);
        Assert.Equal("""[{"from":"a1","to":"t1","label":"wrote"}]""", JsonNode.Parse(native.Json)!["relations"]!.ToJsonString());
        Assert.Empty(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, Json(Page), Json(native.Json)));
        var back = LabelStudioResults.FromNative(Json(native.Json), Json(schema), Json(Page), null);
        Assert.Empty(back.Errors);
        Assert.True(JsonNode.DeepEquals(given, JsonNode.Parse(back.Json)), back.Json);
    }

    [Theory]
    [InlineData("""<View><HyperText name="page" value="$url" valueType="url"/><HyperTextLabels name="ner" toName="page"><Label value="A"/></HyperTextLabels></View>""", "HyperText")]
    [InlineData("""<View><Text name="t" value="$url" valueType="URL"/><Choices name="c" toName="t"><Choice value="A"/></Choices></View>""", "Text")]
    [InlineData("""<View><Paragraphs name="p" value="$url" valueType="url" nameKey="author" textKey="text"/><ParagraphLabels name="l" toName="p"><Label value="A"/></ParagraphLabels></View>""", "Paragraphs")]
    public void TextFetchedFromAUrlIsRefusedWithItsReason(string config, string tag)
    {
        var import = LabelStudioConfig.Import(config);

        Assert.Null(import.Schema);
        var error = import.Errors[0];
        Assert.Equal(SchemaErrorCodes.LabelStudioValueFromUrl, error.Code);
        Assert.Equal(tag, error.Args!["tag"]);
        Assert.Contains("valueType=\"url\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlGivenInTheTaskStillMaps()
    {
        var import = LabelStudioConfig.Import("""<View><HyperText name="page" value="$html" valueType="text"/><HyperTextLabels name="ner" toName="page"><Label value="A"/></HyperTextLabels></View>""");

        Assert.Empty(import.Errors);
        Assert.Equal("html", JsonNode.Parse(import.Schema!.ToJson())!["fields"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void SpansOverHtmlScoreAgreementAsSpansDo()
    {
        var schema = LabelStudioConfig.Import(NerConfig).Schema!;
        var accumulator = AgreementAccumulator.ForSchema(schema).Single();
        // One span the same, one only overlapping: exact F1 1/2, overlap F1 1.
        accumulator.AddTask([
            Json("""{"ner":[{"id":"a","start":0,"end":7,"label":"Title"},{"id":"b","start":13,"end":19,"label":"Author"}]}"""),
            Json("""{"ner":[{"id":"a","start":0,"end":7,"label":"Title"},{"id":"b","start":10,"end":19,"label":"Author"}]}"""),
        ]);
        var metrics = accumulator.Result().Metrics;
        Assert.Equal(0.5, metrics["f1Exact"]!.Value, 1e-12);
        Assert.Equal(1.0, metrics["f1Overlap"]!.Value, 1e-12);
    }

    [Fact]
    public void LabelStudioResultsWithOnlyGlobalOffsetsImport()
    {
        var schema = LabelStudioConfig.Import(NerConfig).Schema!.ToJson();
        const string ls = """[{"id":"p1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"globalOffsets":{"start":20,"end":24},"text":"poet","hypertextlabels":["Author"]}}]""";
        var back = LabelStudioResults.ToNative(Json(ls), Json(schema), Json(Page), null);
        Assert.Empty(back.Errors);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ner":[{"id":"p1","start":20,"end":24,"text":"poet","label":"Author"}]}"""), JsonNode.Parse(back.Json)), back.Json);
    }

    [Fact]
    public void ALabelStudioRangeOutsideTheTextIsAnError()
    {
        var schema = LabelStudioConfig.Import(NerConfig).Schema!.ToJson();
        const string ls = """[{"id":"p1","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":"/p[9]/text()[1]","end":"/p[9]/text()[1]","startOffset":0,"endOffset":2,"hypertextlabels":["Author"]}}]""";
        var back = LabelStudioResults.ToNative(Json(ls), Json(schema), Json(Page), null);
        Assert.Contains("do not place a range", Assert.Single(back.Errors), StringComparison.Ordinal);
    }
}
