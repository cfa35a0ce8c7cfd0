using System.Text;
using System.Text.Json;
using Yunzhong.Core.Media;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.FoundByFuzzing;

/// <summary>What the schema, xml, annotation and media fuzz targets found, one behaviour per test.</summary>
public class SchemaAndMediaFindingsTests
{
    // System.Text.Json parses these without complaint and throws InvalidOperationException only when
    // the string is read; a request body bound to a JsonElement reaches the parsers so.
    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement.Clone();

    public static TheoryData<string> InvalidUnicodeSchemas => new()
    {
        "{\"fields\":[{\"name\":\"t\\ud800\",\"type\":\"text\"}],\"controls\":[]}",
        "{\"\\udc00\":1}",
        "{\"fields\":[],\"controls\":[{\"name\":\"c\",\"type\":\"choices\",\"options\":[\"\\ud83d x\"]}]}",
    };

    [Theory]
    [MemberData(nameof(InvalidUnicodeSchemas))]
    public void ASchemaWithALoneSurrogateEscapeIsAnErrorNotAnException(string json)
    {
        var parsed = LabelSchema.Parse(Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Null(parsed.Schema);
        Assert.Equal([new SchemaError("", LabelSchema.InvalidUnicode, SchemaErrorCodes.SchemaBadUnicode)], parsed.Errors);
    }

    [Fact]
    public void ASchemaWithBytesThatAreNotUtf8IsAnErrorNotAnException()
    {
        byte[] json = [.. "{\"fields\":[{\"name\":\"t"u8, 0xFF, .. "\",\"type\":\"text\"}]}"u8];

        var parsed = LabelSchema.Parse(Parse(json));

        Assert.Equal([new SchemaError("", LabelSchema.InvalidUnicode, SchemaErrorCodes.SchemaBadUnicode)], parsed.Errors);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'"', (byte)'n', (byte)'o', 0xFF, (byte)'"' })]          // not even an object
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void AnAnnotationResultThatIsNotUnicodeIsAnErrorNotAnException(byte[] result)
    {
        var schema = LabelSchema.Parse("""{"fields":[{"name":"t","type":"text"}],"controls":[{"name":"c","type":"choices","field":"t","options":["a"]}]}""").Schema!;
        using var data = JsonDocument.Parse("""{"t":"x"}""");

        var errors = AnnotationValidator.Validate(schema, data.RootElement, Parse(result));

        Assert.Equal([new SchemaError("", LabelSchema.InvalidUnicode, SchemaErrorCodes.BadUnicode)], errors);
    }

    [Fact]
    public void AnAnnotationWithALoneSurrogateInARegionIdIsAnErrorNotAnException()
    {
        var schema = LabelSchema.Parse("""{"fields":[{"name":"t","type":"text"}],"controls":[{"name":"e","type":"spans","field":"t","labels":["P"]}]}""").Schema!;
        using var data = JsonDocument.Parse("""{"t":"hello"}""");

        var errors = AnnotationValidator.Validate(schema, data.RootElement, Parse("""{"e":[{"id":"\udc00","start":0,"end":1,"label":"P"}]}"""u8.ToArray()));

        Assert.Equal([new SchemaError("", LabelSchema.InvalidUnicode, SchemaErrorCodes.BadUnicode)], errors);
    }

    [Fact]
    public void ALabelStudioViewWithNoControlsIsRefusedAsTheJsonFormIs()
    {
        // It used to import as a schema whose own canonical JSON LabelSchema.Parse then refused.
        var import = LabelStudioConfig.Import("<View><Text name=\"t\" value=\"$t\"/></View>");
        var created = LabelSchema.Create([new FieldDef("t", FieldType.Text)], []);

        Assert.Null(import.Schema);
        Assert.Contains(import.Errors, e => e.Message == "The schema needs at least one control.");
        var error = Assert.Single(created.Errors);
        Assert.Equal(("/controls", "The schema needs at least one control.", SchemaErrorCodes.SchemaNeedsControl), (error.Path, error.Message, error.Code));
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p switch { string s => Encoding.ASCII.GetBytes(s), byte[] b => b, int i => [(byte)i], _ => throw new ArgumentException("each part is a string, bytes or a byte value", nameof(parts)) })];

    public static TheoryData<byte[], string> ZeroSidedImages => new()
    {
        // GIF logical screen 27 × 0, no colour table, then an image descriptor.
        { Bytes("GIF89a", new byte[] { 27, 0, 0, 0, 0, 0, 0 }, 0x2C), "image/gif" },
        // WebP lossy key frame whose 14-bit height is 0.
        { Bytes("RIFF", new byte[] { 30, 0, 0, 0 }, "WEBPVP8 ", new byte[] { 10, 0, 0, 0, 0, 0, 0, 0x9D, 0x01, 0x2A, 13, 0, 0, 0, 0, 0 }), "image/webp" },
        // JPEG whose SOF0 gives height 0 (it would come later in a DNL segment).
        { Bytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 0, 1, 0, 3, 1, 0x11, 0, 2, 0x11, 1 }), "image/jpeg" },
    };

    [Theory]
    [MemberData(nameof(ZeroSidedImages))]
    public void AnImageHeaderWithAZeroSideGivesNoSizeRatherThanZero(byte[] head, string contentType)
    {
        var sniff = MediaSniffer.Sniff(head, head.Length + 1000);

        Assert.Equal(new SniffResult(contentType, "image", null, null, null), sniff);
    }
}
