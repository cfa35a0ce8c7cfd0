namespace Yunzhong.Core.Compute;

/// <summary>A stretch of speech found by a voice activity detector.</summary>
/// <param name="Start">Start, seconds.</param>
/// <param name="End">End, seconds.</param>
/// <param name="Score">Mean speech probability over the stretch.</param>
public sealed record SpeechSegment(double Start, double End, double Score);

/// <summary>
/// Turns a voice activity detector's speech probability per frame into segments, with Silero VAD's
/// own rules (its <c>get_speech_timestamps</c>): speech starts above the threshold, ends after a
/// silence below threshold − 0.15 that lasts at least the minimum silence, segments shorter than
/// the minimum speech are dropped, and each kept one is padded on both sides without overlapping
/// its neighbours.
/// </summary>
public static class VadSegments
{
    /// <summary>Speech probabilities of consecutive frames of <paramref name="frameSeconds"/> each → segments.</summary>
    public static IReadOnlyList<SpeechSegment> From(
        ReadOnlySpan<float> probabilities, double frameSeconds, double durationSeconds,
        float threshold = 0.5f, double minSpeechSeconds = 0.25, double minSilenceSeconds = 0.1, double padSeconds = 0.03)
    {
        var negative = Math.Max(threshold - 0.15f, 0.01f);
        var raw = new List<(int Start, int End, double Sum)>();
        var inSpeech = false;
        int start = 0, silenceSince = -1;
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (inSpeech)
            {
                sum += p;
            }
            if (p >= threshold)
            {
                silenceSince = -1;
                if (!inSpeech)
                {
                    inSpeech = true;
                    start = i;
                    sum = p;
                }
                continue;
            }
            if (inSpeech && p < negative)
            {
                if (silenceSince < 0)
                {
                    silenceSince = i;
                }
                if ((i + 1 - silenceSince) * frameSeconds >= minSilenceSeconds)
                {
                    raw.Add((start, silenceSince, sum - Tail(probabilities, silenceSince, i)));
                    inSpeech = false;
                    silenceSince = -1;
                }
            }
        }
        if (inSpeech)
        {
            raw.Add((start, probabilities.Length, sum));
        }

        var kept = raw.Where(r => (r.End - r.Start) * frameSeconds >= minSpeechSeconds).ToList();
        var segments = new List<SpeechSegment>(kept.Count);
        for (var k = 0; k < kept.Count; k++)
        {
            var (s, e, total) = kept[k];
            var from = s * frameSeconds - padSeconds;
            var to = e * frameSeconds + padSeconds;
            if (k > 0)
            {
                // Split the gap between neighbours when padding would make them overlap.
                var prevEnd = kept[k - 1].End * frameSeconds;
                var gap = s * frameSeconds - prevEnd;
                if (gap < 2 * padSeconds)
                {
                    from = s * frameSeconds - gap / 2;
                }
            }
            if (k + 1 < kept.Count)
            {
                var gap = kept[k + 1].Start * frameSeconds - e * frameSeconds;
                if (gap < 2 * padSeconds)
                {
                    to = e * frameSeconds + gap / 2;
                }
            }
            from = Math.Max(0, from);
            to = Math.Min(durationSeconds, to);
            if (to > from)
            {
                segments.Add(new(Math.Round(from, 3), Math.Round(to, 3), Math.Round(total / Math.Max(1, e - s), 4)));
            }
        }
        return segments;
    }

    private static double Tail(ReadOnlySpan<float> p, int from, int to)
    {
        double t = 0;
        for (var i = from; i <= to; i++)
        {
            t += p[i];
        }
        return t;
    }
}
