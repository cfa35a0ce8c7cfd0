namespace Yunzhong.Core.Quality;

/// <summary>
/// Digamma and its inverse, which .NET does not ship; needed for expectations under Dirichlet
/// distributions (E[log π_l] = ψ(α_l) − ψ(Σα)). Accurate to about 1e-12 for x &gt; 0.
/// </summary>
internal static class SpecialFunctions
{
    /// <summary>ψ(x) for x &gt; 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series.</summary>
    public static double Digamma(double x)
    {
        var result = 0.0;
        while (x < 10)
        {
            result -= 1 / x;
            x += 1;
        }
        var f = 1 / (x * x);
        return result + Math.Log(x) - 0.5 / x
            - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
    }

    /// <summary>ψ′(x) for x &gt; 0, the same way.</summary>
    public static double Trigamma(double x)
    {
        var result = 0.0;
        while (x < 10)
        {
            result += 1 / (x * x);
            x += 1;
        }
        var f = 1 / (x * x);
        return result + 1 / x + f / 2 + (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30))) / (x * x * x);
    }

    /// <summary>The x &gt; 0 with ψ(x) = y: Minka's starting point, then Newton steps.</summary>
    public static double InverseDigamma(double y)
    {
        var x = y >= -2.22 ? Math.Exp(y) + 0.5 : -1 / (y + 0.5772156649015329);
        for (var i = 0; i < 6; i++) x -= (Digamma(x) - y) / Trigamma(x);
        return x;
    }
}
