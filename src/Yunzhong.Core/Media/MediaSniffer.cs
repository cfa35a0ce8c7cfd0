using System.Buffers.Binary;

namespace Yunzhong.Core.Media;

/// <summary>What a file's first bytes say it is.</summary>
/// <param name="ContentType">MIME type, decided by content, never by the file name.</param>
public sealed record SniffResult(string ContentType, string Kind, int? Width, int? Height, double? DurationSeconds);

/// <summary>
/// Recognises the image and audio/video formats the workbench can show from their magic numbers,
/// and reads pixel size or duration from headers where the format keeps them near the start.
/// Give it the first 64 KiB of a file (JPEG keeps its frame header after metadata segments).
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants to see.</summary>
    public const int HeadBytes = 64 * 1024;

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];

    /// <summary>Returns null when the bytes are no supported media format.</summary>
    public static SniffResult? Sniff(ReadOnlySpan<byte> head, long totalLength)
    {
        if (head.StartsWith(PngMagic) && head.Length >= 24)
        {
            return new("image/png", "image", BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]), null);
        }
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            var (w, h) = JpegSize(head);
            return new("image/jpeg", "image", w, h, null);
        }
        if ((head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) && head.Length >= 10)
        {
            return new("image/gif", "image", BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]), null);
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            var (w, h) = WebpSize(head);
            return new("image/webp", "image", w, h, null);
        }
        if (head.StartsWith("BM"u8) && head.Length >= 26)
        {
            return new("image/bmp", "image", BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..])), null);
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return new("audio/wav", "audio", null, null, WavDuration(head, totalLength));
        }
        if (head.StartsWith("fLaC"u8))
        {
            return new("audio/flac", "audio", null, null, FlacDuration(head));
        }
        if (head.StartsWith("OggS"u8))
        {
            return new("audio/ogg", "audio", null, null, null);
        }
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            return new("audio/mpeg", "audio", null, null, null);
        }
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            var audioOnly = brand.SequenceEqual("M4A "u8);
            return new(audioOnly ? "audio/mp4" : "video/mp4", audioOnly ? "audio" : "video", null, null, null);
        }
        if (head.StartsWith(EbmlMagic))
        {
            return new("video/webm", "video", null, null, null);
        }
        return null;
    }

    private static (int?, int?) JpegSize(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return (null, null);
            }
            var marker = b[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
            }
            i += 2 + length;
        }
        return (null, null);
    }

    private static (int?, int?) WebpSize(ReadOnlySpan<byte> b)
    {
        if (b.Length < 30)
        {
            return (null, null);
        }
        var chunk = b[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16));
        }
        return (null, null);
    }

    private static double? WavDuration(ReadOnlySpan<byte> b, long totalLength)
    {
        var i = 12;
        var byteRate = 0u;
        while (i + 8 <= b.Length)
        {
            var id = b.Slice(i, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(b[(i + 4)..]);
            if (id.SequenceEqual("fmt "u8) && i + 16 <= b.Length)
            {
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(b[(i + 16)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                // Streamed WAVs write 0 or 0xFFFFFFFF as the size; the file length tells the truth then.
                var dataBytes = size is 0 or uint.MaxValue ? totalLength - i - 8 : Math.Min(size, totalLength - i - 8);
                return byteRate == 0 ? null : Math.Round((double)dataBytes / byteRate, 6);
            }
            i += 8 + (int)Math.Min(size + (size & 1), int.MaxValue - 16);
        }
        return null;
    }

    private static double? FlacDuration(ReadOnlySpan<byte> b)
    {
        // STREAMINFO is always the first metadata block: sample rate (20 bits) and total samples (36 bits).
        if (b.Length < 26)
        {
            return null;
        }
        var s = b[8..];
        var sampleRate = (s[10] << 12) | (s[11] << 4) | (s[12] >> 4);
        var total = ((long)(s[13] & 0x0F) << 32) | ((long)s[14] << 24) | ((long)s[15] << 16) | ((long)s[16] << 8) | s[17];
        return sampleRate == 0 || total == 0 ? null : Math.Round((double)total / sampleRate, 6);
    }
}
