using System.Text;
using System.Text.Json;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>The one walk over task data for media: plain fields, a document's PDF and its listed pages in both shapes.</summary>
public class MediaReferencesTests
{
    private static readonly LabelSchema _schema = LabelSchema.Parse("""
        { "fields": [
            { "name": "image", "type": "image" }, { "name": "text", "type": "text" }, { "name": "pages", "type": "document" },
            { "name": "scan", "type": "document", "pageKey": "page" }, { "name": "series", "type": "timeseries" },
            { "name": "chat", "type": "dialogue" } ],
          "controls": [ { "name": "c", "type": "choices", "field": "text", "options": [ "a", "b" ] } ] }
        """).Schema!;

    private const string Data = """
        { "text": "media:not-media", "image": "media:a.png", "pages": [ "media:p1.png", 7, "https://example.org/p2.png" ],
          "scan": [ { "n": 1, "page": "media:s1.png", "x": { "page": "media:deep.png" } }, "media:loose.png", { "page": 3 } ],
          "series": { "time": [ 1 ], "v": [ 2 ] }, "chat": [ "media:said.png" ] }
        """;

    [Fact]
    public void FollowsPlainFieldsAndEveryPageOfBothDocumentShapesAndNothingElse()
    {
        using var doc = JsonDocument.Parse(Data);
        var found = _schema.Media.In(doc.RootElement).Select(r => (r.Path, r.Value)).ToList();
        Assert.Equal(
        [
            ("/image", "media:a.png"), ("/pages/0", "media:p1.png"), ("/pages/2", "https://example.org/p2.png"), ("/scan/0/page", "media:s1.png"),
        ], found);

        var values = new List<string>();
        _schema.Media.AddValues(Data, values);
        Assert.Equal(found.Select(f => f.Value), values); // the reader's walk finds what the document's does
    }

    [Fact]
    public void APdfStringAndATimeSeriesCsvAreTheirFieldsOwnMedium()
    {
        using var doc = JsonDocument.Parse("""{ "image": "x.png", "pages": "media:r.pdf", "series": "https://example.org/s.csv" }""");
        Assert.Equal([("image", -1, "x.png"), ("pages", -1, "media:r.pdf"), ("series", -1, "https://example.org/s.csv")],
            _schema.Media.In(doc.RootElement).Select(r => (r.Field, r.Page, r.Value)));
    }

    [Fact]
    public void RewriteReplacesOnlyWhatTheMapAnswersAndKeepsTheRest()
    {
        var raw = Encoding.UTF8.GetBytes(Data);
        using var doc = JsonDocument.Parse(raw);
        var rewritten = _schema.Media.Rewrite(doc.RootElement, raw, r => r.Value.StartsWith("media:", StringComparison.Ordinal) ? "/m/" + r.Value[6..] : null);
        using var after = JsonDocument.Parse(rewritten);
        var root = after.RootElement;
        Assert.Equal("media:not-media", root.GetProperty("text").GetString());
        Assert.Equal("/m/a.png", root.GetProperty("image").GetString());
        Assert.Equal("""["/m/p1.png",7,"https://example.org/p2.png"]""", root.GetProperty("pages").GetRawText());
        Assert.Equal("""[{"n":1,"page":"/m/s1.png","x":{"page":"media:deep.png"}},"media:loose.png",{"page":3}]""", root.GetProperty("scan").GetRawText());
        Assert.Equal("""["media:said.png"]""", root.GetProperty("chat").GetRawText());

        // Nothing to change: the very bytes come back.
        Assert.Same(raw, _schema.Media.Rewrite(doc.RootElement, raw, _ => null));
    }

    [Fact]
    public void DataThatIsNotAnObjectOrNotJsonNamesNone()
    {
        var values = new List<string>();
        _schema.Media.AddValues("""["media:a.png"]""", values);
        _schema.Media.AddValues("""{"image":"a.png", "pages": [ "b.png" """, values); // cut off inside the pages
        Assert.Equal(["a.png", "b.png"], values);
        using var doc = JsonDocument.Parse("3");
        Assert.Empty(_schema.Media.In(doc.RootElement));
        Assert.False(new MediaReferences([new FieldDef("t", FieldType.Text)]).Any);
    }
}
