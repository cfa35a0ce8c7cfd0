namespace Yunzhong.Cli;

/// An error the user can fix: printed without a stack trace, exit code 2.
internal sealed class CliException(string message) : Exception(message);

/// `--name value`, `--name=value` and bare `--flag` options plus positional arguments.
/// Options may repeat; the last one wins for single lookups.
internal sealed class CliArgs
{
    private readonly List<KeyValuePair<string, string?>> _options = [];

    public CliArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                Positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                Positional.Add(a);
                continue;
            }
            var eq = a.IndexOf('=');
            if (eq > 0)
            {
                _options.Add(new(a[2..eq], a[(eq + 1)..]));
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _options.Add(new(a[2..], args[++i]));
            }
            else
            {
                _options.Add(new(a[2..], null));
            }
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _options.Any(o => o.Key == name);

    public string? Get(string name) => _options.LastOrDefault(o => o.Key == name).Value;

    public IEnumerable<string> All(string name) => _options.Where(o => o.Key == name && o.Value is not null).Select(o => o.Value!);

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public string Require(string name) =>
        Get(name) ?? throw new CliException($"--{name} is required");

    public int GetInt(string name, int fallback)
    {
        var v = Get(name);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) ? n : throw new CliException($"--{name} must be a whole number, got '{v}'");
    }
}
