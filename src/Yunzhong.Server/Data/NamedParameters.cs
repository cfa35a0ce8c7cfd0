using System.Text;

namespace Yunzhong.Server.Data;

/// <summary>
/// Turns a SQL text with <c>@name</c> parameters, the one style the code writes, into the
/// positional form the engines prepare: <c>$n</c> for PostgreSQL, <c>?n</c> for SQLite (which reads
/// <c>$n</c> as a name numbered by first use). A name's number is its order of first appearance, and
/// every use of one name gets the same number. String literals (<c>'...'</c>, <c>E'...'</c>),
/// dollar-quoted strings, quoted identifiers, comments and casts (<c>::type</c>) are copied as they
/// are. Run once per distinct text: <see cref="HotStatements"/> keeps the result with the prepared
/// statement.
/// </summary>
internal static class NamedParameters
{
    public static (string Sql, string[] Names) ToPositional(string sql, bool sqlite)
    {
        var names = new List<string>();
        var text = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var start = i;
            if (c == '\'')
            {
                var escapes = i > 0 && sql[i - 1] is 'E' or 'e' && (i < 2 || !IsNamePart(sql[i - 2]));
                i = SkipQuoted(sql, i, '\'', escapes && !sqlite);
            }
            else if (c == '"')
            {
                i = SkipQuoted(sql, i, '"', false);
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                i = sql.IndexOf('\n', i);
                i = i < 0 ? sql.Length : i;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == ':' && At(sql, i + 1) == ':')
            {
                i += 2;
                while (i < sql.Length && IsNamePart(sql[i]))
                {
                    i++;
                }
            }
            else if (c == '$' && !sqlite && (i == 0 || !IsNamePart(sql[i - 1])) && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
            }
            else if (c == '@' && IsNameStart(At(sql, i + 1)) && (i == 0 || !IsNamePart(sql[i - 1])))
            {
                i++;
                while (i < sql.Length && IsNamePart(sql[i]))
                {
                    i++;
                }
                var name = sql[(start + 1)..i];
                var index = names.IndexOf(name);
                if (index < 0)
                {
                    names.Add(name);
                    index = names.Count - 1;
                }
                text.Append(sqlite ? '?' : '$').Append(index + 1);
                continue;
            }
            else
            {
                i++;
            }
            text.Append(sql, start, i - start);
        }
        return (text.ToString(), names.ToArray());
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>Past the closing quote; a doubled quote is one quote, a backslash escapes in E'' strings.</summary>
    private static int SkipQuoted(string s, int i, char quote, bool backslashEscapes)
    {
        i++;
        while (i < s.Length)
        {
            if (backslashEscapes && s[i] == '\\')
            {
                i += 2;
            }
            else if (s[i] == quote)
            {
                if (At(s, i + 1) != quote)
                {
                    return i + 1;
                }
                i += 2;
            }
            else
            {
                i++;
            }
        }
        return s.Length;
    }

    /// <summary>Past the end of a block comment; PostgreSQL's nest.</summary>
    private static int SkipBlockComment(string s, int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            if (s[i] == '/' && At(s, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (s[i] == '*' && At(s, i + 1) == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }
        return s.Length;
    }

    /// <summary>The opening <c>$tag$</c> of a dollar-quoted string at <paramref name="i"/>, or null (<c>$1</c> is not one).</summary>
    private static string? DollarTag(string s, int i)
    {
        var j = i + 1;
        if (j < s.Length && char.IsAsciiDigit(s[j]))
        {
            return null;
        }
        while (j < s.Length && IsNamePart(s[j]))
        {
            j++;
        }
        return At(s, j) == '$' ? s[i..(j + 1)] : null;
    }
}
