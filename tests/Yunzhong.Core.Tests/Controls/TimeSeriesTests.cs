using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>The time series field and control end to end in Core: schema, data, validation, Label Studio, quality, exports.</summary>
public class TimeSeriesTests
{
    private const string Data = """
        { "ts": { "time": [0, 1, 2, 3], "channels": { "velocity": [1.5, 2, null, 3], "acceleration": [0, 0.5, 0.5, 1] } } }
        """;

    private const string SchemaJson = """
        { "fields": [ { "name": "ts", "type": "timeseries" } ],
          "controls": [ { "name": "events", "type": "timeseries", "field": "ts", "labels": [ "Run", "Walk", "Spike" ] } ] }
        """;

    private static IReadOnlyList<SchemaError> Validate(string result) =>
        AnnotationValidator.Validate(ParseOk(SchemaJson), Json(Data), Json(result));

    [Fact]
    public void SchemaReadsTheFieldWithItsColumnsAndWritesThemBack()
    {
        var schema = ParseOk("""
            { "fields": [ { "name": "ts", "type": "timeseries", "timeColumn": "t", "channels": [ "a", "b" ] } ],
              "controls": [ { "name": "events", "type": "timeseries", "field": "ts", "labels": [ "Run" ] } ] }
            """);

        var f = schema.Field("ts")!;
        Assert.Equal(FieldType.TimeSeries, f.Type);
        Assert.Equal("t", f.TimeColumn);
        Assert.Equal(["a", "b"], f.Channels!);
        Assert.Equal(ControlType.TimeSeries, schema.Control("events")!.Type);
        Assert.Equal(schema.ToJson(), ParseOk(schema.ToJson()).ToJson());
        Assert.Contains("\"timeColumn\": \"t\"", schema.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyATimeSeriesFieldNamesColumnsAndOnlyItTakesTheControl()
    {
        var keys = LabelSchema.Parse("""{ "fields": [ { "name": "t", "type": "text", "timeColumn": "x" } ], "controls": [ { "name": "c", "type": "choices", "field": "t", "options": ["a"] } ] }""");
        var field = LabelSchema.Parse("""{ "fields": [ { "name": "t", "type": "text" } ], "controls": [ { "name": "g", "type": "timeseries", "field": "t", "labels": [ "A" ] } ] }""");

        Assert.Equal(SchemaErrorCodes.SchemaFieldKeyUnknown, Assert.Single(keys.Errors).Code);
        Assert.Contains(field.Errors, e => e.Path == "/controls/0/field");
    }

    [Theory]
    [InlineData("""{ "ts": "https://example.com/run.csv" }""")]
    [InlineData("""{ "ts": { "time": [0, 1], "velocity": [1, 2] } }""")]
    [InlineData("""{ "ts": { "time": ["2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z"], "channels": { "v": [1, 2] } } }""")]
    [InlineData("""{ "ts": { "channels": { "v": [1, 2, 3] } } }""")]
    public void DataTakesACsvReferenceOrInlineColumns(string data)
    {
        Assert.Empty(ParseOk(SchemaJson).ValidateTaskData(Json(data)));
    }

    [Theory]
    [InlineData("""{ "ts": 5 }""", "/data/ts")]
    [InlineData("""{ "ts": " " }""", "/data/ts")]
    [InlineData("""{ "ts": { "time": [0, 1] } }""", "/data/ts")]
    [InlineData("""{ "ts": { "time": [0, 1], "channels": { "v": [1, 2, 3] } } }""", "/data/ts/channels/v")]
    [InlineData("""{ "ts": { "time": [0, 1], "v": [1, "x"] } }""", "/data/ts/v/1")]
    [InlineData("""{ "ts": { "time": [0, "later"], "v": [1, 2] } }""", "/data/ts/time/1")]
    public void DataErrorsNameTheColumnAndValue(string data, string path)
    {
        var e = Assert.Single(ParseOk(SchemaJson).ValidateTaskData(Json(data)));

        Assert.Equal(path, e.Path);
        Assert.Equal(SchemaErrorCodes.DataTimeSeriesInvalid, e.Code);
    }

    [Fact]
    public void ResultsTakeRangesInstantsAndIsoTimes()
    {
        Assert.Empty(Validate("""
            { "events": [ { "id": "a", "start": 0.5, "end": 2, "label": "Run" },
                          { "id": "b", "start": 3, "end": 3, "instant": true, "label": "Spike" },
                          { "id": "c", "start": "2024-05-01T10:00:00Z", "end": "2024-05-01T10:00:05.5Z", "label": "Walk" } ] }
            """));
    }

    [Theory]
    [InlineData("""{ "id": "a", "end": 2, "label": "Run" }""", "/events/0/start", SchemaErrorCodes.NumberNeeded)]
    [InlineData("""{ "id": "a", "start": "soon", "end": 2, "label": "Run" }""", "/events/0/start", SchemaErrorCodes.TimeSeriesTimeInvalid)]
    [InlineData("""{ "id": "a", "start": 2, "end": 1, "label": "Run" }""", "/events/0/end", SchemaErrorCodes.TimeSeriesRangeReversed)]
    [InlineData("""{ "id": "a", "start": 1, "end": 2, "instant": true, "label": "Spike" }""", "/events/0/end", SchemaErrorCodes.TimeSeriesRangeReversed)]
    [InlineData("""{ "id": "a", "start": 1, "end": 2, "label": "Nope" }""", "/events/0/label", SchemaErrorCodes.LabelUnknown)]
    [InlineData("""{ "id": "a", "start": 1, "end": 2, "label": "Run", "channel": "v" }""", "/events/0/channel", SchemaErrorCodes.KeyUnknown)]
    [InlineData("""{ "start": 1, "end": 2, "label": "Run" }""", "/events/0/id", SchemaErrorCodes.RegionIdNeeded)]
    public void BadRangesArePointedAt(string region, string path, string code)
    {
        var e = Assert.Single(Validate($$"""{ "events": [ {{region}} ] }"""));

        Assert.Equal(path, e.Path);
        Assert.Equal(code, e.Code);
    }

    // ---- Label Studio ----

    [Fact]
    public void LabelStudioTimeSeriesKeepsTheTimeColumnAndChannels()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <TimeSeriesLabels name="label" toName="ts">
                <Label value="Run" background="red"/><Label value="Walk" background="green"/>
              </TimeSeriesLabels>
              <TimeSeries name="ts" value="$csv" valueType="url" timeColumn="time" timeFormat="%Y-%m-%d %H:%M:%S.%f" sep="," overviewChannels="velocity">
                <Channel column="velocity" units="miles/h" displayFormat=",.1f" strokeColor="#1f77b4" legend="Velocity"/>
                <Channel column="acceleration" units="miles/h^2" strokeColor="#ff7f0e" legend="Acceleration"/>
              </TimeSeries>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var f = import.Schema!.Field("csv")!;
        Assert.Equal(FieldType.TimeSeries, f.Type);
        Assert.Equal("time", f.TimeColumn);
        Assert.Equal(["velocity", "acceleration"], f.Channels!);
        var c = import.Schema.Control("label")!;
        Assert.Equal(ControlType.TimeSeries, c.Type);
        Assert.Equal("csv", c.Field);
        Assert.Equal(["Run", "Walk"], c.Labels.Select(l => l.Value));
    }

    [Fact]
    public void LabelStudioResultsRoundTripNumbersTimesAndInstants()
    {
        var schema = FormatTestHelpers.Json(SchemaJson);
        var data = FormatTestHelpers.Json(Data);
        var ls = FormatTestHelpers.Json("""
            [ { "id": "r1", "from_name": "events", "to_name": "ts", "type": "timeserieslabels",
                "value": { "start": 0.5, "end": 2, "instant": false, "timeserieslabels": [ "Run" ] } },
              { "id": "r2", "from_name": "events", "to_name": "ts", "type": "timeserieslabels",
                "value": { "start": "2024-05-01 10:00:00", "end": "2024-05-01 10:00:00", "instant": true, "timeserieslabels": [ "Spike" ] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, schema, data, null);
        Assert.Empty(native.Errors);
        FormatTestHelpers.AssertJsonEqual("""
            { "events": [ { "id": "r1", "label": "Run", "start": 0.5, "end": 2 },
                          { "id": "r2", "label": "Spike", "start": "2024-05-01 10:00:00", "end": "2024-05-01 10:00:00", "instant": true } ] }
            """, native.Json);
        Assert.Empty(AnnotationValidator.Validate(ParseOk(SchemaJson), Json(Data), Json(native.Json)));

        var back = LabelStudioResults.FromNative(FormatTestHelpers.Json(native.Json), schema, data, null);
        Assert.Empty(back.Errors);
        var items = FormatTestHelpers.Json(back.Json).EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("timeserieslabels", items[i].GetProperty("type").GetString());
            Assert.Equal("ts", items[i].GetProperty("to_name").GetString());
            FormatTestHelpers.AssertJsonEqual(ls[i].GetProperty("value").GetRawText(), items[i].GetProperty("value").GetRawText());
        }
    }

    [Fact]
    public void LabelStudioRangesWithoutTimesAreRefusedWithTheReason()
    {
        var ls = FormatTestHelpers.Json("""
            [ { "id": "x", "from_name": "events", "to_name": "ts", "type": "timeserieslabels",
                "value": { "start": "later", "end": 2, "timeserieslabels": [ "Run" ] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, FormatTestHelpers.Json(SchemaJson), FormatTestHelpers.Json(Data), null);

        Assert.Contains("numbers or ISO 8601 times", Assert.Single(native.Errors));
    }

    // ---- quality ----

    [Fact]
    public void GoldScoresRangesByIntervalOverlapWithTheSameLabel()
    {
        var schema = ParseOk(SchemaJson);
        var gold = Json("""{ "events": [ { "id": "a", "start": 0, "end": 10, "label": "Run" }, { "id": "b", "start": 20, "end": 30, "label": "Walk" } ] }""");

        Assert.Equal(1, GoldScoring.Score(schema, gold, Json("""{ "events": [ { "id": "x", "start": 5, "end": 12, "label": "Run" }, { "id": "y", "start": 25, "end": 26, "label": "Walk" } ] }""")), 9);
        // Overlapping with the wrong label, or the right label elsewhere, does not count.
        Assert.Equal(0, GoldScoring.Score(schema, gold, Json("""{ "events": [ { "id": "x", "start": 0, "end": 10, "label": "Walk" }, { "id": "y", "start": 11, "end": 19, "label": "Run" } ] }""")), 9);
        Assert.Equal(2.0 / 3, GoldScoring.Score(schema, gold, Json("""{ "events": [ { "id": "x", "start": 1, "end": 2, "label": "Run" } ] }""")), 9);
    }

    [Fact]
    public void GoldComparesIsoTimesAndInstantsOnTheSameAxis()
    {
        var schema = ParseOk(SchemaJson);
        var gold = Json("""
            { "events": [ { "id": "a", "start": "2024-05-01T10:00:00Z", "end": "2024-05-01T10:01:00Z", "label": "Run" },
                          { "id": "b", "start": "2024-05-01T11:00:00Z", "end": "2024-05-01T11:00:00Z", "instant": true, "label": "Spike" } ] }
            """);

        // The same minute written with an offset, and the instant at the same moment.
        Assert.Equal(1, GoldScoring.Score(schema, gold, Json("""
            { "events": [ { "id": "x", "start": "2024-05-01T12:00:30+02:00", "end": "2024-05-01T12:02:00+02:00", "label": "Run" },
                          { "id": "y", "start": "2024-05-01T11:00:00Z", "end": "2024-05-01T11:00:00Z", "instant": true, "label": "Spike" } ] }
            """)), 9);
        // An instant a second later misses; the run still matches.
        Assert.Equal(0.5, GoldScoring.Score(schema, gold, Json("""
            { "events": [ { "id": "x", "start": "2024-05-01T10:00:00Z", "end": "2024-05-01T10:01:00Z", "label": "Run" },
                          { "id": "y", "start": "2024-05-01T11:00:01Z", "end": "2024-05-01T11:00:01Z", "instant": true, "label": "Spike" } ] }
            """)), 9);
    }

    [Fact]
    public void IntervalsKeepTheirIoUOnTheSharedAxis()
    {
        List<TimeSeriesKind.Range> a = [new(1.7e12, 1.7e12 + 4000, "Run")];
        List<TimeSeriesKind.Range> b = [new(1.7e12 + 1000, 1.7e12 + 5000, "Run")];

        var (x, y) = TimeSeriesKind.OnOneAxis(a, b);

        Assert.Equal(3.0 / 5, RegionMetrics.SpanIoU(x[0], y[0]), 6);
    }

    [Fact]
    public void AgreementComparesRangesPairwise()
    {
        var a = Assert.Single(AgreementAccumulator.ForSchema(ParseOk(SchemaJson)));
        a.AddTask([Json("""{ "events": [ { "id": "a", "start": 0, "end": 4, "label": "Run" } ] }"""), Json("""{ "events": [ { "id": "b", "start": 2, "end": 6, "label": "Run" } ] }""")]);
        a.AddTask([Json("""{ "events": [ { "id": "a", "start": 0, "end": 4, "label": "Run" } ] }"""), Json("""{ "events": [ { "id": "b", "start": 5, "end": 6, "label": "Run" } ] }""")]);

        var r = a.Result();

        Assert.Equal(ControlType.TimeSeries, r.Type);
        Assert.Equal(2, r.Tasks);
        Assert.Equal(0.5, r.Metrics["f1Overlap"]!.Value, 9);
    }

    // ---- exports ----

    [Fact]
    public async Task CsvWritesRangesAsWritten()
    {
        var task = new ExportTask(1, null, Data.ReplaceLineEndings(""), "done",
        [
            new ExportAnnotation(1, "甲", """{"events":[{"id":"a","start":0.5,"end":2,"label":"Run"},{"id":"b","start":"2024-05-01T10:00:00Z","end":"2024-05-01T10:00:00Z","instant":true,"label":"Spike"}]}""",
                DateTimeOffset.UnixEpoch, null, 1, null, true),
        ]);

        var text = await ExportTests.ExportAsync(ExportFormat.Csv, [task], SchemaJson);

        Assert.EndsWith(",甲,0.5/2:Run|2024-05-01T10:00:00Z/2024-05-01T10:00:00Z:Spike\r\n", text, StringComparison.Ordinal);
    }
}
