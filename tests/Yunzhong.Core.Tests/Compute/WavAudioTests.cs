using System.Buffers.Binary;
using Yunzhong.Core.Compute;

namespace Yunzhong.Core.Tests.Compute;

public class WavAudioTests
{
    // Stereo needs a header of its own; mono goes through the writer the benchmark uses.
    private static byte[] Wav16(short[] interleaved, int rate, int channels)
    {
        if (channels == 1)
        {
            return WavAudio.Pcm16([.. interleaved.Select(v => v / 32767f)], rate);
        }
        var b = WavAudio.Pcm16(new float[interleaved.Length], rate);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), rate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)(channels * 2));
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
