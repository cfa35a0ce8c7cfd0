namespace Yunzhong.Core.Schema;

/// <summary>
/// The ids another tool gave a result's whole-task answers, kept beside the answers under
/// <see cref="Key"/>: <c>{"topic": ["News"], "$ids": {"topic": "Xa81_kq2"}}</c>. A choice, a rating, a ranking,
/// a taxonomy or a task's transcription has no id of its own here (regions carry theirs), but every item of a
/// Label Studio result does, and a round trip writes it back. No control may be named so (names start
/// with a letter or <c>_</c>).
/// </summary>
public static class ResultIds
{
    /// <summary>The result key that holds the ids, by control name.</summary>
    public const string Key = "$ids";

    /// <summary>The longest id kept, in UTF-16 units (Label Studio's are 10 characters).</summary>
    public const int MaxLength = 256;
}

public static partial class SchemaErrorCodes
{
    /// <summary>The result's <c>$ids</c> is not an object of ids (non-empty strings, at most 256 characters)
    /// by the name of a control that answers for the whole task.</summary>
    public const string ResultIdsInvalid = "annotation.ids_invalid";
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private void ResultIdsOf(JsonElement ids)
        {
            var at = "/" + JsonText.EscapePointerToken(ResultIds.Key);
            if (ids.ValueKind != JsonValueKind.Object)
            {
                Fail(at, $"'{ResultIds.Key}' must be an object of item ids by control name, not {JsonText.Describe(ids)}.", SchemaErrorCodes.ResultIdsInvalid);
                return;
            }

            foreach (var p in ids.EnumerateObject())
            {
                var path = at + "/" + JsonText.EscapePointerToken(p.Name);
                if (schema.Control(p.Name) is not { PerRegion: null, PerMessage: null } control
                    || control.Type is not (ControlType.Choices or ControlType.Rating or ControlType.Ranking or ControlType.Taxonomy or ControlType.Transcription)
                    || control.PerSegment is not null)
                {
                    Fail(path, $"{JsonText.Quote(p.Name)} is not a control that answers for the whole task, so it has no item id.", SchemaErrorCodes.ResultIdsInvalid);
                }
                else if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 and <= ResultIds.MaxLength })
                {
                    Fail(path, $"The id of {JsonText.Quote(p.Name)} must be a non-empty string of at most {ResultIds.MaxLength} characters, not {JsonText.Describe(p.Value)}.",
                        SchemaErrorCodes.ResultIdsInvalid);
                }
            }
        }
    }
}
