namespace Yunzhong.Server.Features.Park;

/// <summary>A county or district a site can be in: its national administrative code and both names.</summary>
public sealed record County(string Code, string NameZh, string NameEn);

/// <summary>
/// The counties and districts sites are placed in: Datong's ten (the park's city), by their
/// national administrative codes (GB/T 2260). A site elsewhere gives any other six-digit code; it
/// is kept as given, with the code for both names, until that city's list is added here.
/// </summary>
public static class Counties
{
    public static readonly County[] Datong =
    [
        new("140213", "平城区", "Pingcheng District"),
        new("140214", "云冈区", "Yungang District"),
        new("140212", "新荣区", "Xinrong District"),
        new("140215", "云州区", "Yunzhou District"),
        new("140221", "阳高县", "Yanggao County"),
        new("140222", "天镇县", "Tianzhen County"),
        new("140223", "广灵县", "Guangling County"),
        new("140224", "灵丘县", "Lingqiu County"),
        new("140225", "浑源县", "Hunyuan County"),
        new("140226", "左云县", "Zuoyun County"),
    ];

    private static readonly Dictionary<string, County> _byCode = Datong.ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>The county of a code: a known one with its names, another six-digit code as itself, else null.</summary>
    public static County? Of(string? code) =>
        code is null ? null
        : _byCode.TryGetValue(code, out var known) ? known
        : code.Length == 6 && code.All(char.IsAsciiDigit) ? new County(code, code, code)
        : null;
}
