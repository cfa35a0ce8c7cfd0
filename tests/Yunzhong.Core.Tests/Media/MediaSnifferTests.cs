using System.Buffers.Binary;
using System.Text;
using Yunzhong.Core.Media;

namespace Yunzhong.Core.Tests.Media;

/// <summary>
/// Every format the sniffer claims, from real encoder output (Media/Data, see its README) or from
/// headers built here, and the near-misses it must refuse: the server stores and serves whatever
/// this says, so a wrong "yes" is a file served under a type it is not.
/// </summary>
public class MediaSnifferTests
{
    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Media", "Data", name));

    /// <summary>What the server does: the first <see cref="MediaSniffer.HeadBytes"/> and the whole length.</summary>
    private static SniffResult? Sniff(byte[] file) => MediaSniffer.Sniff(file.AsSpan(0, Math.Min(file.Length, MediaSniffer.HeadBytes)), file.Length);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] U16Le(int v) => [(byte)v, (byte)(v >> 8)];

    private static byte[] U32Le(uint v) => BitConverter.IsLittleEndian ? BitConverter.GetBytes(v) : [.. BitConverter.GetBytes(v).Reverse()];

    private static byte[] U32Be(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    [Theory]
    [InlineData("gradient.gif", 27, 22)]
    [InlineData("gradient-lossy.webp", 13, 7)]
    [InlineData("gradient-lossless.webp", 13, 7)]
    [InlineData("gradient-alpha.webp", 13, 7)]
    public void RealGifAndWebpFilesAreImagesWithTheirPixelSize(string file, int width, int height)
    {
        var r = Sniff(Sample(file));
        Assert.NotNull(r);
        Assert.Equal(file.EndsWith(".gif", StringComparison.Ordinal) ? "image/gif" : "image/webp", r.ContentType);
        Assert.Equal("image", r.Kind);
        Assert.Equal((width, height), (r.Width, r.Height));
        Assert.Null(r.DurationSeconds);
    }

    [Theory]
    [InlineData("tone.flac", "audio/flac", 0.25)]
    [InlineData("tone.ogg", "audio/ogg", null)]
    [InlineData("tone.mp3", "audio/mpeg", null)]
    [InlineData("tone-id3.mp3", "audio/mpeg", null)]
    public void RealFlacOggAndMp3FilesAreAudio(string file, string contentType, double? duration)
    {
        var r = Sniff(Sample(file));
        Assert.NotNull(r);
        Assert.Equal((contentType, "audio"), (r.ContentType, r.Kind));
        Assert.Equal(duration, r.DurationSeconds);
        Assert.Null(r.Width);
    }

    private static byte[] Gif87(int width, int height) => Concat(
        Ascii("GIF87a"), U16Le(width), U16Le(height),
        [0x80, 0, 0], // global colour table of 2 entries follows; background 0; no aspect ratio
        [0, 0, 0, 0xFF, 0xFF, 0xFF],
        [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);

    [Fact]
    public void Gif87aIsAnImageToo()
    {
        var r = Sniff(Gif87(300, 2));
        Assert.Equal(("image/gif", 300, 2), (r?.ContentType, r?.Width, r?.Height));
    }

    /// <summary>A BMP of <paramref name="headerSize"/>-byte DIB header (12 = OS/2 core header, 16-bit sizes).</summary>
    private static byte[] Bmp(int headerSize, int width, int height)
    {
        var b = new byte[14 + headerSize + 16];
        "BM"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 14 + headerSize);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), headerSize);
        if (headerSize == 12)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(18), (short)width);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), (short)height);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), 1);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(24), 24);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        }
        return b;
    }

    [Theory]
    [InlineData(40, 3, 2, 2)]     // BITMAPINFOHEADER, rows bottom-up
    [InlineData(40, 3, -2, 2)]    // negative height: rows top-down, still 2 pixels high
    [InlineData(124, 640, 480, 480)] // BITMAPV5HEADER
    [InlineData(12, 5, 4, 4)]     // OS/2 BITMAPCOREHEADER keeps 16-bit sizes at other offsets
    public void BmpIsAnImageWithItsPixelSize(int headerSize, int width, int height, int shownHeight)
    {
        var r = Sniff(Bmp(headerSize, width, height));
        Assert.Equal(("image/bmp", "image", width, shownHeight), (r?.ContentType, r?.Kind, r?.Width, r?.Height));
    }

    private static byte[] Id3v2(int version, int bodyBytes, byte flags = 0)
    {
        var size = new[] { (byte)((bodyBytes >> 21) & 0x7F), (byte)((bodyBytes >> 14) & 0x7F), (byte)((bodyBytes >> 7) & 0x7F), (byte)(bodyBytes & 0x7F) };
        var footer = (flags & 0x10) != 0 ? Concat(Ascii("3DI"), [(byte)version, 0, flags], size) : [];
        return Concat(Ascii("ID3"), [(byte)version, 0, flags], size, new byte[bodyBytes], footer);
    }

    /// <summary>MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: the commonest MP3 frame header, then a silent frame.</summary>
    private static readonly byte[] _mp3Frame = Concat([0xFF, 0xFB, 0x90, 0x64], new byte[413]);

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 })] // MPEG-1 Layer III
    [InlineData(new byte[] { 0xFF, 0xF3, 0x64, 0xC4 })] // MPEG-2 Layer III, 24 kHz
    [InlineData(new byte[] { 0xFF, 0xE3, 0x18, 0xC4 })] // MPEG-2.5 Layer III, 8 kHz
    [InlineData(new byte[] { 0xFF, 0xFD, 0xA0, 0x04 })] // MPEG-1 Layer II
    public void MpegAudioFrameWithoutATagIsMp3(byte[] header)
    {
        var r = Sniff(Concat(header, new byte[200]));
        Assert.Equal(("audio/mpeg", "audio"), (r?.ContentType, r?.Kind));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 0x10)] // ID3v2.4 with a footer: the audio starts 10 bytes later
    public void Id3TaggedMp3IsMp3(int version, byte flags)
    {
        var r = Sniff(Concat(Id3v2(version, 300, flags), _mp3Frame));
        Assert.Equal("audio/mpeg", r?.ContentType);
    }

    [Fact]
    public void Id3TaggedMp3WithZeroPaddingAfterTheTagIsMp3()
    {
        Assert.Equal("audio/mpeg", Sniff(Concat(Id3v2(3, 20), new byte[64], _mp3Frame))?.ContentType);
    }

    [Fact]
    public void Id3TagLongerThanTheSniffedHeadIsTakenAsMp3()
    {
        // Cover art can push the first frame past the bytes the server reads; the tag itself is well formed.
        var r = Sniff(Concat(Id3v2(3, MediaSniffer.HeadBytes + 1000), _mp3Frame));
        Assert.Equal("audio/mpeg", r?.ContentType);
    }

    [Fact]
    public void FlacBehindAnId3TagIsFlacWithItsDuration()
    {
        var r = Sniff(Concat(Id3v2(3, 100), Sample("tone.flac")));
        Assert.Equal(("audio/flac", 0.25), (r?.ContentType, r?.DurationSeconds));
    }

    private static byte[] Ftyp(string major, params string[] compatible)
    {
        var body = Concat(Ascii(major), [0, 0, 2, 0], Concat([.. compatible.Select(Ascii)]));
        return Concat(U32Be((uint)(8 + body.Length)), Ascii("ftyp"), body, U32Be(8), Ascii("free"));
    }

    [Theory]
    [InlineData("isom", "isom,iso2,avc1,mp41", "video/mp4")]
    [InlineData("mp42", "mp42,isom", "video/mp4")]
    [InlineData("M4V ", "M4V ,M4A ,mp42,isom", "video/mp4")]
    [InlineData("XAVC", "XAVC,mp42,iso2", "video/mp4")] // a camera's own brand, MP4 among the compatible ones
    [InlineData("M4A ", "M4A ,mp42,isom", "audio/mp4")]
    [InlineData("M4B ", "M4B ,mp42,isom", "audio/mp4")] // audiobook
    public void Mp4IsVideoOrAudioByItsBrand(string major, string compatible, string contentType)
    {
        var r = Sniff(Ftyp(major, compatible.Split(',')));
        Assert.Equal((contentType, contentType.Split('/')[0]), (r?.ContentType, r?.Kind));
    }

    /// <summary>An EBML header naming <paramref name="docType"/>, as Matroska muxers write it, then a Segment.</summary>
    private static byte[] Ebml(string docType)
    {
        byte[] body =
        [
            0x42, 0x86, 0x81, 0x01, // EBMLVersion 1
            0x42, 0xF7, 0x81, 0x01, // EBMLReadVersion 1
            0x42, 0xF2, 0x81, 0x04, // EBMLMaxIDLength 4
            0x42, 0xF3, 0x81, 0x08, // EBMLMaxSizeLength 8
            0x42, 0x82, (byte)(0x80 | docType.Length), .. Ascii(docType),
            0x42, 0x87, 0x81, 0x04, // DocTypeVersion 4
            0x42, 0x85, 0x81, 0x02, // DocTypeReadVersion 2
        ];
        return Concat([0x1A, 0x45, 0xDF, 0xA3, (byte)(0x80 | body.Length)], body, [0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    }

    [Fact]
    public void WebmIsVideo()
    {
        var r = Sniff(Ebml("webm"));
        Assert.Equal(("video/webm", "video"), (r?.ContentType, r?.Kind));
    }

    /// <summary>The first page of an Ogg stream (BOS flag set) carrying <paramref name="packet"/>.</summary>
    private static byte[] OggFirstPage(byte[] packet) => Concat(
        Ascii("OggS"), [0, 0x02], new byte[8], U32Le(0x1234), U32Le(0), U32Le(0), [1, (byte)packet.Length], packet);

    [Fact]
    public void OggOpusIsAudio()
    {
        var r = Sniff(OggFirstPage(Concat(Ascii("OpusHead"), [1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0])));
        Assert.Equal(("audio/ogg", "audio"), (r?.ContentType, r?.Kind));
    }

    [Fact]
    public void OggTheoraIsVideo()
    {
        var r = Sniff(OggFirstPage(Concat([0x80], Ascii("theora"), [3, 2, 1], new byte[35])));
        Assert.Equal(("video/ogg", "video"), (r?.ContentType, r?.Kind));
    }

    public static TheoryData<string, string> Tables() => new()
    {
        { "time series, comma", "time,velocity,acceleration\n0,1.5,0.1\n1,1.7,0.2\n" },
        { "CRLF, no line end after the last record", "t,x\r\n0,1\r\n1,2" },
        { "tab-separated, Chinese header", "时间\t速度\n2026-12-05T08:00:00Z\t3.2\n" },
        { "semicolons, decimal commas", "t;x\n0;1,5\n1;2,5\n" },
        { "a quoted field holding the delimiter, a quote and a line end", "t,note\n0,\"a, \"\"b\"\"\nc\"\n1,plain\n" },
        { "blank lines between records", "t,x\n\n0,1\n\n1,2\n" },
        { "emoji in a field", "t,label\n0,😀\n" },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void CsvTablesAreTables(string what, string text)
    {
        var r = Sniff(Encoding.UTF8.GetBytes(text));
        Assert.True(r is { ContentType: MediaSniffer.CsvType, Kind: "table" }, $"{what}: taken as {r}");
    }

    [Fact]
    public void CsvWithAByteOrderMarkIsATable()
    {
        var r = Sniff(Concat([0xEF, 0xBB, 0xBF], Encoding.UTF8.GetBytes("t,x\n0,1\n")));
        Assert.Equal((MediaSniffer.CsvType, "table"), (r?.ContentType, r?.Kind));
    }

    [Fact]
    public void ALongCsvIsJudgedOnTheWholeLinesOfItsHead()
    {
        // 1,000,000 rows: the head ends inside a line, which is not held against the file.
        var rows = new StringBuilder("time,velocity\n");
        for (var i = 0; rows.Length < MediaSniffer.HeadBytes + 100; i++)
        {
            rows.Append(i).Append(',').Append(i * 0.25).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(rows.ToString());
        Assert.Equal(MediaSniffer.CsvType, MediaSniffer.Sniff(bytes.AsSpan(0, MediaSniffer.HeadBytes), 20_000_000)?.ContentType);

        // The same head with a ragged record among its whole lines is not a table.
        var ragged = (byte[])bytes.Clone();
        var firstComma = Array.IndexOf(ragged, (byte)',', 200);
        ragged[firstComma] = (byte)' ';
        Assert.Null(MediaSniffer.Sniff(ragged.AsSpan(0, MediaSniffer.HeadBytes), 20_000_000));

        // A head with no whole line at all (one 64 KiB header line) is not judged a table.
        var oneLine = Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"c{i}")));
        Assert.Null(MediaSniffer.Sniff(oneLine.AsSpan(0, MediaSniffer.HeadBytes), oneLine.Length + 10));
    }

    public static TheoryData<string, byte[]> TextThatIsNoTable() => new()
    {
        { "one line with a comma", Encoding.UTF8.GetBytes("这不是表格, just a note\n") },
        { "prose whose lines hold different numbers of commas", Encoding.UTF8.GetBytes("Dear team,\nthe data, as promised, is attached.\n") },
        { "a header with one column", Encoding.UTF8.GetBytes("time\n0\n1\n") },
        { "a header and no record", Encoding.UTF8.GetBytes("t,x\n") },
        { "HTML whose lines hold one comma each", Encoding.UTF8.GetBytes("<script>alert(1),x\n</script>,y\n") },
        { "JSON lines", Encoding.UTF8.GetBytes("{\"a\": 1, \"b\": 2}\n{\"a\": 3, \"b\": 4}\n") },
        { "a NUL byte", Concat(Encoding.UTF8.GetBytes("t,x\n0,1"), [0], Encoding.UTF8.GetBytes("\n1,2\n")) },
        { "an escape character", Encoding.UTF8.GetBytes("t,x\n0,\u001b[31m\n") },
        { "Latin-1, not UTF-8", Concat(Encoding.UTF8.GetBytes("t,name\n0,"), [0xE9], Encoding.UTF8.GetBytes("t\u00e9\n")) },
        { "a quote left open", Encoding.UTF8.GetBytes("t,x\n0,\"open\n1,2\n") },
    };

    [Theory]
    [MemberData(nameof(TextThatIsNoTable))]
    public void TextThatIsNoTableIsRefused(string what, byte[] bytes)
    {
        var r = Sniff(bytes);
        Assert.True(r is null, $"{what}: taken as {r}");
    }

    public static TheoryData<string, byte[]> NearMisses()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var gif = Sample("gradient.gif");
        var webp = Sample("gradient-lossy.webp");
        var ogg = Sample("tone.ogg");
        var unknownDib = Bmp(40, 3, 2);
        unknownDib[14] = 41;
        var vp8NoStartCode = (byte[])webp.Clone();
        vp8NoStartCode[23] = 0;
        return new()
        {
            { "nothing", [] },
            { "plain text", Encoding.UTF8.GetBytes("这不是媒体文件, just some notes\n") },
            { "PNG signature cut before its size", Concat(png, [0, 0, 0, 13, 0x49, 0x48]) },
            { "PNG signature then a chunk that is not IHDR", Concat(png, [0, 0, 0, 13], Ascii("tEXt"), new byte[13]) },
            { "PNG with a negative width", Concat(png, [0, 0, 0, 13], Ascii("IHDR"), [0x80, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]) },
            { "JPEG start-of-image marker alone", [0xFF, 0xD8] },
            { "text after a GIF89a prefix", Ascii("GIF89a is the format of the picture below") },
            { "GIF cut inside its screen descriptor", gif[..10] },
            { "GIF cut inside its colour table", gif[..20] },
            { "GIF88a, no such version", Concat(Ascii("GIF88a"), gif[6..]) },
            { "RIFF holding an AVI", Concat(Ascii("RIFF"), U32Le(200), Ascii("AVI LIST"), new byte[200]) },
            { "RIFF WEBP cut after the form type", webp[..12] },
            { "RIFF WEBP whose first chunk is no image", Concat(Ascii("RIFF"), U32Le(100), Ascii("WEBPVP9 "), U32Le(88), new byte[88]) },
            { "VP8 chunk without the VP8 start code", vp8NoStartCode },
            { "text that starts with BM", Ascii("BMW 3 series sales figures, second quarter") },
            { "BMP with a DIB header size no version has", unknownDib },
            { "BMP with the most negative height", Bmp(40, 3, int.MinValue) },
            { "BMP with zero width", Bmp(40, 0, 2) },
            { "text after fLaC", Ascii("fLaC is how the magic number reads") },
            { "text after OggS", Ascii("OggS is the capture pattern of every Ogg page") },
            { "Ogg page cut inside its header", ogg[..20] },
            { "text after ID3", Ascii("ID3 tags hold the title and the artist") },
            { "ID3 tag and nothing after it", Id3v2(4, 500) },
            { "ID3 tag followed by text", Concat(Id3v2(3, 30), Ascii("and then no audio at all, only words")) },
            { "ID3 tag with a size that is not sync-safe", Concat(Ascii("ID3"), [3, 0, 0, 0, 0, 0x80, 0], new byte[200]) },
            { "all bits set", Enumerable.Repeat((byte)0xFF, 64).ToArray() },
            { "MPEG sync with the forbidden bitrate", Concat([0xFF, 0xFB, 0xF0, 0x64], new byte[100]) },
            { "MPEG sync with the reserved sample rate", Concat([0xFF, 0xFB, 0x9C, 0x64], new byte[100]) },
            { "MPEG sync with the reserved version", Concat([0xFF, 0xEB, 0x90, 0x64], new byte[100]) },
            { "AAC in ADTS (layer bits 00), which this platform does not claim", Concat([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC], new byte[100]) },
            { "HEIC photo", Ftyp("heic", "mif1", "heic") },
            { "AVIF photo", Ftyp("avif", "avif", "mif1", "miaf", "MA1B") },
            { "QuickTime movie", Ftyp("qt  ", "qt  ") },
            { "ftyp box too short to hold a brand", Concat(U32Be(8), Ascii("ftypisom"), new byte[8]) },
            { "Matroska, which not every browser plays", Ebml("matroska") },
            { "EBML magic alone", [0x1A, 0x45, 0xDF, 0xA3] },
        };
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void NearMissesAreRefused(string what, byte[] bytes)
    {
        var r = Sniff(bytes);
        Assert.True(r is null, $"{what}: taken as {r}");
    }

    /// <summary>A WAV with a 16-byte PCM fmt chunk, then <paramref name="chunks"/>.</summary>
    private static byte[] Wav(params byte[][] chunks) => Concat(
        Ascii("RIFF"), U32Le(0), Ascii("WAVE"),
        Ascii("fmt "), U32Le(16), U16Le(1), U16Le(1), U32Le(8000), U32Le(16000), U16Le(2), U16Le(16),
        Concat(chunks));

    [Fact]
    public void WavWithAChunkSizeBeyondTheFileIsAudioWithoutDuration()
    {
        // A chunk claiming nearly 2 GiB must end the walk, not wrap the offset round.
        var r = Sniff(Wav(Ascii("LIST"), U32Le(0x7FFFFFF0), new byte[40], Ascii("data"), U32Le(16000), new byte[100]));
        Assert.Equal(("audio/wav", null), (r?.ContentType, r?.DurationSeconds));
    }

    [Fact]
    public void WavCutInsideItsByteRateIsAudioWithoutDuration()
    {
        var whole = Wav(Ascii("data"), U32Le(16000), new byte[100]);
        var r = MediaSniffer.Sniff(whole.AsSpan(0, 12 + 8 + 10), whole.Length);
        Assert.Equal(("audio/wav", null), (r?.ContentType, r?.DurationSeconds));
    }

    [Fact]
    public void WavDurationComesFromByteRateAndDataSize()
    {
        var r = Sniff(Wav(Ascii("data"), U32Le(16000), new byte[16000]));
        Assert.Equal(1.0, r?.DurationSeconds);
    }
}
