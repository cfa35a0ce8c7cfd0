namespace Yunzhong.Core.Quality;

/// <summary>One categorical answer with question, worker and label interned to dense indices.</summary>
public readonly record struct CategoricalAnswer(int Question, int Worker, int Label);

/// <summary>
/// Categorical crowd answers with question, worker and label strings interned once to dense
/// integers, so inference loops run over flat arrays. Answers are stored grouped by question
/// (<see cref="QuestionStart"/> gives each question's slice). Labels are sorted in ordinal string
/// order, so "smallest label index" and "smallest label" are the same thing in tie rules.
/// </summary>
public sealed class AnswerSet
{
    private AnswerSet(
        string[] questions, string[] workers, string[] labels, CategoricalAnswer[] answers,
        int[] questionStart, int[] gold)
    {
        Questions = questions;
        Workers = workers;
        Labels = labels;
        Answers = answers;
        QuestionStart = questionStart;
        Gold = gold;
    }

    /// <summary>Question ids in first-seen order; index = question number.</summary>
    public IReadOnlyList<string> Questions { get; }

    /// <summary>Worker ids in first-seen order; index = worker number.</summary>
    public IReadOnlyList<string> Workers { get; }

    /// <summary>Labels in ordinal string order; index = label number.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>All answers, grouped by question in question order.</summary>
    public CategoricalAnswer[] Answers { get; }

    /// <summary>Offsets into <see cref="Answers"/>: question q's answers are [QuestionStart[q], QuestionStart[q+1]).</summary>
    public int[] QuestionStart { get; }

    /// <summary>Gold (known) label per question, or -1 when the question has none.</summary>
    public int[] Gold { get; }

    /// <summary>Number of questions.</summary>
    public int QuestionCount => Questions.Count;

    /// <summary>Number of workers.</summary>
    public int WorkerCount => Workers.Count;

    /// <summary>Number of labels (classes).</summary>
    public int LabelCount => Labels.Count;

    /// <summary>True when at least one question has a gold label.</summary>
    public bool HasGold => Array.Exists(Gold, g => g >= 0);

    /// <summary>
    /// Builds a set from string triples. Gold answers for questions nobody answered are ignored;
    /// gold labels nobody gave are added to the label set, as are <paramref name="extraLabels"/>
    /// (e.g. the schema's options, so a class no worker chose still counts).
    /// </summary>
    public static AnswerSet Create(
        IEnumerable<(string Question, string Worker, string Answer)> answers,
        IEnumerable<KeyValuePair<string, string>>? gold = null,
        IEnumerable<string>? extraLabels = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var questionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var workerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var questions = new List<string>();
        var workers = new List<string>();
        var labels = new List<string>();
        var raw = new List<CategoricalAnswer>();
        foreach (var (q, w, a) in answers)
        {
            ArgumentNullException.ThrowIfNull(q);
            ArgumentNullException.ThrowIfNull(w);
            ArgumentNullException.ThrowIfNull(a);
            raw.Add(new(Intern(questionIndex, questions, q), Intern(workerIndex, workers, w), Intern(labelIndex, labels, a)));
        }

        var goldRaw = new List<(int Question, int Label)>();
        if (gold is not null)
        {
            foreach (var (q, label) in gold)
            {
                if (questionIndex.TryGetValue(q, out var qi))
                {
                    goldRaw.Add((qi, Intern(labelIndex, labels, label)));
                }
            }
        }
        if (extraLabels is not null)
        {
            foreach (var label in extraLabels)
            {
                Intern(labelIndex, labels, label);
            }
        }

        // Relabel so label indices follow ordinal string order.
        var sorted = labels.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var remap = new int[labels.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            remap[labelIndex[sorted[i]]] = i;
        }

        // Counting sort by question keeps each question's answers contiguous and in input order.
        var start = new int[questions.Count + 1];
        foreach (var a in raw)
        {
            start[a.Question + 1]++;
        }
        for (var q = 0; q < questions.Count; q++)
        {
            start[q + 1] += start[q];
        }
        var fill = (int[])start.Clone();
        var grouped = new CategoricalAnswer[raw.Count];
        foreach (var a in raw)
        {
            grouped[fill[a.Question]++] = a with { Label = remap[a.Label] };
        }

        var goldArray = new int[questions.Count];
        Array.Fill(goldArray, -1);
        foreach (var (q, label) in goldRaw)
        {
            goldArray[q] = remap[label];
        }
        return new AnswerSet(questions.ToArray(), workers.ToArray(), sorted, grouped, start, goldArray);
    }

    /// <summary>
    /// A set over the same questions, workers and labels holding only the given answers
    /// (which must use this set's indices); used to replay partial data.
    /// </summary>
    public AnswerSet Subset(IEnumerable<CategoricalAnswer> answers)
    {
        var list = answers.ToList();
        var start = new int[QuestionCount + 1];
        foreach (var a in list)
        {
            start[a.Question + 1]++;
        }
        for (var q = 0; q < QuestionCount; q++)
        {
            start[q + 1] += start[q];
        }
        var fill = (int[])start.Clone();
        var grouped = new CategoricalAnswer[list.Count];
        foreach (var a in list)
        {
            grouped[fill[a.Question]++] = a;
        }
        return new AnswerSet((string[])Questions, (string[])Workers, (string[])Labels, grouped, start, Gold);
    }

    /// <summary>The same answers with another gold array (same length, -1 = none); shares the answer arrays.</summary>
    internal AnswerSet WithGold(int[] gold) =>
        new((string[])Questions, (string[])Workers, (string[])Labels, Answers, QuestionStart, gold);

    private static int Intern(Dictionary<string, int> index, List<string> names, string name)
    {
        if (!index.TryGetValue(name, out var i))
        {
            i = names.Count;
            index.Add(name, i);
            names.Add(name);
        }
        return i;
    }
}
