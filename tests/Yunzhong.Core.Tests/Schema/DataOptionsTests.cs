using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>Options from the task data (Label Studio's <c>value="$options"</c>): schema, task data, results.</summary>
public class DataOptionsTests
{
    private static LabelSchema Imported(string xml)
    {
        var import = LabelStudioConfig.Import(xml);
        Assert.True(import.Errors.Count == 0 && import.Unmapped.Count == 0, string.Join("\n", import.Errors));
        return import.Schema!;
    }

    private const string Hypotheses = """
        <View>
          <Audio name="audio" value="$audio"/>
          <Choices name="transcriptions" toName="audio" value="$transcriptions" selection="highlight"/>
        </View>
        """;

    private const string Data = """
        { "audio": "a.wav", "transcriptions": [ { "value": "school based", "style": "x" }, { "value": "school-based" },
          { "value": "People also ask", "children": [ { "value": "Which is bigger?", "selected": true } ] } ] }
        """;

    [Fact]
    public void ChoicesWithAValueTakeTheirOptionsFromTheTask()
    {
        var s = Imported(Hypotheses);

        var c = s.Control("transcriptions")!;
        Assert.Equal(("transcriptions", 0), (c.LabelsFrom, c.Labels.Count));
        Assert.Equal("transcriptions", Json(s.ToJson()).GetProperty("controls")[0].GetProperty("optionsFrom").GetString());
        Assert.Equal(s.ToJson(), ParseOk(s.ToJson()).ToJson());
        Assert.Empty(s.ValidateTaskData(Json(Data)));

        Assert.Empty(AnnotationValidator.Validate(s, Json(Data), Json("""{ "transcriptions": ["school-based"] }""")));
        Assert.Empty(AnnotationValidator.Validate(s, Json(Data), Json("""{ "transcriptions": ["Which is bigger?"] }""")));
        var wrong = AnnotationValidator.Validate(s, Json(Data), Json("""{ "transcriptions": ["school based clinics"] }"""));
        Assert.Equal((SchemaErrorCodes.UnknownOption, "/transcriptions/0"), (Assert.Single(wrong).Code, wrong[0].Path));
        // Another task's options are not this task's.
        var other = Json("""{ "audio": "b.wav", "transcriptions": [ "pork roasted" ] }""");
        Assert.Single(AnnotationValidator.Validate(s, other, Json("""{ "transcriptions": ["school-based"] }""")));
        Assert.Empty(AnnotationValidator.Validate(s, other, Json("""{ "transcriptions": ["pork roasted"] }""")));
    }

    [Fact]
    public void OneOrSeveralAsTheControlSays()
    {
        var s = Imported("""
            <View>
              <Text name="text" value="$text"/>
              <Choices name="dynamic_choices" toName="text" value="$options" choice="multiple">
                <Choice value="None of these"/>
              </Choices>
            </View>
            """);
        var data = Json("""{ "text": "q", "options": [ "A", "B" ] }""");

        Assert.Empty(AnnotationValidator.Validate(s, data, Json("""{ "dynamic_choices": ["A", "B", "None of these"] }""")));
        Assert.Equal(SchemaErrorCodes.ChoiceRepeated, Assert.Single(AnnotationValidator.Validate(s, data, Json("""{ "dynamic_choices": ["A", "A"] }"""))).Code);

        var single = Imported(Hypotheses);
        Assert.Equal(SchemaErrorCodes.ChoiceCount,
            Assert.Single(AnnotationValidator.Validate(single, Json(Data), Json("""{ "transcriptions": ["school based", "school-based"] }"""))).Code);
    }

    [Theory]
    [InlineData("""{ "audio": "a.wav" }""", "/data/transcriptions")]
    [InlineData("""{ "audio": "a.wav", "transcriptions": "one" }""", "/data/transcriptions")]
    [InlineData("""{ "audio": "a.wav", "transcriptions": [ "a", 5 ] }""", "/data/transcriptions/1")]
    [InlineData("""{ "audio": "a.wav", "transcriptions": [ { "html": "<b>x</b>" } ] }""", "/data/transcriptions/0")]
    [InlineData("""{ "audio": "a.wav", "transcriptions": [ { "value": "a", "children": {} } ] }""", "/data/transcriptions/0/children")]
    [InlineData("""{ "audio": "a.wav", "transcriptions": [ { "value": "a", "children": [ { "value": "" } ] } ] }""", "/data/transcriptions/0/children/0")]
    public void TaskDataWithoutItsOptionsIsRefusedAtTheField(string data, string path)
    {
        var error = Assert.Single(Imported(Hypotheses).ValidateTaskData(Json(data)));

        Assert.Equal((SchemaErrorCodes.DataOptionsInvalid, path), (error.Code, error.Path));
        Assert.Equal(("transcriptions", "transcriptions"), (error.Args!["name"], error.Args["control"]));
    }

    [Fact]
    public void RegionLabelsFromTheTaskCheckEachRegion()
    {
        var s = Imported("""
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="regions" toName="image" value="$regions"/>
              <PolygonLabels name="objects" toName="image" value="$objects"/>
            </View>
            """);
        Assert.Equal("regions", Json(s.ToJson()).GetProperty("controls")[0].GetProperty("labelsFrom").GetString());
        var data = Json("""{ "image": "p.jpg", "regions": [ { "value": "panda" } ], "objects": [ { "value": "CocaCola", "html": "<img>" } ] }""");
        Assert.Empty(s.ValidateTaskData(data));

        Assert.Empty(AnnotationValidator.Validate(s, data, Json("""
            { "regions": [ { "id": "r1", "label": "panda", "x": 1, "y": 1, "width": 5, "height": 5 } ],
              "objects": [ { "id": "p1", "label": "CocaCola", "points": [[0,0],[5,0],[5,5]] } ] }
            """)));
        var wrong = AnnotationValidator.Validate(s, data, Json("""{ "regions": [ { "id": "r1", "label": "bear", "x": 1, "y": 1, "width": 5, "height": 5 } ] }"""));
        Assert.Equal(("/regions/0/label", SchemaErrorCodes.LabelUnknown), (Assert.Single(wrong).Path, wrong[0].Code));
    }

    [Fact]
    public void ASchemaWrittenByHandNeedsOptionsOrWhereTheyComeFrom()
    {
        Assert.Empty(LabelSchema.Parse("""
            { "fields": [ { "name": "text", "type": "text" } ],
              "controls": [ { "name": "c", "type": "choices", "field": "text", "optionsFrom": "options" } ] }
            """).Errors);
        Assert.Contains(LabelSchema.Parse("""
            { "fields": [ { "name": "text", "type": "text" } ],
              "controls": [ { "name": "c", "type": "choices", "field": "text" } ] }
            """).Errors, e => e.Code == SchemaErrorCodes.SchemaNeedsLabels);
        Assert.Contains(LabelSchema.Parse("""
            { "fields": [ { "name": "text", "type": "text" } ],
              "controls": [ { "name": "s", "type": "spans", "field": "text", "labels": [ "A" ], "labelsFrom": "x" } ] }
            """).Errors, e => e.Code == SchemaErrorCodes.SchemaKeyNotApplicable);
    }

    [Fact]
    public void ResultsRoundTripThroughLabelStudio()
    {
        var s = Imported(Hypotheses);
        var schema = s.ToJson();
        var result = """{"transcriptions":["school-based"]}""";

        var ls = LabelStudioResults.FromNative(Json(result), Json(schema), Json(Data), null);
        Assert.Empty(ls.Errors);
        var item = Json(ls.Json)[0];
        Assert.Equal(("transcriptions", "audio", "school-based"),
            (item.GetProperty("from_name").GetString(), item.GetProperty("to_name").GetString(), item.GetProperty("value").GetProperty("choices")[0].GetString()));

        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(schema), Json(Data), null);
        Assert.Empty(back.Errors);
        Assert.Equal(result, back.Json);
    }
}
