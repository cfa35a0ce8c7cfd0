using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>Size bounds on Label Studio XML configs and native JSON schemas (<see cref="SchemaLimits"/>).</summary>
public class SchemaLimitsTests
{
    private static string Nested(string open, string close, int depth) =>
        new StringBuilder(depth * (open.Length + close.Length)).Insert(0, open, depth).Insert(depth * open.Length, close, depth).ToString();

    private static string ManyTextFields(int n)
    {
        var sb = new StringBuilder("<View>");
        for (var i = 0; i < n; i++)
        {
            sb.Append("<Text name=\"t").Append(i).Append("\" value=\"$f").Append(i).Append("\"/>");
        }

        return sb.Append("<Choices name=\"c\" toName=\"t0\"><Choice value=\"a\"/></Choices></View>").ToString();
    }

    [Fact]
    public void XmlConfigNested200000DeepIsRefusedAtTheDepthLimitInsteadOfOverflowingTheStack()
    {
        // The recursive walk this replaced overflowed the stack here and took the whole process with it.
        var import = LabelStudioConfig.Import(Nested("<View>", "</View>", 200_000));

        Assert.Null(import.Schema);
        Assert.Equal(new SchemaLimitBreach(SchemaLimit.Depth, 64, "The Label Studio XML config is nested deeper than 64 levels."), import.LimitBreached);
        Assert.Equal([new SchemaError("", "The Label Studio XML config is nested deeper than 64 levels.")], import.Errors);
    }

    [Fact]
    public void XmlConfigAtTheDepthLimitIsReadAndOneLevelDeeperIsNot()
    {
        var limits = new SchemaLimits { MaxDepth = 5 };
        // View > View > View > Choices > Choice is five levels.
        const string atLimit = """<View><View><Text name="t" value="$t"/><View><Choices name="c" toName="t"><Choice value="a"/></Choices></View></View></View>""";
        var ok = LabelStudioConfig.Import(atLimit, limits);
        Assert.True(ok.Errors.Count == 0, string.Join("\n", ok.Errors));
        Assert.Null(ok.LimitBreached);

        var deeper = LabelStudioConfig.Import(atLimit.Replace("<View><View>", "<View><View><View>", StringComparison.Ordinal)
            .Replace("</View></View>", "</View></View></View>", StringComparison.Ordinal), limits);
        Assert.Equal(SchemaLimit.Depth, deeper.LimitBreached?.Limit);
        Assert.Equal(5, deeper.LimitBreached?.Value);
    }

    [Fact]
    public void XmlConfigWithMoreElementsThanTheLimitIsRefused()
    {
        var limits = new SchemaLimits { MaxElements = 1_000 };
        // 998 <Text> + View + Choices + Choice = 1,001 elements.
        var import = LabelStudioConfig.Import(ManyTextFields(998), limits);

        Assert.Null(import.Schema);
        Assert.Equal(SchemaLimit.Elements, import.LimitBreached?.Limit);
        Assert.Equal(1_000, import.LimitBreached?.Value);
        Assert.Equal("The Label Studio XML config has more than 1000 elements.", Assert.Single(import.Errors).Message);
        Assert.Null(LabelStudioConfig.Import(ManyTextFields(997), limits).LimitBreached);
    }

    [Fact]
    public void XmlConfigLongerThanTheLimitIsRefusedBeforeReading()
    {
        var import = LabelStudioConfig.Import("<View>" + new string(' ', 200) + "</View>", new SchemaLimits { MaxCharacters = 100 });

        Assert.Equal(new SchemaLimitBreach(SchemaLimit.Characters, 100, "The Label Studio XML config has 213 characters; at most 100 are taken."),
            import.LimitBreached);
    }

