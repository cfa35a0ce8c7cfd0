namespace Yunzhong.Core.Compute;

/// <summary>One hour of a compute pool's power supply.</summary>
/// <param name="StartUtc">The hour's start, UTC, on the hour.</param>
/// <param name="PricePerKwh">Price in yuan per kilowatt-hour.</param>
/// <param name="GreenShare">Share of the hour's energy from wind and solar, 0 to 1.</param>
public sealed record PowerHour(DateTimeOffset StartUtc, decimal PricePerKwh, double GreenShare);

/// <summary>A row of a power profile CSV that cannot be taken, named by its 1-based line and column.</summary>
/// <param name="Line">1-based line of the file (the header is line 1).</param>
/// <param name="Column">The column's header name, or null for the whole row.</param>
/// <param name="Message">What is wrong, in words for the person who made the file.</param>
public sealed record ProfileError(int Line, string? Column, string Message);

/// <summary>
/// Reads a compute pool's power profile from CSV: a header <c>hour_utc,price_cny_per_kwh,green_share</c>
/// and one row per hour, consecutive, no gaps. Units are part of the header so that a file in yuan
/// per MWh or with a green share in percent is refused rather than read a thousand or a hundred times off.
/// </summary>
public static class PowerProfileCsv
{
    /// <summary>The header a profile file starts with.</summary>
    public const string Header = "hour_utc,price_cny_per_kwh,green_share";

    /// <summary>The most hours one profile may hold (a year and a little).</summary>
    public const int MaxHours = 9000;

    // No grid sells above this per kWh; a value past it is almost certainly yuan per MWh.
    private const decimal MaxPricePerKwh = 20m;

    /// <summary>Parses <paramref name="text"/>; on failure the hours are empty and the errors say where (at most 20).</summary>
    public static (IReadOnlyList<PowerHour> Hours, IReadOnlyList<ProfileError> Errors) Parse(string text)
    {
        var hours = new List<PowerHour>();
        var errors = new List<ProfileError>();
        DateTimeOffset? previous = null; // the last row's hour, whatever else was wrong with it: one gap is reported once
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = lines.Length > 0 ? lines[0].Trim().TrimStart('\uFEFF') : "";
        if (!string.Equals(header, Header, StringComparison.OrdinalIgnoreCase))
        {
            var hint = header.Contains("mwh", StringComparison.OrdinalIgnoreCase)
                ? " Prices must be in yuan per kWh, not per MWh."
                : header.Contains("percent", StringComparison.OrdinalIgnoreCase) || header.Contains('%', StringComparison.Ordinal)
                    ? " The green share must be a fraction from 0 to 1, not a percentage." : "";
            errors.Add(new(1, null, $"The header must be '{Header}'.{hint}"));
            return ([], errors);
        }

        for (var i = 1; i < lines.Length && errors.Count < 20; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var n = i + 1;
            var cells = line.Split(',');
            if (cells.Length != 3)
            {
                errors.Add(new(n, null, $"The row has {cells.Length} cells; it needs 3 (hour_utc, price_cny_per_kwh, green_share)."));
                continue;
            }
            // A time without an offset is UTC, as the column's name says.
            if (!DateTimeOffset.TryParse(cells[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                errors.Add(new(n, "hour_utc", $"'{cells[0].Trim()}' is not a date and time (ISO 8601, e.g. 2026-12-05T00:00:00Z)."));
                continue;
            }
            at = at.ToUniversalTime();
            if (at.Minute != 0 || at.Second != 0 || at.Millisecond != 0)
            {
                errors.Add(new(n, "hour_utc", $"{at:O} is not on the hour."));
                continue;
            }
            var last = previous;
            previous = at;
            if (last is { } p && at != p.AddHours(1))
            {
                var expected = p.AddHours(1);
                errors.Add(new(n, "hour_utc", at > expected
                    ? $"Hours from {expected:yyyy-MM-dd'T'HH:mm'Z'} to {at.AddHours(-1):yyyy-MM-dd'T'HH:mm'Z'} are missing: the profile must have every hour."
                    : $"{at:yyyy-MM-dd'T'HH:mm'Z'} comes after {p:yyyy-MM-dd'T'HH:mm'Z'}: hours must be in order, each once."));
                continue;
            }
            if (!decimal.TryParse(cells[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || price < 0)
            {
                errors.Add(new(n, "price_cny_per_kwh", $"'{cells[1].Trim()}' is not a price of 0 or more."));
                continue;
            }
            if (price > MaxPricePerKwh)
            {
                errors.Add(new(n, "price_cny_per_kwh", $"{price} yuan per kWh is beyond any grid price; is it yuan per MWh? Divide by 1000."));
                continue;
            }
            if (!double.TryParse(cells[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || !double.IsFinite(share))
            {
                errors.Add(new(n, "green_share", $"'{cells[2].Trim()}' is not a number."));
                continue;
            }
            if (share is < 0 or > 1)
            {
                var hint = share is > 1 and <= 100 ? " It looks like a percentage: divide by 100." : "";
                errors.Add(new(n, "green_share", $"{share.ToString(CultureInfo.InvariantCulture)} is outside 0 to 1.{hint}"));
                continue;
            }
            if (hours.Count >= MaxHours)
            {
                errors.Add(new(n, null, $"A profile holds at most {MaxHours} hours."));
                break;
            }
            hours.Add(new(at, price, share));
        }

        if (errors.Count == 0 && hours.Count == 0)
        {
            errors.Add(new(2, null, "The profile has no hours."));
        }
        return errors.Count > 0 ? ([], errors) : (hours, errors);
    }

    /// <summary>Writes hours in the form <see cref="Parse"/> reads.</summary>
    public static string Write(IEnumerable<PowerHour> hours)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var h in hours)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{h.StartUtc.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{h.PricePerKwh},{h.GreenShare}\n");
        }
        return sb.ToString();
    }
}
