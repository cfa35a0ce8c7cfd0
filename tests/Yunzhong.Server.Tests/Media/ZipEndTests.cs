using System.IO.Compression;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Tests.Media;

/// <summary>The entry count a zip declares, read from its end record before its directory.</summary>
public class ZipEndTests
{
    private static MemoryStream Zip(int entries, string comment = "")
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.Comment = comment;
            for (var i = 0; i < entries; i++)
            {
                zip.CreateEntry($"{i}", CompressionLevel.NoCompression);
            }
        }
        buffer.Position = 0;
        return buffer;
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(3, "")]
    [InlineData(3, "a comment that ends in PK\u0005\u0006 and more")]
    public async Task DeclaredEntriesAreReadFromTheEndRecord(int entries, string comment)
    {
        using var zip = Zip(entries, comment);

        Assert.Equal(entries, await ZipEnd.DeclaredEntriesAsync(zip, CancellationToken.None));
        Assert.Equal(0, zip.Position);
    }

    [Fact]
    public async Task MoreThan65535EntriesAreReadFromTheZip64EndRecord()
    {
        using var zip = Zip(70_000);

        Assert.Equal(70_000, await ZipEnd.DeclaredEntriesAsync(zip, CancellationToken.None));
    }

    [Fact]
    public async Task AStreamThatIsNoZipDeclaresNothing()
    {
        using var text = new MemoryStream(new byte[100]);

        Assert.Null(await ZipEnd.DeclaredEntriesAsync(text, CancellationToken.None));
    }
}
