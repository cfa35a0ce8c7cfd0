using System.Text.Json;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Tests.Quality;

public class GoldScoringTests
{
    private static readonly LabelSchema _schema = LabelSchema.Parse("""
        {
          "fields": [ { "name": "text", "type": "text" }, { "name": "image", "type": "image" }, { "name": "audio", "type": "audio" },
                      { "name": "responses", "type": "list" } ],
          "controls": [
            { "name": "label", "type": "choices", "field": "text", "options": ["a", "b", "c"], "multiple": true },
            { "name": "stars", "type": "rating", "max": 5 },
            { "name": "ents", "type": "spans", "field": "text", "labels": ["PER", "ORG"] },
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": ["car"] },
            { "name": "said", "type": "transcription", "field": "audio" },
            { "name": "rank", "type": "ranking", "field": "responses", "mode": "rank" }
          ]
        }
        """).Schema!;

    private static double Score(string gold, string result)
    {
        using var g = JsonDocument.Parse(gold);
        using var r = JsonDocument.Parse(result);
        return GoldScoring.Score(_schema, g.RootElement, r.RootElement);
    }

    [Fact]
    public void ChoiceSetsMustMatchExactly()
    {
        Assert.Equal(1, Score("""{"label":["a","b"]}""", """{"label":["b","a"]}"""));
        Assert.Equal(0, Score("""{"label":["a","b"]}""", """{"label":["a"]}"""));
        Assert.Equal(0, Score("""{"label":["a"]}""", """{}"""));
    }

    [Fact]
    public void RatingLosesAQuarterPerStepOnAFiveStarScale()
    {
        // max 5: four steps between 1 and 5, so 4 vs 2 is 1 - 2/4.
        Assert.Equal(0.5, Score("""{"stars":4}""", """{"stars":2}"""), 10);
        Assert.Equal(1, Score("""{"stars":3}""", """{"stars":3}"""));
    }

    [Fact]
    public void SpansScoreByExactF1()
    {
        // Gold has two spans; the answer gets one exactly and one with a wrong end: P = 1/2, R = 1/2, F1 = 1/2.
        var gold = """{"ents":[{"id":"1","start":0,"end":2,"label":"PER"},{"id":"2","start":5,"end":9,"label":"ORG"}]}""";
        var answer = """{"ents":[{"id":"x","start":0,"end":2,"label":"PER"},{"id":"y","start":5,"end":8,"label":"ORG"}]}""";
        Assert.Equal(0.5, Score(gold, answer), 10);
    }

    [Fact]
    public void BoxesMatchAtHalfIntersectionOverUnion()
    {
        // Same size, shifted by 2 of 10 px: IoU = 80/120 = 0.67 ≥ 0.5, a match. Shifted by 6: IoU = 40/160 = 0.25, no match.
        var gold = """{"boxes":[{"id":"1","label":"car","x":0,"y":0,"width":10,"height":10}]}""";
        Assert.Equal(1, Score(gold, """{"boxes":[{"id":"1","label":"car","x":2,"y":0,"width":10,"height":10}]}"""));
        Assert.Equal(0, Score(gold, """{"boxes":[{"id":"1","label":"car","x":6,"y":0,"width":10,"height":10}]}"""));
    }

    [Fact]
    public void TranscriptionScoresOneMinusCharacterErrorRateInCodePoints()
    {
        // 5 code points of gold, one substituted: CER 1/5.
        Assert.Equal(0.8, Score("""{"said":"你好世界😀"}""", """{"said":"你好世界😃"}"""), 10);
    }

    [Fact]
    public void RankingScoresKendallTauRescaledToZeroOne()
    {
        Assert.Equal(1, Score("""{"rank":{"order":["a","b","c"]}}""", """{"rank":{"order":["a","b","c"]}}"""));
        Assert.Equal(0, Score("""{"rank":{"order":["a","b","c"]}}""", """{"rank":{"order":["c","b","a"]}}"""));
    }

    [Fact]
    public void ScoreIsTheMeanOverTheGoldsControls()
    {
        // Choices right (1), rating 2 steps off (0.5): mean 0.75. Controls the gold leaves empty do not count.
        Assert.Equal(0.75, Score("""{"label":["c"],"stars":5,"ents":[]}""", """{"label":["c"],"stars":3,"ents":[{"id":"e","start":0,"end":1,"label":"PER"}]}"""), 10);
    }
}
