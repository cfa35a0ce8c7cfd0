using Yunzhong.Server.Data;

namespace Yunzhong.Server.Tests.Data;

/// <summary>The translation of <c>@name</c> texts into the positional form <see cref="HotStatements"/> prepares.</summary>
public sealed class NamedParametersTests
{
    [Fact]
    public void NamesAreNumberedByFirstUseAndARepeatedNameKeepsItsNumber()
    {
        var (sql, names) = NamedParameters.ToPositional("UPDATE t SET a = @now, b = @id WHERE c = @now AND d = @id_2", sqlite: false);
        Assert.Equal("UPDATE t SET a = $1, b = $2 WHERE c = $1 AND d = $3", sql);
        Assert.Equal(["now", "id", "id_2"], names);
    }

    [Fact]
    public void SqliteGetsNumberedQuestionMarks()
    {
        var (sql, names) = NamedParameters.ToPositional("SELECT x FROM t WHERE a = @b AND c = @a AND d = @b", sqlite: true);
        Assert.Equal("SELECT x FROM t WHERE a = ?1 AND c = ?2 AND d = ?1", sql);
        Assert.Equal(["b", "a"], names);
    }

    [Theory]
    [InlineData("SELECT '@a', @b", "SELECT '@a', $1")]
    [InlineData("SELECT 'it''s @a', @b", "SELECT 'it''s @a', $1")]
    [InlineData("SELECT E'\\' @a', @b", "SELECT E'\\' @a', $1")]
    [InlineData("SELECT \"@a\"\"x\" FROM t WHERE y = @b", "SELECT \"@a\"\"x\" FROM t WHERE y = $1")]
    [InlineData("SELECT 1 -- @a\n, @b", "SELECT 1 -- @a\n, $1")]
    [InlineData("SELECT /* @a /* nested @a */ still @a */ @b", "SELECT /* @a /* nested @a */ still @a */ $1")]
    [InlineData("SELECT $tag$ @a $tag$, $$ @a $$, @b", "SELECT $tag$ @a $tag$, $$ @a $$, $1")]
    [InlineData("SELECT @b::bigint, x::text, '{}'::jsonb @> '{}'", "SELECT $1::bigint, x::text, '{}'::jsonb @> '{}'")]
    [InlineData("SELECT a@b, @b", "SELECT a@b, $1")]
    public void LiteralsIdentifiersCommentsAndCastsAreLeftAlone(string named, string positional)
    {
        var (sql, names) = NamedParameters.ToPositional(named, sqlite: false);
        Assert.Equal(positional, sql);
        Assert.Equal(["b"], names);
    }

    [Fact]
    public void SqliteHasNoBackslashEscapesOrDollarQuotes()
    {
        // In SQLite a backslash is an ordinary character: the string ends at the second quote.
        var (sql, names) = NamedParameters.ToPositional(@"SELECT E'\', @b", sqlite: true);
        Assert.Equal(@"SELECT E'\', ?1", sql);
        Assert.Equal(["b"], names);
    }

    [Fact]
    public void ATextWithoutParametersIsUnchanged()
    {
        const string text = "SELECT count(*) FROM tasks WHERE state = 'new'";
        var (sql, names) = NamedParameters.ToPositional(text, sqlite: false);
        Assert.Equal(text, sql);
        Assert.Empty(names);
    }
}
