namespace Yunzhong.Server.Tests.Validation;

/// <summary>Submissions are checked against the schema, the task's text and the uploaded media's size and duration.</summary>
public abstract class SubmissionValidationTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _imageSchema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[]
        {
            new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "horse" } },
            new { name = "shapes", type = "polygons", field = "image", labels = new[] { "horse" } },
            new { name = "joints", type = "keypoints", field = "image", labels = new[] { "nose" } },
        },
    };

    private static readonly object _audioSchema = new
    {
        fields = new[] { new { name = "audio", type = "audio" } },
        controls = new object[]
        {
            new { name = "turns", type = "segments", field = "audio", labels = new[] { "speech" } },
            new { name = "transcript", type = "transcription", field = "audio", perSegment = "turns" },
        },
    };

    private static readonly object _formSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[]
        {
            new { name = "label", type = "choices", field = "text", options = new[] { "pos", "neg" }, required = true },
            new { name = "quality", type = "rating", max = 5 },
        },
    };

    /// <summary>A project of one task (with media uploaded first when given) and an annotator holding its lease.</summary>
    private async Task<(Person Annotator, long Assignment, long Project)> LeaseAsync(object schema, string taskJson, params (string Name, byte[] Bytes)[] media)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, schema);
        if (media.Length > 0)
        {
            await manager.Http.UploadOkAsync(project, media);
        }
        using (var r = await TestData.ImportRawAsync(manager.Http, project, taskJson))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var annotator = await org.PersonAsync(Roles.Annotator);
        var lease = (await annotator.NextAsync(project))!;
        return (annotator, lease.AssignmentId, project);
    }

    private static async Task<JsonElement> RefusedAsync(Person p, long assignment, object result)
    {
        using var r = await p.SubmitAsync(assignment, result);
        return await r.ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task AcceptedAsync(Person p, long assignment, object result)
    {
        using var r = await p.SubmitAsync(assignment, result);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
    }

    private Task<long> AnnotationCountAsync(long project) =>
        fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project });

    // 你 好 👍 🙂 北 京: six code points, eight UTF-16 units (each emoji is a surrogate pair).
    private const string Text = "你好👍🙂北京";

    [Fact]
    public async Task SpanOffsetsCountCodePointsAndUtf16OffsetsAreRefused()
    {
        var (p, assignment, project) = await LeaseAsync(TestData.SpanSchema, JsonSerializer.Serialize(new { data = new { text = Text } }));

        // What a JavaScript client would send if it counted UTF-16 units: 北京 at 6..8.
        var utf16 = await RefusedAsync(p, assignment, new { entities = new[] { new { id = "s1", start = 6, end = 8, label = "LOC", text = "北京" } } });
        Assert.Equal(["/entities/0/end"], utf16.ErrorKeys());
        Assert.Equal("Span end 8 is past the end of the text, which has 6 characters (code points).", utf16.Errors("/entities/0/end")[0]);

        // The emoji pair at UTF-16 2..6 is code points 2..6, which also covers 北京.
        var slice = await RefusedAsync(p, assignment, new { entities = new[] { new { id = "s1", start = 2, end = 6, label = "PER", text = "👍🙂" } } });
        Assert.Equal(["/entities/0/text"], slice.ErrorKeys());
        Assert.Contains("'👍🙂北京'", slice.Errors("/entities/0/text")[0], StringComparison.Ordinal);

        var relation = await RefusedAsync(p, assignment, new
        {
            entities = new[] { new { id = "s1", start = 4, end = 6, label = "LOC", text = "北京" } },
            links = new[] { new { from = "s1", to = "s9", label = "works_for" } },
        });
        Assert.Equal(["/links/0/to"], relation.ErrorKeys());
        Assert.Equal(0, await AnnotationCountAsync(project));

        // Code points, sent as raw UTF-8 as a browser would.
        using var ok = await p.SubmitRawAsync(assignment,
            """{"result":{"entities":[{"id":"s1","start":4,"end":6,"label":"LOC","text":"北京"},{"id":"s2","start":2,"end":4,"label":"PER","text":"👍🙂"}]},"leadTimeSeconds":12.5}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var stored = await fx.QueryAsync<(string Result, double Lead)>("SELECT result_json, lead_time FROM annotations WHERE project_id = @project", new { project });
        var span = JsonSerializer.Deserialize<JsonElement>(Assert.Single(stored).Result).GetProperty("entities")[0];
        Assert.Equal((4, 6), (span.GetProperty("start").GetInt32(), span.GetProperty("end").GetInt32()));
        Assert.Equal(12.5, stored[0].Lead);
    }

    [Fact]
    public async Task SpansOverAnHtmlFieldCountItsTextContentNotItsMarkup()
    {
        var schema = new
        {
            fields = new[] { new { name = "page", type = "html" } },
            controls = new object[] { new { name = "ner", type = "spans", field = "page", labels = new[] { "Title" } } },
        };
        // Text content: "长安 & 😀\nLi Bai" (13 code points); the markup is longer.
        var (p, assignment, _) = await LeaseAsync(schema, JsonSerializer.Serialize(new { data = new { page = "<h1>长安 &amp; 😀</h1><br><b onclick=x()>Li Bai</b>" } }));

        // Offsets into the markup are refused: past the text, or not its text.
        var markup = await RefusedAsync(p, assignment, new { ner = new[] { new { id = "s1", start = 4, end = 14, label = "Title", text = "长安 &amp; " } } });
        Assert.Equal(["/ner/0/end"], markup.ErrorKeys());
        var slice = await RefusedAsync(p, assignment, new { ner = new[] { new { id = "s1", start = 0, end = 4, label = "Title", text = "<h1>" } } });
        Assert.Equal(["/ner/0/text"], slice.ErrorKeys());

        await AcceptedAsync(p, assignment, new { ner = new[] { new { id = "s1", start = 7, end = 13, label = "Title", text = "Li Bai" } } });
    }

    [Fact]
    public async Task GeometryOutsideTheUploadedImageIsRefused()
    {
        // horse.png is 400×328 pixels.
        var (p, assignment, project) = await LeaseAsync(_imageSchema, """{"data":{"image":"media:horse.png"}}""", ("horse.png", Api.DemoFile("photos/media/horse.png")));

        var box = await RefusedAsync(p, assignment, new { boxes = new[] { new { id = "r1", label = "horse", x = 390, y = 10, width = 20, height = 50 } } });
        Assert.Equal(["/boxes/0/width"], box.ErrorKeys());
        Assert.Equal("Box right edge x + width = 410 is past the image width 400.", box.Errors("/boxes/0/width")[0]);

        var tall = await RefusedAsync(p, assignment, new { boxes = new[] { new { id = "r1", label = "horse", x = 0, y = 300, width = 10, height = 29 } } });
        Assert.Equal(["/boxes/0/height"], tall.ErrorKeys());

        var polygon = await RefusedAsync(p, assignment, new { shapes = new[] { new { id = "p1", label = "horse", points = new[] { new[] { 0.0, 0 }, new[] { 401.0, 0 }, new[] { 200.0, 300 } } } } });
        Assert.Single(polygon.ErrorKeys(), k => k.StartsWith("/shapes/0/points/1", StringComparison.Ordinal));

        var point = await RefusedAsync(p, assignment, new { joints = new[] { new { id = "k1", label = "nose", x = 10.0, y = 328.5 } } });
        Assert.Single(point.ErrorKeys(), k => k.StartsWith("/joints/0/", StringComparison.Ordinal));
        Assert.Equal(0, await AnnotationCountAsync(project));

        // The edges themselves are inside.
        await AcceptedAsync(p, assignment, new
        {
            boxes = new[] { new { id = "r1", label = "horse", x = 300, y = 228, width = 100, height = 100 } },
            shapes = new[] { new { id = "p1", label = "horse", points = new[] { new[] { 0.0, 0 }, new[] { 400.0, 0 }, new[] { 200.0, 328 } } } },
            joints = new[] { new { id = "k1", label = "nose", x = 400.0, y = 328.0 } },
        });
    }

    [Fact]
    public async Task WithoutAKnownImageSizeOnlyTheShapeOfTheBoxIsChecked()
    {
        var (p, assignment, _) = await LeaseAsync(_imageSchema, """{"data":{"image":"https://example.org/unknown.jpg"}}""");
        var negative = await RefusedAsync(p, assignment, new { boxes = new[] { new { id = "r1", label = "horse", x = 5, y = 5, width = -1, height = 10 } } });
        Assert.Equal(["/boxes/0/width"], negative.ErrorKeys());
        await AcceptedAsync(p, assignment, new { boxes = new[] { new { id = "r1", label = "horse", x = 5000, y = 5000, width = 100, height = 100 } } });
    }

    [Fact]
    public async Task SegmentPastTheEndOfTheUploadedAudioIsRefused()
    {
        // cards-001.wav lasts 1.095375 s.
        var (p, assignment, project) = await LeaseAsync(_audioSchema, """{"data":{"audio":"media:cards-001.wav"}}""", ("cards-001.wav", Api.DemoFile("speech/media/cards-001.wav")));

        var late = await RefusedAsync(p, assignment, new { turns = new[] { new { id = "g1", start = 0.5, end = 1.2, label = "speech" } } });
        Assert.Equal(["/turns/0/end"], late.ErrorKeys());
        Assert.Equal("Segment end 1.2 s is past the end of the media, which lasts 1.095375 s.", late.Errors("/turns/0/end")[0]);

        var backwards = await RefusedAsync(p, assignment, new { turns = new[] { new { id = "g1", start = 0.8, end = 0.3, label = "speech" } } });
        Assert.Equal(["/turns/0/end"], backwards.ErrorKeys());

        var transcript = await RefusedAsync(p, assignment, new
        {
            turns = new[] { new { id = "g1", start = 0.1, end = 0.9, label = "speech" } },
            transcript = new Dictionary<string, string> { ["g2"] = "no such segment" },
        });
        Assert.Single(transcript.ErrorKeys(), k => k.StartsWith("/transcript", StringComparison.Ordinal));
        Assert.Equal(0, await AnnotationCountAsync(project));

        await AcceptedAsync(p, assignment, new
        {
            turns = new[] { new { id = "g1", start = 0.0, end = 1.095375, label = "speech" } },
            transcript = new Dictionary<string, string> { ["g1"] = "three of spades" },
        });
    }

    [Fact]
    public async Task ChoiceCountsRequiredControlsRatingRangeAndUnknownKeysAreChecked()
    {
        var (p, assignment, project) = await LeaseAsync(_formSchema, """{"data":{"text":"还行"}}""");
        var two = await RefusedAsync(p, assignment, new { label = new[] { "pos", "neg" } });
        Assert.Equal(["/label"], two.ErrorKeys());
        var missing = await RefusedAsync(p, assignment, new { quality = 3 });
        Assert.Equal(["/label"], missing.ErrorKeys());
        var rating = await RefusedAsync(p, assignment, new { label = new[] { "pos" }, quality = 6 });
        Assert.Equal(["/quality"], rating.ErrorKeys());
        Assert.Equal("Rating 6 is outside 1..5 of 'quality'.", rating.Errors("/quality")[0]);
        var unknown = await RefusedAsync(p, assignment, new { label = new[] { "pos" }, mood = "happy" });
        Assert.Equal(["/mood"], unknown.ErrorKeys());
        using (var r = await p.SubmitAsync(assignment, new { label = new[] { "pos" } }, leadTimeSeconds: -1))
        {
            Assert.Equal(["leadTimeSeconds"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        Assert.Equal(0, await AnnotationCountAsync(project));
        await AcceptedAsync(p, assignment, new { label = new[] { "neg" }, quality = 5 });
    }

    [Fact]
    public async Task AResultWithALoneSurrogateEscapeIsRefusedNotAServerError()
    {
        // Found by the annotation fuzz target: the body parses, and naming the unknown key threw (a 500).
        var (p, assignment, project) = await LeaseAsync(_formSchema, """{"data":{"text":"还行"}}""");
        using (var r = await p.SubmitRawAsync(assignment, """{"result":{"label":["pos"],"\udc00":1}}"""))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("not valid Unicode", problem.GetRawText(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await AnnotationCountAsync(project));
    }
}

public sealed class SqliteSubmissionValidationTests(SqliteFixture fx) : SubmissionValidationTests<SqliteFixture>(fx);

public sealed class PostgresSubmissionValidationTests(PostgresFixture fx) : SubmissionValidationTests<PostgresFixture>(fx);