    [Fact]
    public void XmlConfigWith200000FieldsUnderTheLimitImportsInLinearTime()
    {
        // A scan of the fields so far for every new one made this quadratic: 250,000 fields took 144 s.
        // Ten times the fields must take about ten times as long, not a hundred: the ratio of two
        // imports on the same machine, so a loaded machine slows both (the quickest of three small ones).
        var limits = new SchemaLimits { MaxElements = 250_000, MaxCharacters = 20_000_000 };
        var small = ManyTextFields(20_000);
        var smallTime = Enumerable.Range(0, 3).Select(_ => Timed(() => LabelStudioConfig.Import(small, limits)).Elapsed).Min();
        var xml = ManyTextFields(200_000);
        var (import, elapsed) = Timed(() => LabelStudioConfig.Import(xml, limits));

        Assert.True(import.Errors.Count == 0, string.Join("\n", import.Errors.Take(5)));
        Assert.Equal(200_000, import.Schema!.Fields.Count);
        Assert.Equal("f199999", import.Schema.Fields[^1].Name);
        Assert.True(elapsed < smallTime * 40, $"200,000 fields took {elapsed}, 20,000 took {smallTime}: {elapsed / smallTime:F0} times as long");

        static (LabelStudioConfigImport Import, TimeSpan Elapsed) Timed(Func<LabelStudioConfigImport> import)
        {
            var watch = Stopwatch.StartNew();
            var result = import();
            return (result, watch.Elapsed);
        }
    }

    [Fact]
    public void ErrorPathsStillCountSameNamedSiblings()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Text name="t" value="$t"/>
              <Choices name="a" toName="t"><Choice value="x"/></Choices>
              <Header value="h"/>
              <Choices toName="t"><Choice value="y"/></Choices>
            </View>
            """);

        Assert.Equal("/View[1]/Choices[2]", Assert.Single(import.Errors).Path);
    }

    [Fact]
    public void JsonSchemaDeeperThanTheLimitIsRefusedAsText()
    {
        var result = LabelSchema.Parse(Nested("[", "]", 200_000));

        Assert.Null(result.Schema);
        Assert.Equal(new SchemaLimitBreach(SchemaLimit.Depth, 64, "The schema is nested deeper than 64 levels."), result.LimitBreached);
    }

    [Fact]
    public void JsonSchemaDeeperThanTheLimitIsRefusedAsAnElement()
    {
        using var doc = JsonDocument.Parse("""{ "fields": [], "controls": [ { "name": "c", "type": "rating", "x": [[[[1]]]] } ] }""");

        var result = LabelSchema.Parse(doc.RootElement, new SchemaLimits { MaxDepth = 5 });

        Assert.Equal(SchemaLimit.Depth, result.LimitBreached?.Limit);
        Assert.Equal(5, result.LimitBreached?.Value);
        Assert.Null(LabelSchema.Parse(doc.RootElement, new SchemaLimits { MaxDepth = 7 }).LimitBreached);
    }

    [Fact]
    public void JsonSchemaWithMoreValuesThanTheLimitIsRefusedBeforeItsLabelsAreJudged()
    {
        var labels = string.Join(",", Enumerable.Range(0, 2_000).Select(_ => "\"same\""));
        var json = $$"""{ "fields": [ { "name": "t", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "t", "options": [{{labels}}] } ] }""";

        var refused = LabelSchema.Parse(json, new SchemaLimits { MaxElements = 1_000 });
        Assert.Equal(SchemaLimit.Elements, refused.LimitBreached?.Limit);
        Assert.Equal("The schema has more than 1000 JSON values.", Assert.Single(refused.Errors).Message);

        // Under the limit the same document is judged: every repeated label is an error.
        var judged = LabelSchema.Parse(json, new SchemaLimits { MaxElements = 10_000 });
        Assert.Null(judged.LimitBreached);
        Assert.Equal(1_999, judged.Errors.Count);
    }

    [Fact]
    public void JsonDepthCountsContainersAndIgnoresBracketsInStrings()
    {
        var ok = LabelSchema.Parse("""{ "fields": [ { "name": "t", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "t", "options": ["[[[[[[", "\"{{{{"] } ] }""",
            new SchemaLimits { MaxDepth = 4 });

        Assert.True(ok.Success, string.Join("\n", ok.Errors));
    }
}
