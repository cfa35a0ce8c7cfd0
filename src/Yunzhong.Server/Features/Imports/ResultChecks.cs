namespace Yunzhong.Server.Features.Imports;

/// <summary>
/// A prediction's or annotation's result checked against the project's label schema and the task's
/// data, each problem keyed as imports report it: <paramref name="at"/> (<c>predictions[2]</c>) and
/// the dotted path inside the result (<c>predictions[2].label.0</c>), for the bulk predictions API
/// (<see cref="Learning.PredictionsApi"/>); imports run the same validator and say where in a row in words.
/// </summary>
internal static class ResultChecks
{
    internal static IEnumerable<SchemaError> Check(LabelSchema schema, JsonElement data, JsonElement result, string at) =>
        AnnotationValidator.Validate(schema, data, result).Select(e => e with { Path = at + e.Path.Replace('/', '.') });
}
