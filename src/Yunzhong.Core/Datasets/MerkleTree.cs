using System.Security.Cryptography;

namespace Yunzhong.Core.Datasets;

/// <summary>
/// The Merkle tree of a release's files, built as Certificate Transparency builds its logs
/// (RFC 9162 §2.1): a leaf hash is SHA-256(0x00 ‖ leaf), an inner node SHA-256(0x01 ‖ left ‖ right),
/// and a tree of n leaves splits at the largest power of two below n, so there is no padding and
/// no leaf can pass for an inner node. An inclusion proof (the audit path) lets one check a single
/// file against a signed root without reading the others.
/// </summary>
public static class MerkleTree
{
    /// <summary>The hash of one leaf's bytes.</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = new byte[leaf.Length + 1];
        leaf.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>The root over the leaf hashes in order; the hash of nothing for no leaves.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        if (leafHashes.Count == 0)
        {
            return SHA256.HashData([]);
        }
        // Bottom-up in place: at each level pair neighbours; an odd last node rises unchanged,
        // which gives the same tree as RFC 9162's split at the largest power of two.
        var level = leafHashes.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i < count; i += 2)
            {
                level[next++] = i + 1 < count ? Node(level[i], level[i + 1]) : level[i];
            }
            count = next;
        }
        return level[0];
    }

    /// <summary>The audit path of leaf <paramref name="index"/>: the sibling hashes from the leaf up.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafHashes.Count);
        var path = new List<byte[]>();
        var level = leafHashes.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var sibling = index ^ 1;
            if (sibling < count)
            {
                path.Add(level[sibling]);
            }
            var next = 0;
            for (var i = 0; i < count; i += 2)
            {
                level[next++] = i + 1 < count ? Node(level[i], level[i + 1]) : level[i];
            }
            count = next;
            index /= 2;
        }
        return path;
    }

    /// <summary>
    /// Whether <paramref name="leafHash"/> is leaf <paramref name="index"/> of a tree of
    /// <paramref name="size"/> leaves with root <paramref name="root"/> (RFC 9162 §2.1.3.2).
    /// </summary>
    public static bool VerifyInclusion(byte[] leafHash, long index, long size, IReadOnlyList<byte[]> proof, byte[] root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }
        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = Node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    internal static byte[] Node(byte[] left, byte[] right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }
}
