using System.Globalization;

namespace Yunzhong.Core.Park;

/// <summary>
/// An amount of yuan (CNY), exact: a whole number of fen (0.01 yuan). Amounts are only ever made
/// by rounding a product once, half away from zero (四舍五入), and then added; never through a double.
/// </summary>
public readonly record struct Yuan(long Fen) : IComparable<Yuan>
{
    /// <summary>Nothing.</summary>
    public static readonly Yuan Zero = new(0);

    /// <summary>The amount of <paramref name="units"/> at <paramref name="price"/>, rounded to the fen once.</summary>
    public static Yuan Of(decimal units, UnitPrice price) =>
        new((long)decimal.Round(units * price.PerUnit * 100m, 0, MidpointRounding.AwayFromZero));

    /// <summary>The sum.</summary>
    public static Yuan operator +(Yuan a, Yuan b) => new(checked(a.Fen + b.Fen));

    /// <summary>The difference.</summary>
    public static Yuan operator -(Yuan a, Yuan b) => new(checked(a.Fen - b.Fen));

    /// <summary>The sum of many.</summary>
    public static Yuan Sum(IEnumerable<Yuan> amounts) => amounts.Aggregate(Zero, (a, b) => a + b);

    /// <inheritdoc/>
    public int CompareTo(Yuan other) => Fen.CompareTo(other.Fen);

    /// <summary>Less than.</summary>
    public static bool operator <(Yuan a, Yuan b) => a.Fen < b.Fen;

    /// <summary>Greater than.</summary>
    public static bool operator >(Yuan a, Yuan b) => a.Fen > b.Fen;

    /// <summary>At most.</summary>
    public static bool operator <=(Yuan a, Yuan b) => a.Fen <= b.Fen;

    /// <summary>At least.</summary>
    public static bool operator >=(Yuan a, Yuan b) => a.Fen >= b.Fen;

    /// <summary>As written in statements: <c>1234.50</c>, <c>-0.07</c>.</summary>
    public override string ToString() => (Fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>As a decimal number of yuan, for JSON.</summary>
    public decimal ToDecimal() => Fen / 100m;
}

/// <summary>
/// A price per unit of work in yuan, exact, to at most four decimals (a box may pay ¥0.0350).
/// Negative prices and finer fractions are refused where a price comes in (<see cref="TryCreate"/>).
/// </summary>
public readonly record struct UnitPrice(decimal PerUnit)
{
    /// <summary>The most decimals a price may have.</summary>
    public const int MaxScale = 4;

    /// <summary>The price, or why it cannot be one.</summary>
    public static bool TryCreate(decimal value, out UnitPrice price, out string? problem)
    {
        price = default;
        if (value < 0)
        {
            problem = "a price cannot be negative";
            return false;
        }
        if (decimal.Round(value, MaxScale) != value)
        {
            problem = $"a price has at most {MaxScale} decimals";
            return false;
        }
        price = new UnitPrice(value);
        problem = null;
        return true;
    }

    /// <summary>Ten-thousandths of a yuan per yuan: how prices are stored (0.035 → 350).</summary>
    public const long E4Scale = 10_000;

    /// <summary>The price as stored, in ten-thousandths of a yuan.</summary>
    public long E4 => (long)(PerUnit * E4Scale);

    /// <summary>A stored price, in ten-thousandths of a yuan.</summary>
    public static UnitPrice FromE4(long e4) => new(e4 / (decimal)E4Scale);

    /// <summary>The price of a decimal text such as "0.035" or "12", or null when it is not a non-negative
    /// number of at most four decimal places below 10^11 yuan.</summary>
    public static UnitPrice? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var value) || value >= 100_000_000_000m)
        {
            return null;
        }
        return TryCreate(value, out var price, out _) ? price : null;
    }

    /// <summary>The decimal text on the wire: "0.035", "12", never trailing zeros.</summary>
    public string Text => PerUnit.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>As written: <c>0.035</c> → <c>0.0350</c>.</summary>
    public override string ToString() => PerUnit.ToString("0.0000", CultureInfo.InvariantCulture);
}
