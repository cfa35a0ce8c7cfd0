namespace Yunzhong.Core.Compute;

/// <summary>An axis-aligned box of text found in an image, in pixels of the image.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
/// <param name="Score">Mean text probability inside the box's region.</param>
public sealed record TextBox(int X, int Y, int Width, int Height, double Score);

/// <summary>
/// The pure halves of PaddleOCR's pipeline: turning the detector's probability map into boxes (the
/// DB post-process, simplified to axis-aligned boxes) and the recogniser's per-step class
/// probabilities into text (greedy CTC decoding).
/// </summary>
public static class OcrDecode
{
    /// <summary>
    /// Boxes of the connected regions of <paramref name="map"/> (row-major, <paramref name="width"/> ×
    /// <paramref name="height"/>) above <paramref name="threshold"/>, kept when their mean probability
    /// reaches <paramref name="boxThreshold"/>, grown by PaddleOCR's unclip rule (area × ratio ÷ perimeter
    /// on each side, the detector draws text regions shrunk) and scaled by <paramref name="scaleX"/>,
    /// <paramref name="scaleY"/> to the original image, clipped to <paramref name="imageWidth"/> × <paramref name="imageHeight"/>.
    /// Ordered top to bottom, then left to right.
    /// </summary>
    public static IReadOnlyList<TextBox> Boxes(
        ReadOnlySpan<float> map, int width, int height, double scaleX, double scaleY, int imageWidth, int imageHeight,
        float threshold = 0.3f, double boxThreshold = 0.6, double unclipRatio = 1.5, int minSide = 3)
    {
        var label = new int[width * height];
        var stack = new Stack<int>();
        var boxes = new List<TextBox>();
        var next = 0;
        for (var start = 0; start < label.Length; start++)
        {
            if (label[start] != 0 || map[start] <= threshold)
            {
                continue;
            }
            next++;
            int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
            double sum = 0;
            label[start] = next;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var at = stack.Pop();
                int x = at % width, y = at / width;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
                sum += map[at];
                count++;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if ((dx | dy) == 0 || nx < 0 || ny < 0 || nx >= width || ny >= height)
                        {
                            continue;
                        }
                        var n = ny * width + nx;
                        if (label[n] == 0 && map[n] > threshold)
                        {
                            label[n] = next;
                            stack.Push(n);
                        }
                    }
                }
            }

            int w = maxX - minX + 1, h = maxY - minY + 1;
            var score = sum / count;
            if (Math.Min(w, h) < minSide || score < boxThreshold)
            {
                continue;
            }
            var grow = w * h * unclipRatio / (2.0 * (w + h));
            var left = Math.Clamp((minX - grow) * scaleX, 0, imageWidth);
            var top = Math.Clamp((minY - grow) * scaleY, 0, imageHeight);
            var right = Math.Clamp((maxX + 1 + grow) * scaleX, 0, imageWidth);
            var bottom = Math.Clamp((maxY + 1 + grow) * scaleY, 0, imageHeight);
            var box = new TextBox((int)Math.Round(left), (int)Math.Round(top), (int)Math.Round(right - left), (int)Math.Round(bottom - top), Math.Round(score, 4));
            if (box.Width > 0 && box.Height > 0)
            {
                boxes.Add(box);
            }
        }

        // Reading order: lines by their top (boxes within half a line height are one line), then left to right.
        boxes.Sort((a, b) => Math.Abs(a.Y - b.Y) * 2 < Math.Min(a.Height, b.Height) ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        return boxes;
    }

    /// <summary>
    /// Greedy CTC decoding of <paramref name="steps"/> × <paramref name="classes"/> probabilities
    /// (row-major): the best class per step, repeats collapsed, class 0 (blank) dropped, class k read
    /// as <paramref name="alphabet"/>[k − 1]. The score is the mean probability of the kept steps.
    /// </summary>
    public static (string Text, double Score) Ctc(ReadOnlySpan<float> probabilities, int steps, int classes, IReadOnlyList<string> alphabet)
    {
        var sb = new StringBuilder();
        double sum = 0;
        var kept = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            if (best != 0 && best != previous && best - 1 < alphabet.Count)
            {
                sb.Append(alphabet[best - 1]);
                sum += row[best];
                kept++;
            }
            previous = best;
        }
        return (sb.ToString(), kept > 0 ? Math.Round(sum / kept, 4) : 0);
    }
}
