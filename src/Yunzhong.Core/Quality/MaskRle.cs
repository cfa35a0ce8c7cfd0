namespace Yunzhong.Core.Quality;

/// <summary>
/// A binary mask as COCO run lengths: <see cref="Height"/> × <see cref="Width"/> pixels read down
/// each column, columns left to right (COCO's column-major order), the counts alternating between
/// background and mask and starting with background (a mask that starts on the first pixel has a
/// first count of 0). The native <c>masks</c> value and COCO's <c>segmentation</c> hold the same
/// counts, written as pycocotools writes its compressed strings.
/// </summary>
/// <remarks>
/// Everything here runs on the runs, never on pixels, except the conversions to and from a bitmap:
/// a 20-megapixel mask of a few thousand runs is compared, merged and bounded in microseconds.
/// </remarks>
public sealed class MaskRle
{
    // pycocotools packs 5 bits per character; seven characters hold any count below 2^34.
    private const int MaxCharsPerCount = 7;

    private MaskRle(int height, int width, int[] counts)
    {
        Height = height;
        Width = width;
        Counts = counts;
    }

    /// <summary>Rows of the image.</summary>
    public int Height { get; }

    /// <summary>Columns of the image.</summary>
    public int Width { get; }

    /// <summary>The run lengths, background first, summing to <see cref="Height"/> × <see cref="Width"/>.</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>Pixels in the mask.</summary>
    public long Area
    {
        get
        {
            var area = 0L;
            for (var i = 1; i < Counts.Count; i += 2)
            {
                area += Counts[i];
            }

            return area;
        }
    }

    /// <summary>A mask from run lengths that must sum to <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static MaskRle FromCounts(int height, int width, IReadOnlyList<int> counts)
    {
        var sum = 0L;
        foreach (var c in counts)
        {
            sum += c >= 0 ? c : throw new ArgumentException("A run length cannot be negative.", nameof(counts));
        }

        return sum == (long)height * width
            ? new MaskRle(height, width, [.. counts])
            : throw new ArgumentException($"The runs cover {sum} pixels, not {height}×{width}.", nameof(counts));
    }

    /// <summary>
    /// Reads pycocotools' compressed counts string (<c>rleFrString</c>) as a mask of
    /// <paramref name="height"/> × <paramref name="width"/>; false with the reason when it is not
    /// such counts (<see cref="TryParseCounts"/>) or the runs do not cover exactly that many pixels.
    /// </summary>
    public static bool TryParse(string counts, int height, int width, out MaskRle? mask, out string? error)
    {
        mask = null;
        if (!TryParseCounts(counts, out var runs, out error))
        {
            return false;
        }

        var covered = Sum(runs!);
        if (covered != (long)height * width)
        {
            error = $"the runs cover {covered} pixels, not {height}×{width} = {(long)height * width}";
            return false;
        }

        mask = new MaskRle(height, width, runs!);
        return true;
    }

    /// <summary>The pixels run lengths cover.</summary>
    public static long Sum(IReadOnlyList<int> runs)
    {
        var sum = 0L;
        foreach (var r in runs)
        {
            sum += r;
        }

        return sum;
    }

    /// <summary>
    /// Reads pycocotools' compressed counts string: 5 bits a character from <c>'0'</c>, bit 6 says
    /// more characters follow, the last one's bit 5 is the sign, and counts after the second are
    /// written as the difference to the count two before. False with the reason when a character is
    /// out of range, the string ends inside a count, or a run comes out negative.
    /// </summary>
    public static bool TryParseCounts(string counts, out int[]? runs, out string? error)
    {
        ArgumentNullException.ThrowIfNull(counts);
        runs = null;
        var list = new List<int>(Math.Min(counts.Length, 1 << 16));
        var p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= counts.Length)
                {
                    error = "the counts string ends inside a count";
                    return false;
                }

                var c = counts[p] - 48;
                if (c is < 0 or > 0x3f)
                {
                    error = $"character {p + 1} ('{counts[p]}') is not a run-length character ('0' to 'o')";
                    return false;
                }

