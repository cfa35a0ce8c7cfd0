namespace Yunzhong.Server.Features.Tasks;

/// <summary>
/// Which tasks of a project: the task list's filters, also what a bulk action applies to when it
/// names no ids ("every task that matches"). Null members do not filter.
/// </summary>
/// <param name="State">Any of these states.</param>
/// <param name="Annotator">Tasks this user annotated.</param>
/// <param name="Label">Tasks with an answer holding this label.</param>
/// <param name="From">Last changed at or after.</param>
/// <param name="To">Last changed before.</param>
/// <param name="Q">Text the task's data or key contains (case folded).</param>
/// <param name="ImportId">Tasks made by this import.</param>
public sealed record TaskSelection(
    TaskState[]? State = null, long? Annotator = null, string? Label = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    string? Q = null, long? ImportId = null)
{
    /// <summary>The conditions on tasks <c>t</c> of project @projectId, their parameters added to <paramref name="args"/>.</summary>
    /// <param name="everyone">Managers and reviewers (true) see every task and every answer; an annotator
    /// (false) the tasks given to @me, and the label filter looks at their own answers only.</param>
    internal List<string> Where(SqlDialect dialect, bool everyone, long me, DynamicParameters args)
    {
        var where = new List<string> { "t.project_id = @projectId" };
        args.Add("me", me);
        args.Add("everyone", everyone ? 1 : 0);
        if (!everyone)
        {
            where.Add(TasksSql.GivenToMeSql);
        }
        if (State is { Length: > 0 })
        {
            where.Add(dialect.InList("t.state", "@states"));
            args.Add("states", State.Select(Wire.Name).Distinct().ToArray());
        }
        if (Annotator is not null)
        {
            where.Add(TasksSql.AnnotatedBySql);
            args.Add("annotator", Annotator);
        }
        if (!string.IsNullOrEmpty(Label))
        {
            // The label appears as a JSON string value in some annotation's result, stored as the client
            // wrote it: raw UTF-8 (browsers) or with \uXXXX escapes (.NET's serializer), so both forms are
            // looked for. The escape character is explicit: PostgreSQL's default is the backslash that
            // JSON escapes are made of, SQLite has none, and % or _ in a label must match themselves.
            where.Add(TasksSql.LabelledSql);
            args.Add("labelRaw", LikeContaining(JsonSerializer.Serialize(Label, _rawJson)));
            args.Add("labelEscaped", LikeContaining(JsonSerializer.Serialize(Label)));
        }
        if (!string.IsNullOrWhiteSpace(Q))
        {
            // Data is stored as it was imported: raw UTF-8 or \uXXXX escapes, so both forms are looked
            // for, inside JSON strings (the quotes left off). Both sides are folded to lower case (SQLite's
            // LOWER folds ASCII only; Chinese has no case). A scan of the project's tasks in the page's
            // order that stops once the page is full (no index: a rare word scans the project; docs/benchmarks.md).
            var q = Q.Trim().ToLowerInvariant();
            where.Add(TasksSql.SearchSql);
            args.Add("qRaw", LikeContaining(JsonSerializer.Serialize(q, _rawJson)[1..^1]));
            args.Add("qEscaped", LikeContaining(JsonSerializer.Serialize(q)[1..^1].ToLowerInvariant()));
        }
        if (From is not null)
        {
            where.Add("t.updated_at >= @fromMs");
            args.Add("fromMs", From.Value.ToUnixTimeMilliseconds());
        }
        if (To is not null)
        {
            where.Add("t.updated_at < @toMs");
            args.Add("toMs", To.Value.ToUnixTimeMilliseconds());
        }
        if (ImportId is not null)
        {
            where.Add("t.import_id = @importId");
            args.Add("importId", ImportId);
        }
        return where;
    }

    private static readonly JsonSerializerOptions _rawJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A LIKE pattern (escape character <c>!</c>) matching any text that contains <paramref name="literal"/>.</summary>
    private static string LikeContaining(string literal) =>
        "%" + literal.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal) + "%";
}

/// <summary>The task list's orders; each pages by (its column, id), served by an index or a bounded sort.</summary>
public enum TaskSort
{
    Id,
    State,
    Annotations,
    Updated,

    /// <summary>By the text of one data field (query <c>field</c>), compared byte by byte: no index, so
    /// each page sorts the matching tasks again, kept to one page by the keyset cursor.</summary>
    Field,
}

/// <summary>Keyset paging in any <see cref="TaskSort"/>: the cursor is the last row's (sort value, id).</summary>
internal static class TaskPaging
{
    /// <summary>The parameter naming the data field of <see cref="TaskSort.Field"/>.</summary>
    internal const string FieldParameter = "@sortField";

    internal static string Column(TaskSort sort, SqlDialect dialect) => sort switch
    {
        TaskSort.Field => dialect.JsonKeyText("t.data_json", FieldParameter),
        TaskSort.State => "t.state",
        TaskSort.Annotations => "t.annotation_count",
        TaskSort.Updated => "t.updated_at",
        _ => "t.id",
    };

    /// <summary>The cursor of a row: its id alone in id order, else "value:id".</summary>
    internal static string Cursor(TaskSort sort, long id, string state, long annotations, long updatedAt, string fieldText) => sort switch
    {
        TaskSort.State => $"{state}:{id}",
        TaskSort.Field => $"{fieldText}:{id}",
        TaskSort.Annotations => FormattableString.Invariant($"{annotations}:{id}"),
        TaskSort.Updated => FormattableString.Invariant($"{updatedAt}:{id}"),
        _ => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Adds the condition "after the cursor" (@cv, @cid) to <paramref name="where"/>; false when the cursor cannot be read.</summary>
    internal static bool After(TaskSort sort, SqlDialect dialect, bool descending, string cursor, List<string> where, DynamicParameters args)
    {
        var cut = cursor.LastIndexOf(':');
        string? value = null;
        long id;
        if (sort == TaskSort.Id)
        {
            if (!long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id))
            {
                return false;
            }
        }
        else if (cut <= 0 || !long.TryParse(cursor[(cut + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id))
        {
            return false;
        }
        else
        {
            value = cursor[..cut];
        }
        var op = descending ? "<" : ">";
        args.Add("cid", id);
        switch (sort)
        {
            case TaskSort.Id:
                where.Add($"t.id {op} @cid");
                return true;
            case TaskSort.State or TaskSort.Field:
                args.Add("cv", value);
                break;
            default:
                if (!long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }
                args.Add("cv", number);
                break;
        }
        where.Add($"({Column(sort, dialect)}, t.id) {op} (@cv, @cid)");
        return true;
    }
}
