namespace Yunzhong.Core.Quality;

/// <summary>Truth-inference methods for categorical answers.</summary>
public enum TruthMethod
{
    /// <summary>Most votes; ties go to the smallest label in ordinal string order.</summary>
    MajorityVote,

    /// <summary>Worker agreement with aggregate: majority vote weighted by agreement with majority vote.</summary>
    Wawa,

    /// <summary>Zero-based skill: iteratively re-weighted majority vote.</summary>
    ZeroBasedSkill,

    /// <summary>Dawid–Skene with a full confusion matrix per worker (maximum likelihood EM).</summary>
    DawidSkene,

    /// <summary>Dawid–Skene with one accuracy per worker.</summary>
    OneCoinDawidSkene,

    /// <summary>GLAD: worker ability and question difficulty.</summary>
    Glad,

    /// <summary>MACE: competence and spamming behaviour per worker.</summary>
    Mace,

    /// <summary>
    /// Bayesian Dawid–Skene: full confusion matrices with Dirichlet priors that favour the diagonal a
    /// little, MAP EM (see docs/quality.md). The default until it lost to plain DS on a large,
    /// sparse, unbalanced set; now one of <see cref="Auto"/>'s candidates.
    /// </summary>
    BayesianDawidSkene,

    /// <summary>
    /// Log-linear worker-and-question confusion model in the spirit of regularised minimax
    /// conditional entropy: models hard and ambiguous questions as well as worker confusions.
    /// Best on data where every question has many answers; costs about K² times DS.
    /// </summary>
    LogLinearConfusion,

    /// <summary>
    /// Hierarchical Bayesian Dawid–Skene (IBCC-style variational Bayes): confusion rows drawn from a
    /// crowd-wide Dirichlet whose parameters are learned from the data (see docs/quality.md).
    /// </summary>
    HierarchicalDawidSkene,

    /// <summary>
    /// Dawid–Skene with quasi-symmetric confusions: a worker's answer leaning times a symmetric
    /// class likeness, so confusing a with b and b with a share one parameter (see docs/quality.md).
    /// </summary>
    QuasiSymmetricDawidSkene,

    /// <summary>
    /// The default: plain Dawid–Skene unless the project's gold, hidden fold by fold, shows Bayesian
    /// DS, one-coin DS, hierarchical DS or majority vote clearly more accurate (see
    /// <see cref="TruthInference.Choose"/> and docs/quality.md).
    /// </summary>
    Auto,
}

/// <summary>Entry point for categorical truth inference.</summary>
public static class TruthInference
{
    /// <summary>Gold questions (with answers) needed before <see cref="TruthMethod.Auto"/> lets gold pick a method other than DS.</summary>
    public const int AutoMinGold = 20;

    /// <summary>The method used when none is named.</summary>
    public const TruthMethod DefaultMethod = TruthMethod.Auto;

    private static readonly (string Name, TruthMethod Method)[] _names =
    [
        ("mv", TruthMethod.MajorityVote),
        ("wawa", TruthMethod.Wawa),
        ("zbs", TruthMethod.ZeroBasedSkill),
        ("ds", TruthMethod.DawidSkene),
        ("onecoin", TruthMethod.OneCoinDawidSkene),
        ("glad", TruthMethod.Glad),
        ("mace", TruthMethod.Mace),
        ("bds", TruthMethod.BayesianDawidSkene),
        ("llc", TruthMethod.LogLinearConfusion),
        ("hds", TruthMethod.HierarchicalDawidSkene),
        ("qsds", TruthMethod.QuasiSymmetricDawidSkene),
        ("auto", TruthMethod.Auto),
    ];

    /// <summary>Short names as used by the CLI and API (mv, wawa, zbs, ds, onecoin, glad, mace, bds, llc, hds, qsds, auto).</summary>
    public static IReadOnlyList<string> MethodNames { get; } = _names.Select(n => n.Name).ToArray();

    /// <summary>Parses a short name (case-insensitive).</summary>
    public static bool TryParseMethod(string name, out TruthMethod method)
    {
        foreach (var (n, m) in _names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                method = m;
                return true;
            }
        }
        method = default;
        return false;
    }

    /// <summary>The short name of a method.</summary>
    public static string NameOf(TruthMethod method) =>
        _names.First(n => n.Method == method).Name;

    /// <summary>
    /// Infers the true label of every question in <paramref name="data"/>. Gold labels in the set
    /// are kept as the answer for their questions and used to estimate worker skills. With
    /// <see cref="TruthMethod.Auto"/> the result's <see cref="TruthResult.Method"/> is the method chosen.
    /// </summary>
    public static TruthResult Infer(AnswerSet data, TruthMethod method = DefaultMethod)
    {
        ArgumentNullException.ThrowIfNull(data);
        return method switch
        {
            TruthMethod.MajorityVote => VoteMethods.MajorityVote(data),
            TruthMethod.Wawa => VoteMethods.Wawa(data),
            TruthMethod.ZeroBasedSkill => VoteMethods.ZeroBasedSkill(data),
            TruthMethod.DawidSkene => DawidSkene.Run(data, new DawidSkeneOptions(), method),
            TruthMethod.OneCoinDawidSkene => DawidSkene.Run(data, new DawidSkeneOptions { OneCoin = true }, method),
            TruthMethod.Glad => Glad.Run(data),
            TruthMethod.Mace => Mace.Run(data),
            TruthMethod.BayesianDawidSkene => DawidSkene.Run(data, BayesianOptions, method),
            TruthMethod.LogLinearConfusion => LogLinearConfusion.Run(data),
            TruthMethod.HierarchicalDawidSkene => HierarchicalDawidSkene.Run(data),
            TruthMethod.QuasiSymmetricDawidSkene => QuasiSymmetricDawidSkene.Run(data),
            TruthMethod.Auto => Infer(data, Choose(data).Method),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    /// <summary>
    /// Chooses the method <see cref="TruthMethod.Auto"/> uses on <paramref name="data"/>. Without
    /// at least <see cref="AutoMinGold"/> gold questions that have answers it is plain Dawid–Skene:
    /// held-out answer likelihood was measured as a guide and misled (it prefers posteriors that
    /// collapse onto the common class when many workers are lazy, and majority vote on face; see
    /// docs/benchmarks.md). With enough gold, each candidate (DS, bds, one-coin, hds, MV) is fitted
    /// with a fold of the gold hidden (five folds, two above 100,000 answers) and scored on those
    /// questions; a candidate replaces DS only when it gets more right by more than two standard
    /// errors of the paired per-question difference. Deterministic: folds come from a fixed hash of
    /// question indices.
    /// </summary>
    public static TruthChoice Choose(AnswerSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return TruthSelection.Choose(data);
    }

    /// <summary>
    /// Bayesian Dawid–Skene: each confusion row gets a Dirichlet prior with one pseudo-answer on the
    /// diagonal (workers are a little better than chance until their answers say otherwise) and the
    /// class prior one pseudo-question per class. Chosen over pooled-confusion and MACE-initialised
    /// variants because it was never worse than plain Dawid–Skene on the benchmark sets and costs
    /// the same; see docs/quality.md.
    /// </summary>
    internal static DawidSkeneOptions BayesianOptions { get; } = new() { Diagonal = 1, PriorSmoothing = 1 };
}
