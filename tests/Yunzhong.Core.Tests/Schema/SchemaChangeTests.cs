using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Schema;

public class SchemaChangeTests
{
    private static LabelSchema S(string json) => LabelSchema.Parse(json).Schema ?? throw new InvalidOperationException(json);

    private const string Taxonomy = """
        {"fields":[{"name":"t","type":"text"}],"controls":[
          {"name":"tax","type":"taxonomy","field":"t","options":[{"value":"Animal","children":["Cat","Dog"]},"Plant"]},
          {"name":"stars","type":"rating","max":5},
          {"name":"c","type":"choices","field":"t","options":["a","b"],"multiple":true}]}
        """;

    [Fact]
    public void AddingLabelsOptionsAndAHigherScaleBreaksNothing()
    {
        var next = S("""
            {"fields":[{"name":"t","type":"text"},{"name":"u","type":"text"}],"controls":[
              {"name":"tax","type":"taxonomy","field":"t","options":[{"value":"Animal","children":["Cat","Dog","Cow"]},"Plant","Rock"]},
              {"name":"stars","type":"rating","max":7},
              {"name":"c","type":"choices","field":"t","options":[{"value":"a","hotkey":"q","color":"#000000"},"b","c"],"multiple":true},
              {"name":"extra","type":"transcription"}]}
            """);
        Assert.Empty(SchemaChange.Breaks(S(Taxonomy), next));
    }

    [Fact]
    public void TakingAwayWhatResultsHoldIsNamedByPointer()
    {
        var next = S("""
            {"fields":[{"name":"t","type":"text"}],"controls":[
              {"name":"tax","type":"taxonomy","field":"t","options":[{"value":"Animal","children":["Cat"]},"Plant"]},
              {"name":"stars","type":"rating","max":3},
              {"name":"c","type":"choices","field":"t","options":["a","b"]}]}
            """);
        var errors = SchemaChange.Breaks(S(Taxonomy), next);
        Assert.Equal(["/controls/0/options", "/controls/1/max", "/controls/2/multiple"], errors.Select(e => e.Path));
        Assert.Contains("\"Animal / Dog\"", errors[0].Message);
    }

    [Fact]
    public void ARemovedOrRetypedControlOrFieldIsRefused()
    {
        var next = S("""{"fields":[{"name":"t","type":"image"}],"controls":[{"name":"stars","type":"choices","field":"t","options":["x"]}]}""");
        var paths = SchemaChange.Breaks(S(Taxonomy), next).Select(e => e.Path).ToArray();
        Assert.Equal(["/fields/0/type", "/controls", "/controls/0/type", "/controls"], paths);
    }

    [Fact]
    public void ARankingKeepsItsBucketsAndTheFieldsItCompares()
    {
        var was = S("""
            {"fields":[{"name":"l","type":"list"},{"name":"a","type":"text"},{"name":"b","type":"text"}],"controls":[
              {"name":"sorted","type":"ranking","field":"l","mode":"rank","buckets":["good","bad"]},
              {"name":"pw","type":"ranking","mode":"pairwise","fields":["a","b"]}]}
            """);
        var next = S("""
            {"fields":[{"name":"l","type":"list"},{"name":"a","type":"text"},{"name":"b","type":"text"}],"controls":[
              {"name":"sorted","type":"ranking","field":"l","mode":"rank","buckets":[{"value":"good","title":"Good"},"ugly"]},
              {"name":"pw","type":"ranking","mode":"pairwise","fields":["b","a"]}]}
            """);

        var errors = SchemaChange.Breaks(was, next);

        Assert.Equal(["/controls/0/buckets", "/controls/1/fields"], errors.Select(e => e.Path));
        Assert.Contains("\"bad\"", errors[0].Message);
    }
}
