using CsCheck;

namespace Yunzhong.Fuzz;

/// <summary>
/// One parser under test: how to make inputs for it, what must hold for every input, and the input
/// shapes whose cost is measured as they grow.
/// </summary>
public sealed class FuzzTarget
{
    /// <summary>The name <c>--target</c> takes; also the corpus folder's name.</summary>
    public required string Name { get; init; }

    /// <summary>What is fed to what, in one line, for the report.</summary>
    public required string Description { get; init; }

    /// <summary>Inputs: structured ones that go deep and mutations of the corpus and of those.</summary>
    public required Gen<byte[]> Inputs { get; init; }

    /// <summary>
    /// Runs the parser on one input the way the product does and checks its properties. When they
    /// hold it returns what became of the input ("rows", "error rows", "not JSON"...), counted in the
    /// report to show how far inputs get; a broken property throws <see cref="PropertyException"/>,
    /// and any other exception that escapes is a crash.
    /// </summary>
    public required Func<byte[], string> Check { get; init; }

    /// <summary>Shapes measured at n, 2n, 4n and 8n.</summary>
    public required IReadOnlyList<ScalingShape> Scaling { get; init; }
}

/// <summary>
/// A family of inputs that grows with n (rows, nesting, fields, entries) and the call measured on it.
/// </summary>
/// <param name="Known">Set when the blow-up is a known problem someone else owns: reported, not failed.</param>
public sealed record ScalingShape(string Name, int BaseN, Func<int, byte[]> Make, Action<byte[]> Run, string? Known = null);

/// <summary>A property of the parser did not hold for an input (as opposed to an exception escaping it).</summary>
public sealed class PropertyException(string message) : Exception(message);
