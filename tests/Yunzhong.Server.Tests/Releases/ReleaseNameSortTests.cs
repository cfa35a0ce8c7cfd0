using Yunzhong.Server.Features.Releases;

namespace Yunzhong.Server.Tests.Releases;

/// <summary>The sort on disk that gives a release its media names: distinct, in ordinal order, exactly as added.</summary>
public sealed class ReleaseNameSortTests
{
    /// <summary>Names with repeats near and far, non-ASCII, astral and lone-surrogate ones (UTF-8 would not
    /// bring those back), and names that sort differently by culture or by UTF-8 bytes than by UTF-16 units.</summary>
    private static List<string> Names(int count, int seed)
    {
        var random = new Random(seed);
        string[] odd = ["a", "B", "b", "é", "e\u0301", "\ud83d\ude00.png", "\uffff.png", "x\ud800", "x\udc00y", "", "m10.bin", "m9.bin", "m1.bin"];
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            names.Add(random.Next(5) switch
            {
                0 => odd[random.Next(odd.Length)],
                1 when names.Count > 0 => names[^1],
                2 when names.Count > 0 => names[random.Next(names.Count)],
                _ => $"m{random.Next(count)}.bin",
            });
        }
        return names;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 1)]
    [InlineData(100, 2)]
    [InlineData(100_000, 3)]
    public void NamesComeBackDistinctInOrdinalOrderAcrossAnyNumberOfRuns(int runSize, int seed)
    {
        var names = Names(3_000, seed);
        using var sort = new ReleaseNameSort(runSize);
        foreach (var name in names)
        {
            sort.Add(name);
        }
        var expected = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, sort.Sort());
        Assert.Equal(expected, sort.Read().ToList());
        // Read as often as needed, the same each time.
        Assert.Equal(expected, sort.Read().ToList());
    }

    [Fact]
    public void NothingAddedSortsToNothing()
    {
        using var sort = new ReleaseNameSort(3);
        Assert.Equal(0, sort.Sort());
        Assert.Empty(sort.Read());
    }

    [Fact]
    public void NamesAddedAfterTheSortAreRefused()
    {
        using var sort = new ReleaseNameSort();
        sort.Add("a");
        sort.Sort();
        Assert.Throws<InvalidOperationException>(() => sort.Add("b"));
    }
}
