using System.Text;
using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class CsvAndNumericTests
{
    [Fact]
    public void ReadsQuotedFieldsCrlfAndByteOrderMark()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "question,worker,answer\r\n\"q,1\",张三,\"say \"\"hi\"\"\"\r\n\r\nq2,w,\"two\nlines\"\n")).ToArray();
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, true);
        var rows = AnswerCsv.ReadAnswers(reader).ToList();
        Assert.Equal([("q,1", "张三", "say \"hi\""), ("q2", "w", "two\nlines")], rows);
    }

    [Fact]
    public void ByteOrderMarkInATextReaderIsIgnored()
    {
        var rows = AnswerCsv.ReadAnswers(new StringReader("\uFEFFquestion,worker,answer\nq,w,a\n")).ToList();
        Assert.Single(rows);
    }

    [Theory]
    [InlineData("question,worker\nq,w\n", 1)]
    [InlineData("question,worker,answer\nq,w,a\nq,w\n", 3)]
    [InlineData("question,worker,answer\nq,w,a\n\"q\nx,w,\n", 3)]
    [InlineData("question,worker,answer\nq,\"w\"x,a\n", 2)]
    [InlineData("question,worker,answer\nq,,a\n", 2)]
    [InlineData("", 1)]
    public void BadRowsNameTheirLine(string csv, long line)
    {
        var e = Assert.Throws<CsvFormatException>(() => AnswerCsv.ReadAnswers(new StringReader(csv)).ToList());
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void NumericAnswersMustBeNumbers()
    {
        var e = Assert.Throws<CsvFormatException>(() =>
            AnswerCsv.ReadNumericAnswers(new StringReader("question,worker,answer\nq,w,1.5\nq,v,abc\n")).ToList());
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void WritesTruthsWithQuotingWhereNeeded()
    {
        var w = new StringWriter();
        AnswerCsv.WriteTruths(w, [("q,1", "a\"b", 0.5), ("q2", "x", 1)]);
        Assert.Equal("question,truth,confidence\n\"q,1\",\"a\"\"b\",0.5\nq2,x,1\n", w.ToString());
    }

    [Fact]
    public void DuplicateTruthIsAnError()
    {
        Assert.Throws<CsvFormatException>(() => AnswerCsv.ReadTruths(new StringReader("question,truth\nq,a\nq,b\n")));
    }

    private static readonly (string, string, double)[] _numeric =
    [
        ("q1", "a", 10.1), ("q1", "b", 9.9), ("q1", "noisy", 40),
        ("q2", "a", 19.9), ("q2", "b", 20.1), ("q2", "noisy", -10),
        ("q3", "a", 30.1), ("q3", "b", 29.9), ("q3", "noisy", 60),
        ("q4", "a", 39.9), ("q4", "b", 40.1), ("q4", "noisy", 10),
    ];

    [Fact]
    public void MeanAndMedianAreComputedPerQuestion()
    {
        var mean = NumericAggregation.Aggregate(_numeric, NumericMethod.Mean);
        Assert.Equal((10.1 + 9.9 + 40) / 3, mean.Truth[0], 10);
        var median = NumericAggregation.Aggregate(_numeric, NumericMethod.Median);
        Assert.Equal(10.1, median.Truth[0], 10);
        Assert.Equal(19.9, median.Truth[1], 10);
        Assert.Equal(2.5, NumericAggregation.Median([4, 1, 2, 3]));
    }

    [Fact]
    public void WeightedMeanDiscountsANoisyWorker()
    {
        var r = NumericAggregation.Aggregate(_numeric, NumericMethod.WeightedMean);
        double[] expected = [10, 20, 30, 40];
        for (var q = 0; q < 4; q++) Assert.InRange(r.Truth[q], expected[q] - 0.5, expected[q] + 0.5);
        Assert.True(r.WorkerSkill[2] < r.WorkerSkill[0]);
        // a and b lie within 5% of the result on every question; the noisy worker never does.
        Assert.All(r.Confidence, c => Assert.True(c > 0.9));
    }
}
