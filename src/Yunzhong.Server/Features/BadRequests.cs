using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Yunzhong.Server.Features;

/// <summary>
/// A body that does not parse, or a parameter of the wrong type, answers 400 ProblemDetails that
/// says what was wrong and where, instead of a bare "Bad Request": the line and byte where a body
/// stops being JSON, or the field whose value does not fit, under <c>errors</c> like the endpoints'
/// own validation problems.
/// </summary>
internal sealed class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var problem = bad.InnerException switch
        {
            JsonException json => FromJson(json),
            { } inner => new ProblemDetails { Title = "The request could not be read.", Detail = $"{bad.Message} {inner.Message}", Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.RequestUnreadable } },
            null => new ProblemDetails { Title = "The request could not be read.", Detail = bad.Message, Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.RequestUnreadable } },
        };
        problem.Status = bad.StatusCode;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromJson(JsonException json)
    {
        // The serializer wraps the reader's own exception when the text is not JSON at all.
        if (json.InnerException is JsonException syntax)
        {
            return new ProblemDetails
            {
                Title = "The request body is not valid JSON.",
                Detail = $"{WithoutPosition(syntax.Message)} {At(json)}",
                Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.RequestNotJson, [ProblemCodes.ParamsKey] = Where(json) },
            };
        }
        // A value of the wrong type: the reader's complaint inside says what was found ("Cannot get the
        // value of a token type 'String' as a number"), the serializer's own names the record type.
        const string title = "The request body does not fit this endpoint.";
        var why = json.InnerException?.Message ?? WithoutPosition(json.Message);
        // "$.review.percent" becomes "review.percent", the key the endpoints' validation gives that
        // field; a body of the wrong kind as a whole ("$") names no field.
        if (json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            var field = path[2..];
            var (code, values) = json is WireEnumConverter.NotAName name
                ? (ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", name.Allowed)))
                : (ProblemCodes.FieldWrongType, null);
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [why] })
            {
                Title = title,
                Detail = $"{field}: {why} {At(json)}",
                Extensions =
                {
                    [ProblemCodes.CodeKey] = ProblemCodes.RequestBodyMismatch,
                    [ProblemCodes.ParamsKey] = Where(json),
                    [ProblemCodes.FieldsKey] = new Dictionary<string, ProblemCodes.Coded[]>
                    {
                        [field] = [ProblemCodes.At(field, code, values)],
                    },
                },
            };
        }
        return new ProblemDetails
        {
            Title = title,
            Detail = $"{why} {At(json)}",
            Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.RequestBodyMismatch, [ProblemCodes.ParamsKey] = Where(json) },
        };
    }

    /// <summary>Where in the body, one-based as an editor counts (System.Text.Json counts from zero).</summary>
    private static string At(JsonException json) => $"(line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})";

    private static Dictionary<string, object?> Where(JsonException json) =>
        ProblemCodes.Params(("line", json.LineNumber + 1), ("byte", json.BytePositionInLine + 1));

    /// <summary>System.Text.Json ends its messages with the JSON path and the zero-based position, given apart here.</summary>
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        cut = cut >= 0 ? cut : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
