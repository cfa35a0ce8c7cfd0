using System.Buffers.Binary;

namespace Yunzhong.Server.Features.Media;

/// <summary>
/// Reads how many entries a zip declares from its end record (APPNOTE 4.3.16, and 4.3.14 for ZIP64),
/// without its central directory: ZipArchive reads the whole directory into memory on first use, so
/// the count is judged first. A zip whose directory holds another number than it declares is refused
/// by ZipArchive itself.
/// </summary>
internal static class ZipEnd
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndLength = 22;
    private const int MaxComment = 0xFFFF;

    /// <summary>The declared number of entries; null when the stream cannot seek or has no end record
    /// (ZipArchive then says what is wrong). Leaves the stream at its start.</summary>
    public static async Task<long?> DeclaredEntriesAsync(Stream s, CancellationToken ct)
    {
        if (!s.CanSeek || s.Length < EndLength)
        {
            return null;
        }
        try
        {
            var tail = new byte[(int)Math.Min(s.Length, EndLength + MaxComment + 20)];
            s.Seek(-tail.Length, SeekOrigin.End);
            await s.ReadExactlyAsync(tail, ct);
            for (var i = tail.Length - EndLength; i >= 0; i--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndSignature)
                {
                    continue;
                }
                long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
                if (count == 0xFFFF && i >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i - 20)) == Zip64LocatorSignature)
                {
                    var offset = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(i - 20 + 8));
                    if (offset <= (ulong)(s.Length - 56))
                    {
                        var end64 = new byte[56];
                        s.Seek((long)offset, SeekOrigin.Begin);
                        await s.ReadExactlyAsync(end64, ct);
                        if (BinaryPrimitives.ReadUInt32LittleEndian(end64) == Zip64EndSignature)
                        {
                            count = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(end64.AsSpan(32)), long.MaxValue);
                        }
                    }
                }
                return count;
            }
            return null;
        }
        finally
        {
            s.Seek(0, SeekOrigin.Begin);
        }
    }
}
