namespace Yunzhong.Core.Quality;

/// <summary>What decided an automatic choice of truth-inference method.</summary>
public enum TruthEvidence
{
    /// <summary>
    /// Fewer gold questions with answers than <see cref="TruthInference.AutoMinGold"/>: plain
    /// Dawid–Skene, because nothing without gold tells reliably which method is more accurate.
    /// </summary>
    TooLittleGold,

    /// <summary>With gold hidden, no candidate got clearly more gold questions right than Dawid–Skene, so DS was kept.</summary>
    DawidSkeneNotBeaten,

    /// <summary>With gold hidden, the chosen candidate got clearly more gold questions right than Dawid–Skene.</summary>
    Gold,
}

/// <summary>How one candidate did in an automatic choice.</summary>
/// <param name="Method">The candidate.</param>
/// <param name="GoldCorrect">Hidden gold questions it inferred right, or null when gold was not used.</param>
public sealed record TruthCandidateScore(TruthMethod Method, int? GoldCorrect);

/// <summary>The outcome of <see cref="TruthInference.Choose"/>.</summary>
/// <param name="Method">The method chosen (never <see cref="TruthMethod.Auto"/>).</param>
/// <param name="Evidence">What decided it.</param>
/// <param name="Candidates">Every candidate, Dawid–Skene first.</param>
/// <param name="GoldQuestions">Gold questions hidden and scored (0 when gold was not used).</param>
/// <param name="Fits">Model fits the choice cost, not counting the final fit of the chosen method.</param>
public sealed record TruthChoice(
    TruthMethod Method, TruthEvidence Evidence, IReadOnlyList<TruthCandidateScore> Candidates, int GoldQuestions, int Fits);

/// <summary>
/// The automatic choice behind <see cref="TruthMethod.Auto"/>: plain Dawid–Skene unless hidden
/// gold shows another candidate clearly more accurate. See docs/quality.md ("auto").
/// </summary>
internal static class TruthSelection
{
    /// <summary>Candidates in tie order; DS first because it is the fallback.</summary>
    internal static readonly TruthMethod[] Candidates =
    [
        TruthMethod.DawidSkene,
        TruthMethod.BayesianDawidSkene,
        TruthMethod.OneCoinDawidSkene,
        TruthMethod.HierarchicalDawidSkene,
        TruthMethod.MajorityVote,
    ];

    /// <summary>A candidate must beat DS by this many standard errors of the paired difference.</summary>
    internal const double Margin = 2;

    public static TruthChoice Choose(AnswerSet data)
    {
        var n = Candidates.Length;
        var goldQuestions = new List<int>();
        for (var q = 0; q < data.QuestionCount; q++)
        {
            if (data.Gold[q] >= 0 && data.QuestionStart[q + 1] > data.QuestionStart[q]) goldQuestions.Add(q);
        }
        if (goldQuestions.Count < TruthInference.AutoMinGold || data.LabelCount < 2)
        {
            return new TruthChoice(TruthMethod.DawidSkene, TruthEvidence.TooLittleGold,
                Candidates.Select(m => new TruthCandidateScore(m, null)).ToArray(), 0, 0);
        }

        // Hide one fold of gold questions at a time (fold = fixed hash of the question index, so the
        // same input always gives the same folds), fit every candidate on all answers plus the
        // rest of the gold, and score it on the hidden questions. Large sets use two folds: each
        // fold costs one fit per candidate, and half the gold hidden is still plenty to judge by.
        var folds = data.Answers.Length > 100_000 ? 2 : 5;
        var right = new double[n][];
        for (var c = 0; c < n; c++) right[c] = new double[data.QuestionCount];
        var hiddenAll = new bool[data.QuestionCount];
        var fits = 0;
        for (var f = 0; f < folds; f++)
        {
            var gold = (int[])data.Gold.Clone();
            var hidden = goldQuestions.Where(q => (int)(Mix((ulong)q) % (ulong)folds) == f).ToArray();
            if (hidden.Length == 0) continue;
            foreach (var q in hidden) gold[q] = -1;
            var hiddenSet = data.WithGold(gold);
            for (var c = 0; c < n; c++)
            {
                var r = TruthInference.Infer(hiddenSet, Candidates[c]);
                fits++;
                foreach (var q in hidden) right[c][q] = r.Truth[q] == data.Gold[q] ? 1 : 0;
            }
            foreach (var q in hidden) hiddenAll[q] = true;
        }
        var correct = right.Select(r => r.Sum()).ToArray();
        var best = Better(right, hiddenAll, correct);
        var scores = new TruthCandidateScore[n];
        for (var c = 0; c < n; c++) scores[c] = new(Candidates[c], (int)correct[c]);
        return new TruthChoice(Candidates[best], best > 0 ? TruthEvidence.Gold : TruthEvidence.DawidSkeneNotBeaten,
            scores, goldQuestions.Count, fits);
    }

    /// <summary>
    /// Index of the highest-scoring candidate among those that beat candidate 0 by more than
    /// <see cref="Margin"/> standard errors of the paired per-question difference (higher is
    /// better); 0 when none does. Ties keep the earlier candidate.
    /// </summary>
    internal static int Better(double[][] perQuestion, bool[] used, double[] totals)
    {
        var best = 0;
        for (var c = 1; c < perQuestion.Length; c++)
        {
            double sum = 0, sumSq = 0;
            var m = 0;
            for (var q = 0; q < used.Length; q++)
            {
                if (!used[q]) continue;
                var d = perQuestion[c][q] - perQuestion[0][q];
                sum += d;
                sumSq += d * d;
                m++;
            }
            if (m < 2 || sum <= 0) continue;
            // Standard error of the summed difference: sqrt(m · sample variance of d).
            var variance = (sumSq - sum * sum / m) / (m - 1);
            if (sum > Margin * Math.Sqrt(m * Math.Max(variance, 0)) && totals[c] > totals[best]) best = c;
        }
        return best;
    }

    /// <summary>SplitMix64 finaliser: a fixed, platform-independent hash for fold assignment.</summary>
    internal static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
