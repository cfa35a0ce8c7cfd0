namespace Yunzhong.Core.Formats;

/// <summary>
/// CSV with a UTF-8 byte order mark (so spreadsheet programs read Chinese correctly) and columns
/// <c>id, key, &lt;every schema field&gt;, annotator, [version, final,] &lt;every control whose kind
/// has a CSV column (choices, rating, taxonomy)&gt;</c>; each kind writes its own cell
/// (<see cref="ControlKind.CsvCell"/>). Each exported annotation is its own row, so a task with overlap 3 gives 3 rows
/// (no majority is taken here: that is the quality engine's job); a task without any exported
/// annotation gives one row with empty annotator and label columns. Multiple choices are joined
/// with <c>|</c>; string data values are written as they are, other values as compact JSON.
/// The version and final columns appear only with <see cref="ExportOptions.IncludeHistory"/>.
/// <para>
/// Formula injection (OWASP "CSV Injection"): a cell that begins with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, a tab or a carriage return is run as a formula by spreadsheet programs, and names, keys,
/// task text and labels come from people outside the organisation that opens the file. Such a cell is
/// written quoted with an apostrophe in front (<c>"'=HYPERLINK(…)"</c>): spreadsheets show the text and
/// run nothing; a program reading the file sees the apostrophe. A cell that is a plain decimal number
/// (<c>-3.5</c>, <c>-2e3</c>) stays as it is, whether it came from a JSON number or a string: it cannot
/// be a formula, and a spreadsheet must still add up negative ratings.
/// </para>
/// </summary>
internal sealed class CsvExportWriter : ExportWriter
{
    private readonly string[] _fields;
    private readonly SchemaView.Control[] _controls;
    private readonly ControlKind[] _kinds;
    private readonly StringBuilder _row = new();

    public CsvExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        _fields = schema.Fields.Select(f => f.Name).ToArray();
        _controls = schema.Controls.Where(c => ControlKinds.Find(c.Type) is { HasCsvColumn: true }).ToArray();
        _kinds = [.. _controls.Select(c => ControlKinds.Find(c.Type)!)];
        var header = new List<string> { "id", "key" };
        header.AddRange(_fields);
        header.Add("annotator");
        if (options.IncludeHistory)
        {
            header.Add("version");
            header.Add("final");
        }

        header.AddRange(_controls.Select(c => c.Name));
        WriteRaw("\uFEFF"u8);
        AppendRow(header);
    }

    public override ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        using var data = TryParse(task.DataJson, task.Id, null);
        if (data is null)
        {
            return ValueTask.CompletedTask;
        }

        var prefix = new List<string> { task.Id.ToString(CultureInfo.InvariantCulture), task.Key ?? "" };
        foreach (var f in _fields)
        {
            prefix.Add(data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty(f, out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString()! : JsonBytes.CompactString(v)
                : "");
        }

        var any = false;
        foreach (var a in Selected(task))
        {
            any = true;
            var cells = new List<string>(prefix) { a.Annotator };
            if (Options.IncludeHistory)
            {
                cells.Add(a.Version.ToString(CultureInfo.InvariantCulture));
                cells.Add(a.IsFinal ? "true" : "false");
            }

            using var result = TryParse(a.ResultJson, task.Id, a.Id);
            for (var i = 0; i < _controls.Length; i++)
            {
                cells.Add(result is null ? "" : Cell(result.RootElement, _controls[i], _kinds[i]));
            }

            AppendRow(cells);
        }

        if (!any)
        {
            prefix.Add("");
            if (Options.IncludeHistory)
            {
                prefix.Add("");
                prefix.Add("");
            }

            prefix.AddRange(_controls.Select(_ => ""));
            AppendRow(prefix);
        }

        return FlushIfFullAsync(ct);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string Cell(JsonElement result, SchemaView.Control control, ControlKind kind) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty(control.Name, out var v) ? kind.CsvCell(v) : "";

    private void AppendRow(IEnumerable<string> cells)
    {
        _row.Clear();
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                _row.Append(',');
            }

            first = false;
            _row.Append(CsvCells.Escape(cell));
        }

        _row.Append("\r\n");
        WriteText(_row.ToString());
    }
}
