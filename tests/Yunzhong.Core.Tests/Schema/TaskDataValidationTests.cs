using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

public class TaskDataValidationTests
{
    private static readonly Yunzhong.Core.Schema.LabelSchema _schema = ParseOk("""
        { "fields": [ { "name": "text", "type": "text" }, { "name": "image", "type": "image" },
                      { "name": "audio", "type": "audio" }, { "name": "video", "type": "video" },
                      { "name": "items", "type": "list" }, { "name": "meta", "type": "json" } ],
          "controls": [ { "name": "q", "type": "rating" } ] }
        """);

    [Fact]
    public void CompleteDataWithExtraKeysIsValid()
    {
        var errors = _schema.ValidateTaskData(Json("""
            { "text": "", "image": "img/1.jpg", "audio": "https://x/a.wav", "video": "v.mp4",
              "items": ["a", "b"], "meta": null, "extra": 1 }
            """));

        Assert.Empty(errors);
    }

    [Fact]
    public void ListOfIdTextObjectsIsValid()
    {
        var errors = _schema.ValidateTaskData(Json("""
            { "text": "t", "image": "i", "audio": "a", "video": "v", "meta": {},
              "items": [ { "id": "m1", "text": "回答一", "model": "x" }, { "id": "m2", "text": "" } ] }
            """));

        Assert.Empty(errors);
    }

    [Fact]
    public void MissingFieldsAreNamed()
    {
        var errors = _schema.ValidateTaskData(Json("""{ "text": "t", "items": [] }"""));

        Assert.Equal("/data/image | /data/audio | /data/video | /data/meta", Paths(errors));
        Assert.Contains("'image'", errors[0].Message);
    }

    [Theory]
    [InlineData("""{ "text": 5 }""", "/data/text")]
    [InlineData("""{ "text": null }""", "/data/text")]
    [InlineData("""{ "text": ["a"] }""", "/data/text")]
    [InlineData("""{ "image": "" }""", "/data/image")]
    [InlineData("""{ "image": "   " }""", "/data/image")]
    [InlineData("""{ "audio": 3 }""", "/data/audio")]
    [InlineData("""{ "video": {} }""", "/data/video")]
    [InlineData("""{ "items": "a" }""", "/data/items")]
    [InlineData("""{ "items": ["a", 1] }""", "/data/items/1")]
    [InlineData("""{ "items": ["a", { "id": "1", "text": "b" }] }""", "/data/items/1")]
    [InlineData("""{ "items": [ { "text": "b" } ] }""", "/data/items/0/id")]
    [InlineData("""{ "items": [ { "id": 1, "text": "b" } ] }""", "/data/items/0/id")]
    [InlineData("""{ "items": [ { "id": "1" } ] }""", "/data/items/0/text")]
    [InlineData("""{ "items": [ { "id": "1", "text": "a" }, { "id": "1", "text": "b" } ] }""", "/data/items/1/id")]
    public void WrongTypesAreReportedPerField(string overrides, string path)
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse("""
            { "text": "t", "image": "i", "audio": "a", "video": "v", "items": [], "meta": 1 }
            """)!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(overrides)!.AsObject())
        {
            data[key] = value?.DeepClone();
        }

        var errors = _schema.ValidateTaskData(Json(data.ToJsonString()));

        Assert.Equal(path, Paths(errors));
    }

    [Fact]
    public void DataThatIsNotAnObjectIsOneError()
    {
        var errors = _schema.ValidateTaskData(Json("""["text"]"""));

        Assert.Equal("/data", Paths(errors));
    }
}
