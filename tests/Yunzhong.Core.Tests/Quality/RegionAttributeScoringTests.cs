using System.Text.Json;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Quality;

/// <summary>Gold and agreement of per-region attributes: regions matched by IoU, then each attribute by its kind's rule.</summary>
public sealed class RegionAttributeScoringTests
{
    private static readonly LabelSchema _ocr = ParseOk("""
        { "fields": [ { "name": "image", "type": "image" }, { "name": "text", "type": "text" } ],
          "controls": [
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": ["word", "logo"] },
            { "name": "words", "type": "transcription", "perRegion": ["boxes"] },
            { "name": "script", "type": "choices", "options": ["Latin", "Han"], "perRegion": ["boxes"] },
            { "name": "legibility", "type": "rating", "max": 5, "perRegion": ["boxes"] },
            { "name": "ner", "type": "spans", "field": "text", "labels": ["PER"] },
            { "name": "salience", "type": "choices", "options": ["main", "minor"], "perRegion": ["ner"] } ] }
        """);

    // Gold: two boxes; the answer draws them in the other order under its own ids, nudged a few pixels.
    private const string GoldBoxes = """
        "boxes": [ { "id": "g1", "x": 10, "y": 10, "width": 100, "height": 20, "label": "word" },
                   { "id": "g2", "x": 10, "y": 50, "width": 100, "height": 20, "label": "word" } ]
        """;

    private const string AnswerBoxes = """
        "boxes": [ { "id": "a9", "x": 12, "y": 51, "width": 100, "height": 20, "label": "logo" },
                   { "id": "a3", "x": 11, "y": 9, "width": 98, "height": 21, "label": "word" } ]
        """;

    private static double Score(string gold, string answer) =>
        GoldScoring.Score(_ocr, Json("{" + gold + "}"), Json("{" + answer + "}"));

    [Fact]
    public void ChoicesAreRightOrWrongOnTheMatchedBoxWhateverItsIdOrLabel()
    {
        var score = Score(GoldBoxes + """, "script": { "g1": ["Latin"], "g2": ["Han"] }""",
            AnswerBoxes + """, "script": { "a3": ["Latin"], "a9": ["Latin"] }""");

        // boxes: both matched by IoU, but one label differs → F1 0.5; script: g1 right, g2 wrong → 0.5.
        Assert.Equal((0.5 + 0.5) / 2, score, 1e-9);
    }

    [Fact]
    public void TextScoresOneMinusTheCharacterErrorRateOfItsBox()
    {
        var boxes = AnswerBoxes.Replace("\"logo\"", "\"word\"", StringComparison.Ordinal);
        var score = Score(GoldBoxes + """, "words": { "g1": "EXIT", "g2": "出口" }""",
            boxes + """, "words": { "a3": "EXIT", "a9": "出" }""");

        // boxes 1; words: g1 exact (1), g2 one of two characters missing (1 − 1/2).
        Assert.Equal((1 + (1 + 0.5) / 2) / 2, score, 1e-9);
    }

    [Fact]
    public void RatingScoresItsDistanceAndAnUnmatchedBoxScoresZero()
    {
        // The answer has only the first box (the second is far away): g2's rating has nothing to match.
        var score = Score(GoldBoxes + """, "legibility": { "g1": 5, "g2": 3 }""",
            """ "boxes": [ { "id": "a1", "x": 10, "y": 10, "width": 100, "height": 20, "label": "word" }, { "id": "a2", "x": 300, "y": 300, "width": 10, "height": 10, "label": "word" } ], "legibility": { "a1": 4, "a2": 3 }""");

        // boxes: 1 of 2 matched both ways → F1 0.5; legibility: g1 1 − 1/4, g2 0.
        Assert.Equal((0.5 + (0.75 + 0) / 2) / 2, score, 1e-9);
    }

    [Fact]
    public void SpansMatchByOverlapAndAGoldWithoutAttributeValuesIsNotScored()
    {
        const string gold = """ "ner": [ { "id": "s1", "start": 0, "end": 5, "label": "PER" } ], "salience": { "s1": ["main"] }""";
        Assert.Equal(1, Score(gold, """ "ner": [ { "id": "x", "start": 0, "end": 5, "label": "PER" } ], "salience": { "x": ["main"] }"""), 1e-9);
        Assert.Equal(0.5, Score(gold, """ "ner": [ { "id": "x", "start": 0, "end": 5, "label": "PER" } ], "salience": { "x": ["minor"] }"""), 1e-9);
        Assert.Equal(1, Score(""" "ner": [ { "id": "s1", "start": 0, "end": 5, "label": "PER" } ], "salience": {}""",
            """ "ner": [ { "id": "x", "start": 0, "end": 5, "label": "PER" } ]"""), 1e-9);
    }

    [Fact]
    public void AgreementComparesTheAttributesOfBoxesBothAnnotatorsDrew()
    {
        var accumulators = AgreementAccumulator.ForSchema(_ocr).ToDictionary(a => a.Control.Name);
        var one = Json("{" + GoldBoxes + """, "words": { "g1": "EXIT", "g2": "出口" }, "script": { "g1": ["Latin"], "g2": ["Han"] }, "legibility": { "g1": 5, "g2": 2 } }""");
        var two = Json("{" + AnswerBoxes + """, "words": { "a3": "EXIT", "a9": "出" }, "script": { "a3": ["Latin"], "a9": ["Latin"] }, "legibility": { "a3": 4, "a9": 5 } }""");
        foreach (var a in accumulators.Values)
        {
            a.AddTask([one, two]);
        }

        var words = accumulators["words"].Result();
        Assert.Equal((1L, 1L), (words.Tasks, words.Pairs));
        // g1/a3 0; g2/a9: CER(出口→出) = 1/2, CER(出→出口) = 1 → 0.75; mean 0.375.
        Assert.Equal(0.375, words.Metrics["cer"]!.Value, 1e-9);
        Assert.Equal(0.5, accumulators["script"].Result().Metrics["agreement"]!.Value, 1e-9);
        var legibility = accumulators["legibility"].Result().Metrics;
        Assert.Equal((0.0, 0.5), (legibility["exact"]!.Value, legibility["near"]!.Value));
    }

    [Fact]
    public void BoxesThatDoNotOverlapEnoughAreNotMatched()
    {
        var gold = Json("{" + GoldBoxes + "}");
        var far = Json("""{ "boxes": [ { "id": "z", "x": 60, "y": 10, "width": 100, "height": 20 } ] }""");

        Assert.Empty(RegionAttributeScoring.Match(_ocr, _ocr.Control("words")!, gold, far));
        Assert.Equal(new Dictionary<string, string> { ["g1"] = "a3", ["g2"] = "a9" },
            RegionAttributeScoring.Match(_ocr, _ocr.Control("words")!, gold, Json("{" + AnswerBoxes + "}")));
    }
}
