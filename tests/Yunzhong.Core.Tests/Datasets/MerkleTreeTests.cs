using System.Security.Cryptography;
using System.Text;
using Yunzhong.Core.Datasets;

namespace Yunzhong.Core.Tests.Datasets;

public class MerkleTreeTests
{
    private static byte[][] Leaves(int n) => [.. Enumerable.Range(0, n).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"leaf {i}")))];

    /// <summary>RFC 9162's definition, recursive, written out independently of the bottom-up code.</summary>
    private static byte[] Reference(ReadOnlySpan<byte[]> d)
    {
        if (d.Length == 0)
        {
            return SHA256.HashData([]);
        }
        if (d.Length == 1)
        {
            return d[0];
        }
        var k = 1;
        while (k * 2 < d.Length)
        {
            k *= 2;
        }
        return SHA256.HashData([1, .. Reference(d[..k]), .. Reference(d[k..])]);
    }

    [Fact]
    public void TheIncrementalBuilderGivesTheTreesRootForEverySizeUpTo300AndRandomLargerOnes()
    {
        var random = new Random(15);
        int[] sizes = [.. Enumerable.Range(0, 301), .. Enumerable.Range(0, 20).Select(_ => random.Next(301, 5000)), 4095, 4096, 4097];
        var all = Leaves(sizes.Max());
        foreach (var n in sizes)
        {
            var builder = new MerkleBuilder();
            foreach (var leaf in all.AsSpan(0, n))
            {
                builder.Add(leaf);
            }
            Assert.Equal(n, builder.Count);
            Assert.Equal(Convert.ToHexString(MerkleTree.Root(all[..n])), Convert.ToHexString(builder.Root()));
        }
    }

    [Fact]
    public void TheRootIsRfc9162sTreeHashForEverySizeUpTo70()
    {
        for (var n = 0; n <= 70; n++)
        {
            var leaves = Leaves(n);
            Assert.Equal(Convert.ToHexString(Reference(leaves)), Convert.ToHexString(MerkleTree.Root(leaves)));
        }
    }

    [Fact]
    public void ALeafHashIsPrefixedSoItCannotPassForAnInnerNode()
    {
        Assert.Equal(SHA256.HashData([0, .. "abc"u8.ToArray()]), MerkleTree.LeafHash("abc"u8));
    }

    [Fact]
    public void EveryLeafsProofVerifiesAndNoOtherLeafOrIndexDoes()
    {
        for (var n = 1; n <= 33; n++)
        {
            var leaves = Leaves(n);
            var root = MerkleTree.Root(leaves);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.InclusionProof(leaves, i);
                Assert.True(MerkleTree.VerifyInclusion(leaves[i], i, n, proof, root), $"n={n} i={i}");
                Assert.False(MerkleTree.VerifyInclusion(leaves[(i + 1) % n], i, n, proof, root) && n > 1, $"another leaf, n={n} i={i}");
                Assert.False(MerkleTree.VerifyInclusion(leaves[i], (i + 1) % n, n, proof, root) && n > 1, $"another index, n={n} i={i}");
            }
        }
    }

    [Fact]
    public void ATamperedProofStepOrRootFails()
    {
        var leaves = Leaves(13);
        var root = MerkleTree.Root(leaves);
        var proof = MerkleTree.InclusionProof(leaves, 6).ToList();
        proof[1] = (byte[])proof[1].Clone();
        proof[1][0] ^= 1;
        Assert.False(MerkleTree.VerifyInclusion(leaves[6], 6, 13, proof, root));
        var good = MerkleTree.InclusionProof(leaves, 6);
        Assert.False(MerkleTree.VerifyInclusion(leaves[6], 6, 13, good, MerkleTree.Root(Leaves(12))));
        Assert.False(MerkleTree.VerifyInclusion(leaves[6], 6, 13, good.Take(good.Count - 1).ToList(), root));
        Assert.False(MerkleTree.VerifyInclusion(leaves[6], 13, 13, good, root));
    }
}
