namespace Yunzhong.Core.Formats;

/// <summary>
/// Label Studio's brush masks: <c>{"format": "rle", "rle": [bytes]}</c>, where the bytes are the
/// image's RGBA pixels (row-major, four bytes a pixel) packed by the <c>@thi.ng/rle-pack</c>
/// encoding that Label Studio's editor and <c>label-studio-converter</c> use.
/// </summary>
/// <remarks>
/// The packing, read most significant bit first: 32 bits the number of words, 5 bits the word
/// size − 1, four times 4 bits the bit widths − 1 of the four run-length classes (3, 4, 8 and 16 by
/// default); then blocks of a flag bit (1: one word repeated, 0: a chunk of distinct words), a
/// 2-bit class, the length − 1 in that class's width, and the repeated word or the chunk's words.
/// A pixel is in the mask when its alpha byte is 128 or more: Label Studio's editor writes the
/// alpha of its anti-aliased strokes into all four bytes, the converter writes 0 or 255. Masks are
/// written as the converter writes them (all four bytes 0 or 255, runs split and chunked as
/// rle-pack splits them), so a mask that came from Label Studio in that form goes back byte for
/// byte.
/// </remarks>
public static class LabelStudioBrush
{
    private static readonly int[] _sizes = [3, 4, 8, 16];

    /// <summary>Unpacks an rle-pack byte array into a row-major bitmap of the image (1 in the mask).</summary>
    /// <returns>The bitmap, or null with <paramref name="error"/> when the bytes are not such a mask of this size.</returns>
    public static byte[]? Decode(ReadOnlySpan<byte> rle, int width, int height, out string? error)
    {
        var input = new BitReader(rle);
        var words = input.Read(32);
        var wordSize = (int)input.Read(5) + 1;
        Span<int> sizes = stackalloc int[4];
        for (var s = 0; s < 4; s++)
        {
            sizes[s] = (int)input.Read(4) + 1;
        }

        if (input.Past)
        {
            error = "the brush mask is shorter than its header";
            return null;
        }

        if (wordSize != 8)
        {
            error = $"the brush mask has {wordSize}-bit words, not RGBA bytes";
            return null;
        }

        var expected = (long)width * height * 4;
        if (words != expected)
        {
            error = $"the brush mask holds {words} bytes, not {width}×{height}×4 = {expected} for the image";
            return null;
        }

        var bitmap = new byte[(long)width * height];
        long i = 0;
        while (i < words)
        {
            var repeated = input.Read(1) == 1;
            var j = i + 1 + input.Read(sizes[(int)input.Read(2)]);
            if (j > words)
            {
                error = $"a run of the brush mask ends at byte {j}, past its {words} bytes";
                return null;
            }

            if (repeated)
            {
                // The alpha bytes in [i, j) are those of pixels i/4 up to (not including) j/4.
                if (input.Read(8) >= 128)
                {
                    bitmap.AsSpan((int)(i / 4), (int)(j / 4 - i / 4)).Fill(1);
                }

                i = j;
            }
            else
            {
                for (; i < j; i++)
                {
                    var v = input.Read(8);
                    if (i % 4 == 3 && v >= 128)
                    {
                        bitmap[i / 4] = 1;
                    }
                }
            }

            if (input.Past)
            {
                error = "the brush mask ends before all its bytes are given";
                return null;
            }
        }

        error = null;
        return bitmap;
    }

    /// <summary>Packs a row-major bitmap (non-zero in the mask) as Label Studio's RGBA brush bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> bitmap, int width, int height)
    {
        var words = (long)width * height * 4;
        var output = new BitWriter(64);
        output.Write((ulong)words, 32);
        output.Write(7, 5);
        foreach (var s in _sizes)
        {
            output.Write((ulong)(s - 1), 4);
        }

        var single = 0L; // a pending chunk: all one word, as every run here is four words or more
        var singleWord = 0;
        var p = 0;
        while (p < bitmap.Length)
        {
            var on = bitmap[p] != 0;
            var q = p + 1;
            while (q < bitmap.Length && bitmap[q] != 0 == on)
            {
                q++;
            }

            var word = on ? 255 : 0;
            var run = (long)(q - p) * 4;
            if (single > 0)
            {
                WriteChunk(output, singleWord);
                single = 0;
            }

            // rle-pack writes a run longer than 2^16 words as pieces of 2^16; a last piece of one word
            // becomes a chunk of one, written when the next run begins.
            while (run > 1 << 16)
            {
                WriteRun(output, 1 << 16, word);
                run -= 1 << 16;
            }

            if (run == 1)
            {
                single = 1;
                singleWord = word;
            }
            else
            {
                WriteRun(output, run, word);
            }

            p = q;
        }

        if (single > 0)
        {
            WriteChunk(output, singleWord);
        }

        return output.ToArray();
    }

    private static int SizeClass(long n) => n < 1 << 3 ? 0 : n < 1 << 4 ? 1 : n < 1 << 8 ? 2 : 3;

    private static void WriteRun(BitWriter output, long length, int word)
    {
        var n = length - 1;
        var t = SizeClass(n);
        output.Write(1, 1);
        output.Write((ulong)t, 2);
        output.Write((ulong)n, _sizes[t]);
        output.Write((ulong)word, 8);
    }

    private static void WriteChunk(BitWriter output, int word)
    {
        output.Write(0, 1);
        output.Write(0, 2);
        output.Write(0, _sizes[0]);
        output.Write((ulong)word, 8);
    }

    /// <summary>Reads bits most significant first; past the end it reads zeros and says so.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _bit;

        public readonly bool Past => _bit > (long)_data.Length * 8;

        public long Read(int bits)
        {
            long v = 0;
            for (var b = 0; b < bits; b++)
            {
                var at = _bit++;
                var bit = at < (long)_data.Length * 8 ? (_data[(int)(at >> 3)] >> (7 - (int)(at & 7))) & 1 : 0;
                v = (v << 1) | (long)bit;
            }

            return v;
        }
    }

    private sealed class BitWriter(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private long _bit;

        public void Write(ulong value, int bits)
        {
            for (var b = bits - 1; b >= 0; b--)
            {
                var byteIndex = (int)(_bit >> 3);
                if (byteIndex >= _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                if (((value >> b) & 1) != 0)
                {
                    _buffer[byteIndex] |= (byte)(0x80 >> (int)(_bit & 7));
                }

                _bit++;
            }
        }

        public byte[] ToArray() => _buffer[..(int)((_bit + 7) >> 3)];
    }
}
