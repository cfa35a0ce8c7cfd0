namespace Yunzhong.Core.Formats;

/// <summary>
/// One CSV cell as every CSV the platform hands out writes it (exports, quality figures): quoted when
/// it holds a comma, quote or line break, and, when a spreadsheet would run it as a formula (it starts
/// with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return), quoted behind an apostrophe, as
/// OWASP advises against CSV injection. A plain decimal number such as <c>-3.5</c> stays a number.
/// </summary>
public static class CsvCells
{
    /// <summary>The cell as it goes between the commas.</summary>
    public static string Escape(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (IsFormula(cell))
        {
            return "\"'" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }
        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }

    /// <summary>Whether a spreadsheet would take the cell for a formula.</summary>
    public static bool IsFormula(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsPlainNumber(cell);

    /// <summary><c>-?digits[.digits][e[+-]digits]</c>, as JSON writes numbers, and nothing else.</summary>
    private static bool IsPlainNumber(string s)
    {
        var i = s.StartsWith('-') ? 1 : 0;
        var digits = Digits(s, ref i);
        if (digits == 0)
        {
            return false;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            if (Digits(s, ref i) == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static int Digits(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }
}
