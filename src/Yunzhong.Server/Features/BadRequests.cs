using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Yunzhong.Server.Features;

/// <summary>
/// A body that does not parse, or a parameter of the wrong type, answers 400 ProblemDetails that
/// says what was wrong and where (JSON path, line and position), instead of a bare "Bad Request".
/// </summary>
internal sealed class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var detail = bad.InnerException switch
        {
            JsonException json => $"The request body is not valid JSON for this endpoint: {json.Message}",
            { } inner => $"{bad.Message} {inner.Message}",
            null => bad.Message,
        };
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = detail },
            Exception = exception,
        });
    }
}
