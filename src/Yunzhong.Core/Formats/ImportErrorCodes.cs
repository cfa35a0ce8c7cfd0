namespace Yunzhong.Core.Formats;

/// <summary>
/// Codes of the row errors an import file can have (<see cref="ImportError.Code"/>), which clients
/// translate; where the error is (row, field, item) travels beside them. A row's data and results
/// that do not fit the schema carry the schema's own codes (<see cref="Schema.SchemaErrorCodes"/>).
/// </summary>
public static class ImportErrorCodes
{
    /// <summary>A row longer than the import allows (<c>max</c>: bytes).</summary>
    public const string RowTooLong = "import.row_too_long";

    /// <summary>A row whose bytes are not UTF-8.</summary>
    public const string NotUtf8 = "import.not_utf8";

    /// <summary>A row with a \u escape of a lone surrogate.</summary>
    public const string LoneSurrogate = "import.lone_surrogate";

    /// <summary>A row that is not JSON.</summary>
    public const string NotJson = "import.not_json";

    /// <summary>A JSON file that is neither an array of tasks nor a task object.</summary>
    public const string NotTasks = "import.not_tasks";

    /// <summary>A task that is not a JSON object.</summary>
    public const string TaskNotObject = "import.task_not_object";

    /// <summary>A task whose data is not a JSON object.</summary>
    public const string DataNotObject = "import.data_not_object";

    /// <summary>A key that is neither a string nor a number.</summary>
    public const string KeyInvalid = "import.key_invalid";

    /// <summary>A priority that is not a whole number (<c>value</c>).</summary>
    public const string PriorityInvalid = "import.priority_invalid";

    /// <summary>A gold answer that is not a result object.</summary>
    public const string GoldInvalid = "import.gold_invalid";

    /// <summary>Predictions or annotations that are not a list (<c>field</c>).</summary>
    public const string ResultsNotList = "import.results_not_list";

    /// <summary>A prediction or annotation without its result (<c>field</c>, <c>item</c>).</summary>
    public const string ResultInvalid = "import.result_invalid";

    /// <summary>A prediction's score that is not a finite number (<c>item</c>).</summary>
    public const string ScoreInvalid = "import.score_invalid";

    /// <summary>Label Studio results in a file read without the project's schema.</summary>
    public const string NeedsSchema = "import.needs_schema";

    /// <summary>A CSV row with another number of fields than the header (<c>count</c>, <c>expected</c>).</summary>
    public const string CsvColumns = "import.csv.columns";

    /// <summary>A CSV header column without a name (<c>column</c>: 1-based).</summary>
    public const string CsvHeaderUnnamed = "import.csv.header_unnamed";

    /// <summary>A CSV header naming a column twice (<c>name</c>).</summary>
    public const string CsvHeaderRepeated = "import.csv.header_repeated";

    /// <summary>A quoted CSV field not closed before the end of the file.</summary>
    public const string CsvUnclosedQuote = "import.csv.unclosed_quote";

    /// <summary>Text after a closing quote in a CSV field.</summary>
    public const string CsvTextAfterQuote = "import.csv.text_after_quote";

    /// <summary>A Label Studio result that is not a list.</summary>
    public const string LabelStudioResultNotList = "import.ls.result_not_list";

    /// <summary>A Label Studio result item whose from_name is no control of the schema (<c>name</c>).</summary>
    public const string LabelStudioUnknownControl = "import.ls.unknown_control";

    /// <summary>A Label Studio result item whose value is not an object.</summary>
    public const string LabelStudioValueNotObject = "import.ls.value_not_object";

    /// <summary>A Label Studio result item whose value does not fit its control (<c>control</c>).</summary>
    public const string LabelStudioValueInvalid = "import.ls.value_invalid";

    /// <summary>A Label Studio relation without from_id and to_id.</summary>
    public const string LabelStudioRelationEnds = "import.ls.relation_ends";

    /// <summary>A Label Studio relation no relations control of the schema fits.</summary>
    public const string LabelStudioRelationNoControl = "import.ls.relation_no_control";

    /// <summary>A Label Studio annotation's own field (<c>field</c>: completed_by, created_at, updated_at, lead_time,
    /// ground_truth, last_action, reviews ...) with a value of the wrong kind.</summary>
    public const string LabelStudioAnnotationFieldInvalid = "import.ls.annotation_field_invalid";
}
