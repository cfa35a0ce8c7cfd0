using System.Buffers.Binary;

namespace Yunzhong.Core.Media;

/// <summary>What a file's first bytes say it is.</summary>
/// <param name="ContentType">MIME type, decided by content, never by the file name.</param>
/// <param name="Kind">The media kind the type belongs to: <c>image</c>, <c>audio</c>, <c>video</c>, <c>document</c> (a PDF) or
/// <c>table</c> (a CSV, as a <c>timeseries</c> field names its channels).</param>
/// <param name="Width">Pixel width where the header gives it (images, video).</param>
/// <param name="Height">Pixel height where the header gives it (images, video).</param>
/// <param name="DurationSeconds">Duration where the header gives it (audio, video).</param>
public sealed record SniffResult(string ContentType, string Kind, int? Width, int? Height, double? DurationSeconds);

/// <summary>
/// Recognises the image and audio/video formats the workbench can show from their magic numbers,
/// and reads pixel size or duration from headers where the format keeps them near the start.
/// Give it the first 64 KiB of a file (JPEG keeps its frame header after metadata segments).
/// </summary>
/// <remarks>
/// The server stores and serves a file under the type this returns, so a magic number alone is not
/// enough where ordinary text or another format can begin with the same bytes ("BM…", "GIF89a …",
/// "OggS …", "ID3 …", a HEIC photo's <c>ftyp</c> box): each branch also checks the fields right after
/// the magic that every valid file of that format has.
/// </remarks>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants to see.</summary>
    public const int HeadBytes = 64 * 1024;

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The content type of a PDF, whose kind is <c>document</c>.</summary>
    public const string PdfType = "application/pdf";

    /// <summary>The content type of a CSV table, whose kind is <c>table</c>.</summary>
    public const string CsvType = "text/csv";

    /// <summary>Returns null when the bytes are no supported media format.</summary>
    public static SniffResult? Sniff(ReadOnlySpan<byte> head, long totalLength)
    {
        // "%PDF-1.7" or "%PDF-2.0": the header's version digits too, so text that merely starts "%PDF" is not taken.
        if (head.Length >= 8 && head.StartsWith("%PDF-"u8) && char.IsAsciiDigit((char)head[5]) && head[6] == '.' && char.IsAsciiDigit((char)head[7]))
        {
            return new(PdfType, "document", null, null, null);
        }

        if (head.StartsWith(PngMagic))
        {
            return Png(head);
        }
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            var (w, h) = JpegSize(head);
            return Image("image/jpeg", w, h);
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif(head);
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp(head);
        }
        if (head.StartsWith("BM"u8))
        {
            return Bmp(head);
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return new("audio/wav", "audio", null, null, WavDuration(head, totalLength));
        }
        if (head.StartsWith("fLaC"u8))
        {
            return Flac(head);
        }
        if (head.StartsWith("OggS"u8))
        {
            return Ogg(head);
        }
        if (head.StartsWith("ID3"u8))
        {
            return Id3Tagged(head, totalLength);
        }
        if (IsMpegAudioFrame(head))
        {
            return new("audio/mpeg", "audio", null, null, null);
        }
        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return Mp4(head);
        }
        if (head.StartsWith(EbmlMagic))
        {
            return EbmlDocType(head) == "webm" ? new("video/webm", "video", null, null, null) : null;
        }
        return IsCsv(head, totalLength) ? new(CsvType, "table", null, null, null) : null;
    }

    /// <summary>
    /// A CSV table: UTF-8 text (a byte-order mark allowed) with no control characters but tab and line
    /// ends, not opening as markup or JSON, whose header names at least two columns split by comma, tab
    /// or semicolon, followed by at least one record, every whole record in <paramref name="head"/> with
    /// as many fields as the header (RFC 4180 quoting, a quoted field may hold the delimiter, quotes and
    /// line ends). A note that merely holds a comma is not a table; neither is a file whose head breaks off
    /// inside its first record. Only whole lines are judged where the file goes on past the head.
    /// </summary>
    private static bool IsCsv(ReadOnlySpan<byte> head, long totalLength)
    {
        var text = head.StartsWith(Utf8Bom) ? head[3..] : head;
        if (head.Length < totalLength)
        {
            // The file goes on: judge the lines the head holds whole.
            var lastEnd = text.LastIndexOf((byte)'\n');
            if (lastEnd < 0)
            {
                return false;
            }
            text = text[..(lastEnd + 1)];
        }
        foreach (var b in text)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r') || b == 0x7F)
            {
                return false;
            }
        }
        if (!System.Text.Unicode.Utf8.IsValid(text))
        {
            return false;
        }
        var start = text.TrimStart(" \t\r\n"u8);
        if (start.IsEmpty || start[0] is (byte)'<' or (byte)'{' or (byte)'[')
        {
            return false;
        }
        foreach (var delimiter in ",\t;"u8)
        {
            if (SameFieldCounts(text, delimiter))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the header has at least two fields split by <paramref name="delimiter"/>, at least one
    /// record follows, and every record has as many (blank lines skipped; a quote left open fails).</summary>
    private static bool SameFieldCounts(ReadOnlySpan<byte> text, byte delimiter)
    {
        int header = 0, records = 0, fields = 1;
        bool quoted = false, fieldStart = true, empty = true;
        for (var i = 0; i <= text.Length; i++)
        {
            var b = i < text.Length ? text[i] : (byte)'\n';
            if (quoted)
            {
                if (b == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                if (i == text.Length)
                {
                    return false; // a quote left open at the end
                }
                continue;
            }
            if (b == '\n' || b == '\r')
            {
                if (b == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                if (!empty)
                {
                    if (header == 0)
                    {
                        if (fields < 2)
                        {
                            return false;
                        }
                        header = fields;
                    }
                    else if (fields != header)
                    {
                        return false;
                    }
                    else
                    {
                        records++;
                    }
                }
                fields = 1;
                fieldStart = true;
                empty = true;
                continue;
            }
            empty = false;
            if (b == delimiter)
            {
                fields++;
                fieldStart = true;
                continue;
            }
            if (b == '"' && fieldStart)
            {
                quoted = true;
            }
            fieldStart = false;
        }
        return records > 0;
    }

    /// <summary>
    /// An image whose header may say 0 for a side (a GIF's logical screen, a JPEG whose height comes
    /// later in a DNL segment, a damaged WebP): its size is then unknown, not 0 × h, which no box
    /// could fit in when annotations are checked against it (found by fuzzing).
    /// </summary>
    private static SniffResult Image(string contentType, int? width, int? height) =>
        width > 0 && height > 0 ? new(contentType, "image", width, height, null) : new(contentType, "image", null, null, null);

    private static SniffResult? Png(ReadOnlySpan<byte> b)
    {
        // The first chunk is always IHDR; sizes above 2^31 - 1 are invalid, so a negative one is damage.
        if (b.Length < 24 || !b[12..16].SequenceEqual("IHDR"u8))
        {
            return null;
        }
        var (w, h) = (BinaryPrimitives.ReadInt32BigEndian(b[16..]), BinaryPrimitives.ReadInt32BigEndian(b[20..]));
        return w <= 0 || h <= 0 ? null : new("image/png", "image", w, h, null);
    }

    private static SniffResult? Gif(ReadOnlySpan<byte> b)
    {
        // After the 13-byte header and the global colour table (if the packed byte announces one)
        // comes an extension (0x21), an image (0x2C) or the trailer (0x3B); text never lines up so.
        if (b.Length < 13)
        {
            return null;
        }
        var next = 13 + ((b[10] & 0x80) != 0 ? 3 << ((b[10] & 0x07) + 1) : 0);
        if (next >= b.Length || b[next] is not (0x21 or 0x2C or 0x3B))
        {
            return null;
        }
        return Image("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]));
    }

    private static SniffResult? Webp(ReadOnlySpan<byte> b)
    {
        // The first chunk is the image: lossy VP8 (with its key-frame start code), lossless VP8L
        // (with its signature byte) or the extended VP8X header. Anything else is not a picture.
        if (b.Length < 30)
        {
            return null;
        }
        var chunk = b[12..16];
        (int W, int H)? size = null;
        if (chunk.SequenceEqual("VP8 "u8) && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A)
        {
            size = (BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        }
        else if (chunk.SequenceEqual("VP8L"u8) && b[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            size = ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        else if (chunk.SequenceEqual("VP8X"u8))
        {
            size = (1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16));
        }
        return size is { } s ? Image("image/webp", s.W, s.H) : null;
    }

    private static SniffResult? Bmp(ReadOnlySpan<byte> b)
    {
        // The DIB header's own size names its version; OS/2's 12-byte core header keeps 16-bit sizes,
        // the others 32-bit ones with a negative height for top-down rows. Planes is always 1.
        if (b.Length < 18)
        {
            return null;
        }
        var dib = BinaryPrimitives.ReadInt32LittleEndian(b[14..]);
        int w, h;
        if (dib == 12 && b.Length >= 24 && BinaryPrimitives.ReadUInt16LittleEndian(b[22..]) == 1)
        {
            (w, h) = (BinaryPrimitives.ReadUInt16LittleEndian(b[18..]), BinaryPrimitives.ReadUInt16LittleEndian(b[20..]));
        }
        else if (dib is 16 or 40 or 52 or 56 or 64 or 108 or 124 && b.Length >= 28 && BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) == 1)
        {
            (w, h) = (BinaryPrimitives.ReadInt32LittleEndian(b[18..]), BinaryPrimitives.ReadInt32LittleEndian(b[22..]));
        }
        else
        {
            return null;
        }
        return w <= 0 || h is 0 or int.MinValue ? null : new("image/bmp", "image", w, Math.Abs(h), null);
    }

    private static SniffResult? Flac(ReadOnlySpan<byte> b)
    {
        // STREAMINFO is always the first metadata block (type 0, the top bit marks the last block)
        // and always 34 bytes long.
        if (b.Length < 8 || (b[4] & 0x7F) != 0 || b[5] != 0 || b[6] != 0 || b[7] != 34)
        {
            return null;
        }
        return new("audio/flac", "audio", null, null, FlacDuration(b));
    }

    private static SniffResult? Ogg(ReadOnlySpan<byte> b)
    {
        // The first page has stream-structure version 0 and the beginning-of-stream flag; its first
        // packet names the codec, and Theora is the one video codec browsers play from Ogg.
        if (b.Length < 27 || b[4] != 0 || (b[5] & 0x02) == 0)
        {
            return null;
        }
        var packet = 27 + b[26];
        var video = packet + 7 <= b.Length && b[packet] == 0x80 && b.Slice(packet + 1, 6).SequenceEqual("theora"u8);
        return video ? new("video/ogg", "video", null, null, null) : new("audio/ogg", "audio", null, null, null);
    }

    private static SniffResult? Id3Tagged(ReadOnlySpan<byte> b, long totalLength)
    {
        // ID3v2: version 2 to 4, then four size bytes of 7 bits each ("sync-safe"), footer flag in v4.
        if (b.Length < 10 || b[3] is < 2 or > 4 || b[4] == 0xFF || b[6] >= 0x80 || b[7] >= 0x80 || b[8] >= 0x80 || b[9] >= 0x80)
        {
            return null;
        }
        var end = 10 + (b[6] << 21 | b[7] << 14 | b[8] << 7 | b[9]) + ((b[5] & 0x10) != 0 ? 10 : 0);
        if (end >= totalLength)
        {
            return null;
        }
        if (end >= b.Length)
        {
            // Cover art can fill the sniffed bytes; the tag is well formed and the file goes on past it.
            return new("audio/mpeg", "audio", null, null, null);
        }
        var rest = b[end..];
        // Some taggers pad past the size they declare; what follows must still be audio.
        var start = rest.IndexOfAnyExcept((byte)0);
        if (start < 0)
        {
            return totalLength > b.Length ? new("audio/mpeg", "audio", null, null, null) : null;
        }
        rest = rest[start..];
        if (rest.StartsWith("fLaC"u8))
        {
            return Flac(rest);
        }
        return IsMpegAudioFrame(rest) ? new("audio/mpeg", "audio", null, null, null) : null;
    }

    private static bool IsMpegAudioFrame(ReadOnlySpan<byte> b)
    {
        // 11 sync bits, then version (01 reserved), layer (00 reserved: AAC's ADTS headers use it),
        // bitrate index (1111 forbidden) and sample-rate index (11 reserved).
        return b.Length >= 4 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0
            && ((b[1] >> 3) & 3) != 1 && ((b[1] >> 1) & 3) != 0
            && (b[2] >> 4) != 0x0F && ((b[2] >> 2) & 3) != 3;
    }

    /// <summary>ISO base media brands browsers play as MP4; HEIF/AVIF photos and QuickTime share the box format but are not MP4.</summary>
    private static readonly string[] _mp4Brands = ["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "avc1", "M4V ", "M4A ", "M4B ", "F4V ", "dash", "mmp4", "MSNV"];

    private static SniffResult? Mp4(ReadOnlySpan<byte> b)
    {
        // ftyp holds the major brand, a minor version, then compatible brands, 4 bytes each.
        var size = BinaryPrimitives.ReadUInt32BigEndian(b);
        if (size < 16 || b.Length < 16)
        {
            return null;
        }
        var brands = new List<string>();
        for (var i = 8; i + 4 <= Math.Min(size, b.Length); i += i == 8 ? 8 : 4)
        {
            brands.Add(System.Text.Encoding.ASCII.GetString(b.Slice(i, 4)));
        }
        if (brands[0] is "heic" or "heix" or "mif1" or "msf1" or "avif" or "avis" || !brands.Any(_mp4Brands.Contains))
        {
            return null;
        }
        return brands[0] is "M4A " or "M4B " ? new("audio/mp4", "audio", null, null, null) : new("video/mp4", "video", null, null, null);
    }

    /// <summary>
    /// The DocType of an EBML header: "webm" for WebM, "matroska" for other Matroska files, which
    /// only some browsers play, so they are not taken for WebM.
    /// </summary>
    private static string? EbmlDocType(ReadOnlySpan<byte> b)
    {
        var i = 4;
        if (ReadVint(b, ref i, keepMarker: false) is not { } headerSize)
        {
            return null;
        }
        var end = (int)Math.Min(b.Length, i + headerSize);
        while (i < end)
        {
            if (ReadVint(b, ref i, keepMarker: true) is not { } id || ReadVint(b, ref i, keepMarker: false) is not { } size || size > end - i)
            {
                return null;
            }
            if (id == 0x4282)
            {
                return System.Text.Encoding.ASCII.GetString(b.Slice(i, (int)size)).TrimEnd('\0');
            }
            i += (int)size;
        }
        return null;
    }

    /// <summary>An EBML variable-length integer: its length is one more than the first byte's leading zeros.</summary>
    private static long? ReadVint(ReadOnlySpan<byte> b, ref int i, bool keepMarker)
    {
        if (i >= b.Length || b[i] == 0)
        {
            return null;
        }
        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)b[i]) - 23;
        if (i + length > b.Length)
        {
            return null;
        }
        long value = keepMarker ? b[i] : b[i] & (0xFF >> length);
        for (var k = 1; k < length; k++)
        {
            value = value << 8 | b[i + k];
        }
        i += length;
        return value;
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
            if (id.SequenceEqual("fmt "u8) && i + 20 <= b.Length)
            {
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(b[(i + 16)..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                // Streamed WAVs write 0 or 0xFFFFFFFF as the size; the file length tells the truth then.
                var dataBytes = size is 0 or uint.MaxValue ? totalLength - i - 8 : Math.Min(size, totalLength - i - 8);
                return byteRate == 0 ? null : Math.Round((double)dataBytes / byteRate, 6);
            }
            // A chunk that runs past the sniffed bytes ends the walk (and must not wrap the offset round).
            if (size >= b.Length - i - 8)
            {
                return null;
            }
            i += 8 + (int)(size + (size & 1));
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
