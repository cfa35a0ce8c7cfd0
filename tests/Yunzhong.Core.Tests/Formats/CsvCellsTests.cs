using Yunzhong.Core.Formats;

namespace Yunzhong.Core.Tests.Formats;

public class CsvCellsTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("-3.5", "-3.5")]
    [InlineData("-4.25e2", "-4.25e2")]
    [InlineData("-3.5abc", "\"'-3.5abc\"")]
    [InlineData("张三，你好", "张三，你好")]
    public void ACellIsQuotedWhenItMustBeAndNeverRunsAsAFormula(string cell, string written) =>
        Assert.Equal(written, CsvCells.Escape(cell));
}
