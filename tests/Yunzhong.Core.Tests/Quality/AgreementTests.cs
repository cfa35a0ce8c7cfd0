using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class AgreementTests
{
    [Fact]
    public void CohensKappaMatchesHandComputedTwoByTwoTable()
    {
        // 10 items: yes/yes 4, yes/no 2, no/yes 1, no/no 3.
        // po = 7/10; A says yes 6/10, B 5/10; pe = .6·.5 + .4·.5 = .5; kappa = (.7 − .5)/.5 = .4
        string?[] a = ["y", "y", "y", "y", "y", "y", "n", "n", "n", "n"];
        string?[] b = ["y", "y", "y", "y", "n", "n", "y", "n", "n", "n"];
        Assert.Equal(0.4, Agreement.CohensKappa(a, b)!.Value, 10);
    }

    [Fact]
    public void CohensKappaSkipsItemsOneAnnotatorLeftOut()
    {
        string?[] a = ["y", "y", "y", "y", "y", "y", "n", "n", "n", "n", null, "y"];
        string?[] b = ["y", "y", "y", "y", "n", "n", "y", "n", "n", "n", "n", null];
        Assert.Equal(0.4, Agreement.CohensKappa(a, b)!.Value, 10);
    }

    [Fact]
    public void CohensKappaIsUndefinedWhenBothUseOneLabel()
    {
        Assert.Null(Agreement.CohensKappa(["x", "x"], ["x", "x"]));
        Assert.Null(Agreement.CohensKappa([null], ["x"]));
    }

    [Fact]
    public void FleissKappaMatchesWorkedExample()
    {
        // Ten subjects, 14 raters, 5 categories (the classic worked example). Per row
        // Σ n(n−1): 182, 46, 56, 80, 60, 84, 44, 32, 52, 52 → 688; P̄ = 688 / (10·182).
        // Column totals 20, 28, 39, 21, 32 of 140 → P̄e = (400+784+1521+441+1024)/19600 = 4170/19600.
        int[][] table =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];
        var units = table.Select(row => (IReadOnlyList<string?>)row.SelectMany((n, c) => Enumerable.Repeat<string?>($"c{c}", n)).ToList()).ToList();
        var pBar = 688.0 / 1820;
        var pe = 4170.0 / 19600;
        var expected = (pBar - pe) / (1 - pe);
        Assert.Equal(expected, Agreement.FleissKappa(units)!.Value, 10);
        Assert.Equal(0.2099, Agreement.FleissKappa(units)!.Value, 3);
    }

    [Fact]
    public void FleissKappaIsUndefinedForOneAnnotatorOrOneLabel()
    {
        Assert.Null(Agreement.FleissKappa([["a"], ["b"]]));
        Assert.Null(Agreement.FleissKappa([["a", "a"], ["a", "a", "a"]]));
        Assert.Null(Agreement.FleissKappa([]));
    }

    [Fact]
    public void PercentAgreementAveragesAgreeingPairsOverUnits()
    {
        // [a,a,b]: 2 of 6 ordered pairs agree → 1/3; [a,a] → 1; [c] has no pair and is skipped.
        var units = new List<IReadOnlyList<string?>> { new[] { "a", "a", "b" }, new[] { "a", null, "a" }, new[] { "c", null, null } };
        Assert.Equal(2.0 / 3, Agreement.PercentAgreement(units)!.Value, 10);
        Assert.Null(Agreement.PercentAgreement([["a"]]));
    }

    [Fact]
    public void KrippendorffAlphaNominalHandlesMissingValues()
    {
        // Units (3 coders): [a,a,-], [a,b,b], [b,b,b], [a,-,-] (unpairable, ignored).
        // Coincidences: o_aa = 2, o_ab = o_ba = 1 (from unit 2, weight 1/2 each), o_bb = 1 + 3 = 4.
        // n_a = 3, n_b = 5, n = 8; D_o = 2/8; D_e = 2·3·5/(8·7) = 30/56; alpha = 1 − .25·56/30 = 16/30.
        var units = new List<IReadOnlyList<string?>>
        {
            new[] { "a", "a", null }, new[] { "a", "b", "b" }, new[] { "b", "b", "b" }, new[] { "a", null, null },
        };
        Assert.Equal(16.0 / 30, Agreement.KrippendorffAlpha(units)!.Value, 10);
    }

    [Fact]
    public void KrippendorffAlphaDependsOnLevelAsComputedByHand()
    {
        // Units [1,2,-], [1,1,-], [3,-,3]: o_11 = 2, o_12 = o_21 = 1, o_33 = 2; n1 = 3, n2 = 1, n3 = 2, n = 6.
        // interval: D_o = 2·1/6; D_e = 2(3·1·1 + 3·2·4 + 1·2·1)/30 = 58/30 → 1 − 10/58
        // ordinal: δ²12 = (4 − 2)² = 4, δ²13 = (6 − 2.5)² = 12.25, δ²23 = (3 − 1.5)² = 2.25;
        //          D_o = 8/6, D_e = 2(12 + 73.5 + 4.5)/30 = 6 → 1 − 8/36
        // nominal: D_o = 2/6, D_e = 2(3 + 6 + 2)/30 = 22/30 → 1 − 10/22
        var units = new List<IReadOnlyList<double?>> { new double?[] { 1, 2, null }, new double?[] { 1, 1, null }, new double?[] { 3, null, 3 } };
        Assert.Equal(1 - 10.0 / 58, Agreement.KrippendorffAlpha(units, AlphaLevel.Interval)!.Value, 10);
        Assert.Equal(1 - 8.0 / 36, Agreement.KrippendorffAlpha(units, AlphaLevel.Ordinal)!.Value, 10);
        Assert.Equal(1 - 10.0 / 22, Agreement.KrippendorffAlpha(units, AlphaLevel.Nominal)!.Value, 10);
    }

    [Fact]
    public void KrippendorffAlphaIsOneForPerfectAgreementAndUndefinedWithoutVariation()
    {
        var agree = new List<IReadOnlyList<string?>> { new[] { "a", "a" }, new[] { "b", "b", null } };
        Assert.Equal(1.0, Agreement.KrippendorffAlpha(agree)!.Value, 10);
        var same = new List<IReadOnlyList<string?>> { new[] { "a", "a" }, new[] { "a", "a" } };
        Assert.Null(Agreement.KrippendorffAlpha(same));
        Assert.Null(Agreement.KrippendorffAlpha(new List<IReadOnlyList<string?>> { new[] { "a", null } }));
    }
}