                if (k == MaxCharsPerCount)
                {
                    error = $"a count at character {p + 1} is too long";
                    return false;
                }

                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                {
                    x |= -1L << (5 * k);
                }
            }

            if (list.Count > 2)
            {
                x += list[^2];
            }

            if (x is < 0 or > int.MaxValue)
            {
                error = $"run {list.Count + 1} has the length {x}";
                return false;
            }

            list.Add((int)x);
        }

        error = null;
        runs = [.. list];
        return true;
    }

    /// <summary>The counts as pycocotools' compressed string (<c>rleToString</c>).</summary>
    public string ToCocoString()
    {
        var s = new StringBuilder(Counts.Count * 2);
        for (var i = 0; i < Counts.Count; i++)
        {
            long x = Counts[i];
            if (i > 2)
            {
                x -= Counts[i - 2];
            }

            var more = true;
            while (more)
            {
                var c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more)
                {
                    c |= 0x20;
                }

                s.Append((char)(c + 48));
            }
        }

        return s.ToString();
    }

    /// <summary>A mask from a row-major bitmap (any non-zero byte is in the mask).</summary>
    public static MaskRle FromRowMajor(ReadOnlySpan<byte> bitmap, int width, int height)
    {
        if (bitmap.Length != (long)width * height)
        {
            throw new ArgumentException($"The bitmap has {bitmap.Length} pixels, not {width}×{height}.", nameof(bitmap));
        }

        var counts = new List<int>();
        var on = false;
        var run = 0;
        for (var x = 0; x < width; x++)
        {
            for (var i = x; i < bitmap.Length; i += width)
            {
                if (bitmap[i] != 0 != on)
                {
                    counts.Add(run);
                    run = 0;
                    on = !on;
                }

                run++;
            }
        }

        counts.Add(run);
        return new MaskRle(height, width, [.. counts]);
    }

    /// <summary>The mask as a row-major bitmap, 1 in the mask and 0 outside.</summary>
    public byte[] ToRowMajor()
    {
        var bitmap = new byte[(long)Width * Height];
        var p = 0L;
        for (var i = 0; i < Counts.Count; i++)
        {
            if (i % 2 == 1)
            {
                for (var q = p; q < p + Counts[i]; q++)
                {
                    bitmap[(q % Height * Width) + (q / Height)] = 1;
                }
            }

            p += Counts[i];
        }

        return bitmap;
    }

    /// <summary>The bounding box of the mask's pixels (COCO's <c>toBbox</c>): x, y, width, height; zeros when empty.</summary>
    public (int X, int Y, int Width, int Height) Bounds()
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        var p = 0L;
        for (var i = 0; i < Counts.Count; i++)
        {
            var n = Counts[i];
            if (i % 2 == 1 && n > 0)
            {
                var (x0, y0) = ((int)(p / Height), (int)(p % Height));
                var (x1, y1) = ((int)((p + n - 1) / Height), (int)((p + n - 1) % Height));
                minX = Math.Min(minX, x0);
                maxX = Math.Max(maxX, x1);
                // A run over two or more columns covers the top of the later one and the bottom of the first.
                minY = Math.Min(minY, x1 > x0 ? 0 : y0);
                maxY = Math.Max(maxY, x1 > x0 ? Height - 1 : y1);
            }

            p += n;
        }

        return maxX < 0 ? (0, 0, 0, 0) : (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /// <summary>Intersection over union of two masks of one size; 1 when both are empty.</summary>
    public static double IoU(MaskRle a, MaskRle b)
    {
        var (inter, union) = Overlap(a, b);
        return union == 0 ? 1 : (double)inter / union;
    }

    /// <summary>The pixels in either mask (of one size).</summary>
    public static MaskRle Union(MaskRle a, MaskRle b)
    {
        SameSize(a, b);
        var counts = new List<int>(a.Counts.Count + b.Counts.Count);
        var on = false;
        var run = 0;
        Walk(a, b, (n, inA, inB) =>
        {
            if ((inA || inB) != on)
            {
                counts.Add(run);
                run = 0;
                on = !on;
            }

            run += n;
        });
        counts.Add(run);
        return new MaskRle(a.Height, a.Width, [.. counts]);
    }

    /// <summary>Pixels in both masks and in either.</summary>
    public static (long Intersection, long Union) Overlap(MaskRle a, MaskRle b)
    {
        SameSize(a, b);
        long inter = 0, union = 0;
        Walk(a, b, (n, inA, inB) =>
        {
            inter += inA && inB ? n : 0;
            union += inA || inB ? n : 0;
        });
        return (inter, union);
    }

    private static void SameSize(MaskRle a, MaskRle b)
    {
        if (a.Height != b.Height || a.Width != b.Width)
        {
            throw new ArgumentException($"Masks of {a.Height}×{a.Width} and {b.Height}×{b.Width} cannot be compared.", nameof(b));
        }
    }

    // Visits the pieces where neither mask changes, in order: their length and whether each covers them.
    private static void Walk(MaskRle a, MaskRle b, Action<int, bool, bool> piece)
    {
        int i = 0, j = 0;
        var ra = a.Counts.Count > 0 ? a.Counts[0] : 0;
        var rb = b.Counts.Count > 0 ? b.Counts[0] : 0;
        while (i < a.Counts.Count && j < b.Counts.Count)
        {
            var n = Math.Min(ra, rb);
            if (n > 0)
            {
                piece(n, i % 2 == 1, j % 2 == 1);
            }

            ra -= n;
            rb -= n;
            while (ra == 0 && ++i < a.Counts.Count)
            {
                ra = a.Counts[i];
            }

            while (rb == 0 && ++j < b.Counts.Count)
            {
                rb = b.Counts[j];
            }
        }
    }
}
