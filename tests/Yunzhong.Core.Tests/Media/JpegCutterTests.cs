using Yunzhong.Core.Media;

namespace Yunzhong.Core.Tests.Media;

/// <summary>The cutter of ffmpeg's JPEG stream into images: a wrong cut is a scrub frame that shows another frame's picture, or none.</summary>
public class JpegCutterTests
{
    /// <summary>A JPEG's marker structure: FF D9 inside a comment and a table, stuffed bytes and a restart marker in the scan.</summary>
    private static byte[] Image(byte tag) =>
    [
        0xFF, 0xD8,
        0xFF, 0xFE, 0x00, 0x06, 0xFF, 0xD9, tag, 0x00, // COM whose text holds FF D9
        0xFF, 0xDB, 0x00, 0x05, 0x00, 0xFF, 0xD9, // DQT whose bytes hold FF D9
        0xFF, 0xDA, 0x00, 0x04, 0x01, 0x00, // SOS
        0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, tag, 0xFF, 0xFF, 0xD9, // scan: stuffed FF, RST0, a fill byte, EOI
    ];

    private static List<byte[]> Cut(byte[] stream, int piece)
    {
        var s = new JpegCutter(1 << 20);
        var images = new List<byte[]>();
        for (var i = 0; i < stream.Length; i += piece)
        {
            s.Write(stream.AsSpan(i, Math.Min(piece, stream.Length - i)));
            while (s.TryRead(out var image))
            {
                images.Add(image.ToArray());
            }
        }
        Assert.Equal(0, s.Pending);
        return images;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void ImagesComeOutWholeHoweverTheBytesArrive(int piece)
    {
        var images = Enumerable.Range(1, 5).Select(i => Image((byte)i)).ToList();
        var cut = Cut([.. images.SelectMany(i => i)], piece);
        Assert.Equal(images, cut);
    }

    [Fact]
    public void ARealJpegIsOneImage()
    {
        var jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Media", "Data", "tiny.jpg"));
        Assert.Equal([jpeg, jpeg], Cut([.. jpeg, .. jpeg], 1000));
        Assert.Equal((32, 18), JpegCutter.SizeOf(jpeg));
        Assert.Null(JpegCutter.SizeOf(Image(1)));
    }

    [Fact]
    public void BytesThatAreNotAJpegAreRefused()
    {
        var s = new JpegCutter(1 << 20);
        s.Write("not a jpeg"u8);
        Assert.Throws<InvalidDataException>(() => s.TryRead(out _));
    }

    [Fact]
    public void AnImagePastTheBoundIsRefusedBeforeItIsHeld()
    {
        var s = new JpegCutter(1000);
        s.Write([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]);
        Assert.False(s.TryRead(out _));
        Assert.Throws<InvalidDataException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                s.Write(new byte[1000]);
            }
        });
    }
}
