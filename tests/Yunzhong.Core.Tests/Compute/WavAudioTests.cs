using System.Buffers.Binary;
using Yunzhong.Core.Compute;

namespace Yunzhong.Core.Tests.Compute;

public class WavAudioTests
{
    internal static byte[] Wav16(short[] interleaved, int rate, int channels)
    {
        var data = interleaved.Length * 2;
        var b = new byte[44 + data];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + data);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), rate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), 16);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), data);
        for (var i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44 + i * 2), interleaved[i]);
        }
        return b;
    }

    [Fact]
    public void StereoIsAveragedAndTheRateKept()
    {
        var s = WavAudio.Decode(Wav16([16384, 0, -16384, -16384], 16000, 2));
        Assert.Equal([0.25f, -0.5f], s);
    }

    [Fact]
    public void FortyEightKilohertzBecomesSixteen()
    {
        var s = WavAudio.Decode(Wav16(new short[48000], 48000, 1));
        Assert.Equal(16000, s.Length);
        var up = WavAudio.Resample([0f, 1f], 8000, 16000);
        Assert.Equal([0f, 0.5f, 1f, 1f], up);
    }

    [Fact]
    public void NotAudioIsRefusedInWords()
    {
        var e = Assert.Throws<AudioFormatException>(() => WavAudio.Decode("hello, this is text"u8));
        Assert.Contains("not WAV audio", e.Message, StringComparison.Ordinal);
        var noFmt = "RIFF\0\0\0\0WAVEdata\0\0\0\0"u8.ToArray();
        Assert.Throws<AudioFormatException>(() => WavAudio.Decode(noFmt));
    }
}
