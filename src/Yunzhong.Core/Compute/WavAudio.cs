using System.Buffers.Binary;

namespace Yunzhong.Core.Compute;

/// <summary>Why a file could not be read as audio.</summary>
public sealed class AudioFormatException(string message) : Exception(message);

/// <summary>
/// Decodes RIFF WAVE (PCM 8/16/24/32-bit integers, 32/64-bit floats, any channel count) to mono
/// float samples at a chosen rate: channels are averaged, and the rate changed by linear
/// interpolation after a box low-pass when going down (enough for a voice activity detector,
/// which listens below 4 kHz; not a studio resampler).
/// </summary>
public static class WavAudio
{
    /// <summary>Mono samples of <paramref name="wav"/> at <paramref name="rate"/> Hz.</summary>
    /// <exception cref="AudioFormatException">The bytes are not a WAVE file this reads.</exception>
    public static float[] Decode(ReadOnlySpan<byte> wav, int rate = 16000)
    {
        if (wav.Length < 12 || !wav.StartsWith("RIFF"u8) || !wav[8..12].SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException("The file is not WAV audio (no RIFF/WAVE header); only WAV is decoded for models.");
        }
        int format = 0, channels = 0, sourceRate = 0, bits = 0;
        var data = ReadOnlySpan<byte>.Empty;
        var at = 12;
        while (at + 8 <= wav.Length)
        {
            var id = wav.Slice(at, 4);
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(at + 4, 4)), (uint)(wav.Length - at - 8));
            var body = wav.Slice(at + 8, size);
            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                sourceRate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (format == 0xFFFE && size >= 26)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]); // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                data = body;
            }
            at += 8 + size + (size & 1);
        }
        if (channels <= 0 || sourceRate <= 0 || bits == 0)
        {
            throw new AudioFormatException("The WAV file has no usable 'fmt ' chunk.");
        }
        if (!(format == 1 && bits is 8 or 16 or 24 or 32) && !(format == 3 && bits is 32 or 64))
        {
            throw new AudioFormatException($"WAV sample format {format} with {bits} bits is not decoded (PCM integers and IEEE floats are).");
        }
        var frameBytes = channels * bits / 8;
        var frames = data.Length / frameBytes;
        var mono = new float[frames];
        for (var f = 0; f < frames; f++)
        {
            float sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += Sample(data.Slice(f * frameBytes + c * bits / 8, bits / 8), format, bits);
            }
            mono[f] = sum / channels;
        }
        return Resample(mono, sourceRate, rate);
    }

    /// <summary>A mono 16-bit PCM WAVE file of <paramref name="samples"/> (−1…1, clipped) at <paramref name="rate"/> Hz.</summary>
    public static byte[] Pcm16(ReadOnlySpan<float> samples, int rate)
    {
        var data = samples.Length * 2;
        var b = new byte[44 + data];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + data);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), 16);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), data);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44 + i * 2), (short)Math.Round(Math.Clamp(samples[i], -1f, 1f) * 32767));
        }
        return b;
    }

    /// <summary><paramref name="samples"/> at <paramref name="from"/> Hz, at <paramref name="to"/> Hz.</summary>
    public static float[] Resample(float[] samples, int from, int to)
    {
        if (from == to || samples.Length == 0)
        {
            return samples;
        }
        var source = samples;
        if (to < from)
        {
            // Box low-pass over the decimation width: keeps what lies above the new Nyquist from folding down.
            var width = Math.Max(1, from / to);
            if (width > 1)
            {
                source = new float[samples.Length];
                double run = 0;
                for (var i = 0; i < samples.Length; i++)
                {
                    run += samples[i];
                    if (i >= width)
                    {
                        run -= samples[i - width];
                    }
                    source[i] = (float)(run / Math.Min(i + 1, width));
                }
            }
        }
        var length = (int)((long)samples.Length * to / from);
        var output = new float[length];
        var step = (double)from / to;
        for (var i = 0; i < length; i++)
        {
            var pos = i * step;
            var j = (int)pos;
            var frac = (float)(pos - j);
            output[i] = j + 1 < source.Length ? source[j] + (source[j + 1] - source[j]) * frac : source[Math.Min(j, source.Length - 1)];
        }
        return output;
    }

    private static float Sample(ReadOnlySpan<byte> b, int format, int bits) => (format, bits) switch
    {
        (3, 32) => BinaryPrimitives.ReadSingleLittleEndian(b),
        (3, _) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        (_, 8) => (b[0] - 128) / 128f,
        (_, 16) => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
        (_, 24) => ((b[0] | b[1] << 8 | (sbyte)b[2] << 16)) / 8388608f,
        _ => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648f,
    };
}
