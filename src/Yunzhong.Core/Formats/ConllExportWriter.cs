namespace Yunzhong.Core.Formats;

/// <summary>
/// CoNLL-2003-style BIO lines (<c>token&lt;TAB&gt;tag</c>) for the schema's first spans control,
/// one block per exported annotation, blank lines between sentences and between blocks. Tasks
/// without an exported annotation are left out.
/// </summary>
/// <remarks>
/// Tokens: every Han character, hiragana and katakana is its own token; other letters, digits and
/// marks run together into words split at whitespace; every punctuation or symbol character
/// (emoji included) is its own token. A sentence ends after 。！？ and after . ! ? followed by
/// whitespace or the end, and at a line break. A token is in a span when they overlap. Spans are
/// taken by start, longer first; a span that would share a token with one already taken is
/// dropped whole, so the outermost (then the first) of overlapping spans wins.
/// </remarks>
internal sealed class ConllExportWriter : ExportWriter
{
    private readonly SchemaView.Control? _control;
    private readonly bool _html;
    private readonly StringBuilder _text = new();

    public ConllExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        _control = schema.Controls.FirstOrDefault(c => c.Type == "spans");
        _html = _control is not null && schema.Fields.Any(f => f.Name == _control.Field && f.Type == "html");
    }

    public override ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        if (_control is null)
        {
            return ValueTask.CompletedTask;
        }

        string? text = null;
        List<Token>? tokens = null;
        foreach (var a in Selected(task))
        {
            if (text is null)
            {
                using var data = TryParse(task.DataJson, task.Id, null);
                if (data is null)
                {
                    return ValueTask.CompletedTask;
                }

                text = LabelStudioResults.FieldString(data.RootElement, _control.Field);
                if (text is null)
                {
                    AddProblem(task.Id, null, $"the task has no text field '{_control.Field}'");
                    return ValueTask.CompletedTask;
                }

                // Spans over HTML count its text content: the tokens are of that, not of the markup.
                if (_html)
                {
                    text = Schema.HtmlText.TextOf(text);
                }

                tokens = Tokenize(text);
            }

            var tags = new string?[tokens!.Count];
            using (var result = TryParse(a.ResultJson, task.Id, a.Id))
            {
                if (result is null)
                {
                    continue;
                }

                Tag(tokens, tags, SpansOf(result.RootElement, _control.Name));
            }

            _text.Clear();
            for (var i = 0; i < tokens.Count; i++)
            {
                _text.Append(tokens[i].Text).Append('\t').Append(tags[i] ?? "O").Append('\n');
                if (tokens[i].EndsSentence && i + 1 < tokens.Count)
                {
                    _text.Append('\n');
                }
            }

            _text.Append('\n');
            WriteText(_text.ToString());
        }

        return FlushIfFullAsync(ct);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }

    internal readonly record struct Token(string Text, int Start, int End, bool EndsSentence);

    private static List<(int Start, int End, string Label)> SpansOf(JsonElement result, string control)
    {
        var spans = new List<(int, int, string)>();
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty(control, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in list.EnumerateArray())
            {
                if (s.TryGetProperty("start", out var start) && start.TryGetInt32(out var st)
                    && s.TryGetProperty("end", out var end) && end.TryGetInt32(out var en)
                    && s.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String)
                {
                    spans.Add((st, en, label.GetString()!));
                }
            }
        }

        return spans;
    }

    internal static void Tag(List<Token> tokens, string?[] tags, List<(int Start, int End, string Label)> spans)
    {
        foreach (var span in spans.OrderBy(s => s.Start).ThenByDescending(s => s.End))
        {
            int first = -1, last = -1;
            var free = true;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Start < span.End && tokens[i].End > span.Start)
                {
                    if (tags[i] is not null)
                    {
                        free = false;
                        break;
                    }

                    if (first < 0)
                    {
                        first = i;
                    }

                    last = i;
                }
            }

            if (!free || first < 0)
            {
                continue;
            }

            tags[first] = "B-" + span.Label;
            for (var i = first + 1; i <= last; i++)
            {
                tags[i] = "I-" + span.Label;
            }
        }
    }

    /// <summary>Splits text into tokens with code point offsets.</summary>
    internal static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var runes = text.EnumerateRunes().ToArray();
        var wordStart = -1;
        var utf16 = 0;
        var wordUtf16 = 0;
        var offsets = new int[runes.Length + 1];
        for (var i = 0; i < runes.Length; i++)
        {
            offsets[i] = utf16;
            utf16 += runes[i].Utf16SequenceLength;
        }

        offsets[runes.Length] = utf16;

        void EndWord(int end)
        {
            if (wordStart >= 0)
            {
                tokens.Add(new Token(text[wordUtf16..offsets[end]], wordStart, end, false));
                wordStart = -1;
            }
        }

        for (var i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            if (Rune.IsWhiteSpace(r))
            {
                EndWord(i);
                if (r.Value == '\n' && tokens.Count > 0)
                {
                    tokens[^1] = tokens[^1] with { EndsSentence = true };
                }

                continue;
            }

            if (IsCjk(r) || Rune.IsPunctuation(r) || Rune.IsSymbol(r))
            {
                EndWord(i);
                var ends = r.Value is '。' or '！' or '？'
                    || (r.Value is '.' or '!' or '?' && (i + 1 == runes.Length || Rune.IsWhiteSpace(runes[i + 1])));
                tokens.Add(new Token(r.ToString(), i, i + 1, ends));
                continue;
            }

            if (wordStart < 0)
            {
                wordStart = i;
                wordUtf16 = offsets[i];
            }
        }

        EndWord(runes.Length);
        return tokens;
    }

    private static bool IsCjk(Rune r) => r.Value switch
    {
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0x3400 and <= 0x4DBF => true,   // extension A
        >= 0x20000 and <= 0x323AF => true, // extensions B and later
        >= 0xF900 and <= 0xFAFF => true,   // compatibility ideographs
        >= 0x3040 and <= 0x30FF => true,   // hiragana, katakana
        _ => false,
    };
}
