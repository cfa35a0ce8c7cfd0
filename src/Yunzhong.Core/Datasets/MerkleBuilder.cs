using System.Security.Cryptography;

namespace Yunzhong.Core.Datasets;

/// <summary>
/// Builds the root of <see cref="MerkleTree"/> from leaf hashes given one at a time, holding one
/// hash per level (a stack of complete subtrees, at most 64 of them) instead of every leaf: a new
/// leaf merges with the subtree on top while both hold as many leaves; at the end the subtrees
/// fold from the right, which is RFC 9162's split at the largest power of two, the same root as
/// <see cref="MerkleTree.Root"/> over the same leaves.
/// </summary>
public sealed class MerkleBuilder
{
    private readonly List<(byte[] Hash, long Leaves)> _stack = [];

    /// <summary>How many leaves were added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the next leaf's hash (<see cref="MerkleTree.LeafHash"/>).</summary>
    public void Add(byte[] leafHash)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(leafHash.Length, 32, nameof(leafHash));
        var hash = leafHash;
        long leaves = 1;
        while (_stack.Count > 0 && _stack[^1].Leaves == leaves)
        {
            hash = MerkleTree.Node(_stack[^1].Hash, hash);
            leaves *= 2;
            _stack.RemoveAt(_stack.Count - 1);
        }
        _stack.Add((hash, leaves));
        Count++;
    }

    /// <summary>The root over the leaves added so far; the hash of nothing for none.</summary>
    public byte[] Root()
    {
        if (_stack.Count == 0)
        {
            return SHA256.HashData([]);
        }
        var root = _stack[^1].Hash;
        for (var i = _stack.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.Node(_stack[i].Hash, root);
        }
        return root;
    }
}
