using System.Collections.Frozen;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Yunzhong.Core.Schema;

/// <summary>
/// The text content of an <c>html</c> field, over which spans count their offsets, and the map
/// between those offsets and Label Studio's ways of placing a range in HTML (an XPath to a text
/// node with an offset in it, and "global offsets").
/// </summary>
/// <remarks>
/// The HTML is parsed as an HTML5 parser parses a fragment set as the <c>innerHTML</c> of a
/// <c>&lt;div&gt;</c> (AngleSharp follows the same specification as the browser, so both build the
/// same tree: entities decoded, <c>\r\n</c> made <c>\n</c>, implied <c>&lt;tbody&gt;</c> added,
/// the newline after <c>&lt;pre&gt;</c> dropped). The text content is then every text node in
/// document order, with each <c>&lt;br&gt;</c> as one <c>\n</c>, leaving out what is inside the
/// elements the workbench never shows (<see cref="Dropped"/>: scripts, styles, embedded objects,
/// form fields, images, SVG and MathML). The workbench sanitises the HTML by the same list, so
/// what the annotator selects and what the server counts are one text. Offsets count code points.
/// </remarks>
public sealed class HtmlText
{
    /// <summary>
    /// Elements dropped with all their content. The browser's sanitiser (web/src/lib/html.ts) drops
    /// the same list; other elements are kept or unwrapped there, which leaves their text in place.
    /// </summary>
    public static readonly FrozenSet<string> Dropped = new[]
    {
        "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "frame", "frameset",
        "object", "embed", "applet", "param", "portal", "title", "head", "meta", "link", "base",
        "textarea", "select", "option", "optgroup", "datalist", "button", "input", "xmp", "plaintext",
        "img", "image", "picture", "source", "track", "video", "audio", "canvas", "map", "area", "svg", "math",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The deepest nesting of elements an <c>html</c> field may have: Chromium's HTML parser stops nesting
    /// at 512 and attaches deeper elements to the 512th, and parsers that follow the specification as
    /// written take time that grows with depth times elements (40,000 nested <c>&lt;div&gt;</c>s, 200 KB,
    /// took 18 s here), so deeper HTML is refused at import (<see cref="NestsTooDeep"/>).
    /// </summary>
    public const int MaxDepth = 512;

    // Elements that never hold others (void) or are closed by their next sibling (implied end tags):
    // they do not deepen the tree, so the scan does not count them.
    private static readonly FrozenSet<string> _flat = new[]
    {
        "area", "base", "br", "col", "embed", "hr", "img", "image", "input", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="html"/> nests elements deeper than <see cref="MaxDepth"/>, by a linear scan of
    /// its tags: a start tag opens (unless void or closed by its sibling), an end tag closes up to the element
    /// of its name when one is open and is ignored otherwise, as the parser does; comments and the content of
    /// <c>script</c>, <c>style</c>, <c>textarea</c> and <c>title</c> are skipped.
    /// </summary>
    public static bool NestsTooDeep(string html)
    {
        var open = new List<string>();
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && ++i < html.Length)
        {
            if (html.AsSpan(i).StartsWith("!--", StringComparison.Ordinal))
            {
                var end = html.IndexOf("-->", i + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                i = end + 3;
                continue;
            }

            var closing = html[i] == '/';
            var j = closing ? i + 1 : i;
            if (j >= html.Length || !char.IsAsciiLetter(html[j]))
            {
                continue;
            }

            var k = j;
            while (k < html.Length && (char.IsAsciiLetterOrDigit(html[k]) || html[k] == '-'))
            {
                k++;
            }

            var name = html[j..k].ToLowerInvariant();
            if (closing)
            {
                var at = open.LastIndexOf(name);
                if (at >= 0)
                {
                    open.RemoveRange(at, open.Count - at);
                }

                continue;
            }

            if (name is "script" or "style" or "textarea" or "title" or "xmp")
            {
                var end = html.IndexOf("</" + name, k, StringComparison.OrdinalIgnoreCase);
                if (end < 0)
                {
                    break;
                }

                i = end;
                continue;
            }

            if (!_flat.Contains(name))
            {
                open.Add(name);
                if (open.Count > MaxDepth)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static readonly HtmlParser _parser = new();

    private readonly List<Piece> _pieces;

    /// <summary>One text node or <c>&lt;br&gt;</c> of the tree, in document order.</summary>
    /// <param name="XPath">Its path from the fragment's root, as Label Studio writes it (<c>/p[2]/text()[1]</c>).</param>
    /// <param name="Start">Where it starts in <see cref="Text"/>, in code points; -1 when dropped.</param>
    /// <param name="LsStart">Where it starts in Label Studio's global offsets, which count every text node and each <c>&lt;br&gt;</c> as 1.</param>
    /// <param name="Length">Its length in code points (1 for a <c>&lt;br&gt;</c>).</param>
    /// <param name="IsBreak">Whether it is a <c>&lt;br&gt;</c>.</param>
    private readonly record struct Piece(string XPath, int Start, int LsStart, int Length, bool IsBreak);

    private HtmlText(string text, int length, List<Piece> pieces)
    {
        Text = text;
        Length = length;
        _pieces = pieces;
    }

    /// <summary>The text content: what spans over this HTML count and slice.</summary>
    public string Text { get; }

    /// <summary>The length of <see cref="Text"/> in code points.</summary>
    public int Length { get; }

    /// <summary>Parses <paramref name="html"/> and computes its text content.</summary>
    public static HtmlText Parse(string html)
    {
        var context = _parser.ParseDocument(string.Empty).CreateElement("div");
        var nodes = _parser.ParseFragment(html, context);
        var text = new StringBuilder(html.Length);
        var pieces = new List<Piece>();
        var start = 0;
        var lsStart = 0;
        Walk(nodes, text, pieces, ref start, ref lsStart);
        return new HtmlText(text.ToString(), start, pieces);
    }

    /// <summary>
    /// Only the text content of <paramref name="html"/> (what <see cref="Parse"/> gives as <see cref="Text"/>),
    /// without the paths and offsets Label Studio's form needs: what validating a submission asks.
    /// </summary>
    /// <remarks>On 6.5 KB of HTML (100 paragraphs), about 0.9 ms against 1.7 ms for <see cref="Parse"/>
    /// (2-core machine under heavy shared load, so both high): the parse itself is most of it.</remarks>
    public static string TextOf(string html)
    {
        var context = _parser.ParseDocument(string.Empty).CreateElement("div");
        var text = new StringBuilder(html.Length);
        AppendText(_parser.ParseFragment(html, context), text);
        return text.ToString();
    }

    // Both walks keep their own stack: HTML nests as deep as its author likes, and recursion that deep
    // would overflow the thread's stack (which takes the process down).
    private static void AppendText(INodeList root, StringBuilder text)
    {
        var stack = new Stack<(INodeList Nodes, int Next)>();
        stack.Push((root, 0));
        while (stack.TryPop(out var frame))
        {
            var (nodes, i) = frame;
            for (; i < nodes.Length; i++)
            {
                var node = nodes[i];
                if (node.NodeType == NodeType.Text)
                {
                    text.Append(node.TextContent);
                }
                else if (node is IElement e)
                {
                    var name = e.LocalName.ToLowerInvariant();
                    if (name == "br")
                    {
                        text.Append('\n');
                    }
                    else if (!Dropped.Contains(name) && node.HasChildNodes)
                    {
                        stack.Push((nodes, i + 1));
                        stack.Push((node.ChildNodes, 0));
                        break;
                    }
                }
            }
        }
    }

    private sealed class Level(INodeList nodes, string path, bool shown)
    {
        public INodeList Nodes { get; } = nodes;
        public string Path { get; } = path;
        public bool Shown { get; } = shown;
        public int Next { get; set; }
        public Dictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);
    }

    private static void Walk(INodeList root, StringBuilder text, List<Piece> pieces, ref int start, ref int lsStart)
    {
        var stack = new Stack<Level>();
        stack.Push(new Level(root, "", true));
        while (stack.TryPeek(out var level))
        {
            if (level.Next >= level.Nodes.Length)
            {
                stack.Pop();
                continue;
            }

            var node = level.Nodes[level.Next++];
            string step;
            if (node.NodeType == NodeType.Text)
            {
                step = "text()";
            }
            else if (node is IElement e)
            {
                step = e.LocalName.ToLowerInvariant();
            }
            else
            {
                continue; // comments, processing instructions: no text, no place in a path
            }

            var n = level.Seen[step] = level.Seen.GetValueOrDefault(step) + 1;
            var at = string.Create(CultureInfo.InvariantCulture, $"{level.Path}/{step}[{n}]");
            var shown = level.Shown;
            if (node.NodeType == NodeType.Text)
            {
                var data = node.TextContent;
                var length = CodePoints(data);
                pieces.Add(new Piece(at, shown ? start : -1, lsStart, length, false));
                lsStart += length;
                if (shown)
                {
                    text.Append(data);
                    start += length;
                }
            }
            else if (step == "br")
            {
                pieces.Add(new Piece(at, shown ? start : -1, lsStart, 1, true));
                lsStart++;
                if (shown)
                {
                    text.Append('\n');
                    start++;
                }
            }
            else if (node.HasChildNodes)
            {
                stack.Push(new Level(node.ChildNodes, at, shown && !Dropped.Contains(step)));
            }
        }
    }

    private static int CodePoints(string s)
    {
        var n = s.Length;
        for (var i = 0; i + 1 < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                n--;
                i++;
            }
        }

        return n;
    }

    /// <summary>A range as Label Studio writes it for <c>HyperTextLabels</c>.</summary>
    /// <param name="Start">XPath of the text node the range starts in.</param>
    /// <param name="StartOffset">Code points into that node.</param>
    /// <param name="End">XPath of the text node the range ends in.</param>
    /// <param name="EndOffset">Code points into that node.</param>
    /// <param name="GlobalStart">Label Studio's global offset of the start.</param>
    /// <param name="GlobalEnd">Label Studio's global offset of the end.</param>
    public readonly record struct LabelStudioRange(string Start, int StartOffset, string End, int EndOffset, int GlobalStart, int GlobalEnd);

    /// <summary>
    /// Places the span <paramref name="start"/>..<paramref name="end"/> (code points of <see cref="Text"/>)
    /// as Label Studio does: from the text node where it starts to the one where it ends. Null when the
    /// offsets do not fit the text.
    /// </summary>
    public LabelStudioRange? ToLabelStudio(int start, int end)
    {
        if (start < 0 || end <= start || end > Length)
        {
            return null;
        }

        Piece? first = null;
        Piece? last = null;
        foreach (var p in _pieces)
        {
            if (p.Start < 0)
            {
                continue;
            }

            // The first shown piece the start falls in (a text node is preferred to a <br> at the same place).
            if ((first is null || first.Value.IsBreak) && p.Start <= start && start < p.Start + p.Length
                && (first is null || !p.IsBreak))
            {
                first = p;
            }

            if (p.Start < end && end <= p.Start + p.Length && (last is null || !p.IsBreak || last.Value.IsBreak))
            {
                last = p;
            }
        }

        if (first is not { } f || last is not { } l)
        {
            return null;
        }

        var so = f.IsBreak ? 0 : start - f.Start;
        var eo = l.IsBreak ? 1 : end - l.Start;
        return new LabelStudioRange(f.XPath, so, l.XPath, eo, f.LsStart + (start - f.Start), l.LsStart + (end - l.Start));
    }

    /// <summary>
    /// The span (code points of <see cref="Text"/>) of a Label Studio range given by XPaths and offsets in
    /// code points. A path may name a text node (<c>/p[1]/text()[1]</c>) or an element, whose offset then
    /// counts over all the text inside it. Null when a path names nothing here, an offset falls outside
    /// its node, or the range lies in content the workbench does not show.
    /// </summary>
    public (int Start, int End)? FromLabelStudio(string startPath, int startOffset, string endPath, int endOffset)
    {
        var s = Resolve(startPath, startOffset);
        var e = Resolve(endPath, endOffset);
        return s is { } a && e is { } b && a < b ? (a, b) : null;
    }

    private int? Resolve(string path, int offset)
    {
        if (offset < 0)
        {
            return null;
        }

        path = path.Trim();
        foreach (var p in _pieces)
        {
            if (p.XPath == path)
            {
                return p.Start >= 0 && offset <= p.Length ? p.Start + (p.IsBreak ? Math.Min(offset, 1) : offset) : null;
            }
        }

        // An element: the offset counts the text of the nodes inside it.
        var prefix = path.TrimEnd('/') + "/";
        var left = offset;
        foreach (var p in _pieces)
        {
            if (!p.XPath.StartsWith(prefix, StringComparison.Ordinal) || p.IsBreak)
            {
                continue;
            }

            if (left <= p.Length)
            {
                return p.Start >= 0 ? p.Start + left : null;
            }

            left -= p.Length;
        }

        return null;
    }

    /// <summary>The span (code points of <see cref="Text"/>) at Label Studio's global offsets; null when they fall outside the shown text.</summary>
    public (int Start, int End)? FromGlobalOffsets(int globalStart, int globalEnd)
    {
        int? s = null;
        int? e = null;
        foreach (var p in _pieces)
        {
            if (p.Start < 0)
            {
                continue;
            }

            if (s is null && p.LsStart <= globalStart && globalStart < p.LsStart + p.Length)
            {
                s = p.Start + (globalStart - p.LsStart);
            }

            if (p.LsStart < globalEnd && globalEnd <= p.LsStart + p.Length)
            {
                e = p.Start + (globalEnd - p.LsStart);
            }
        }

        return s is { } a && e is { } b && a < b ? (a, b) : null;
    }

    /// <summary>The slice of <see cref="Text"/> from <paramref name="start"/> to <paramref name="end"/> in code points.</summary>
    public string Slice(int start, int end)
    {
        var from = LabelStudioResults.CodePointToUtf16(Text, start);
        var to = LabelStudioResults.CodePointToUtf16(Text, end);
        return from < 0 || to < 0 || to < from ? "" : Text[from..to];
    }
}
