namespace Yunzhong.Core.Schema;

/// <summary>
/// Bounds on the size of a schema document, a Label Studio XML config or the native JSON form. They
/// are checked while the document is read, so the work stops where a bound is crossed: a config
/// nested 200,000 deep once overflowed the stack of the recursive walk and killed the server, and one
/// with 250,000 fields took minutes.
/// </summary>
public sealed record SchemaLimits
{
    /// <summary>The defaults: generous for real configs (Label Studio's templates nest 3 to 5 deep
    /// and the largest taxonomies we have seen list a few thousand labels).</summary>
    public static SchemaLimits Default { get; } = new();

    /// <summary>
    /// For documents this platform wrote itself (a project's stored schema, in the canonical form four
    /// levels deep): their size was judged when they came in, under limits an operator may since have
    /// lowered, and a project must not stop loading for that.
    /// </summary>
    public static SchemaLimits Stored { get; } = new() { MaxElements = int.MaxValue, MaxCharacters = int.MaxValue };

    /// <summary>Deepest element (XML) or value (JSON) nesting; the root is depth 1.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most elements (XML) or values (JSON: objects, arrays, strings, numbers...) in one document.</summary>
    public int MaxElements { get; init; } = 50_000;

    /// <summary>Longest document, in characters.</summary>
    public int MaxCharacters { get; init; } = 4_000_000;
}

/// <summary>Which bound of <see cref="SchemaLimits"/> a document crossed.</summary>
public enum SchemaLimit
{
    /// <summary><see cref="SchemaLimits.MaxDepth"/>.</summary>
    Depth,

    /// <summary><see cref="SchemaLimits.MaxElements"/>.</summary>
    Elements,

    /// <summary><see cref="SchemaLimits.MaxCharacters"/>.</summary>
    Characters,
}

/// <summary>A document refused for its size, before it was judged as a schema.</summary>
/// <param name="Limit">The bound crossed.</param>
/// <param name="Value">That bound's value.</param>
/// <param name="Message">Says what was found, for people.</param>
public sealed record SchemaLimitBreach(SchemaLimit Limit, long Value, string Message)
{
    internal static SchemaLimitBreach Depth(long max, string what) =>
        new(SchemaLimit.Depth, max, $"The {what} is nested deeper than {max} levels.");

    internal static SchemaLimitBreach Elements(long max, string what, string unit) =>
        new(SchemaLimit.Elements, max, $"The {what} has more than {max} {unit}.");

    internal static SchemaLimitBreach Characters(long max, long found, string what) =>
        new(SchemaLimit.Characters, max, $"The {what} has {found} characters; at most {max} are taken.");
}
