using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Yunzhong.Server.Features;

/// <summary>
/// A full disk, wherever it shows (the blob folder, SQLite's file, PostgreSQL's), answers 507
/// Insufficient Storage that says so, instead of a 500 a client would retry at once; the answer
/// names no path and carries no stack, the log keeps the exception. What was half done is undone by
/// the failing request itself (its transaction, its blob batch), so once space is freed the same
/// request goes through.
/// </summary>
internal sealed class OutOfSpace(IProblemDetailsService problems, ILogger<OutOfSpace> log) : IExceptionHandler
{
    public const string Title = "The server is out of storage space.";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDiskFull(exception))
        {
            return false;
        }
        log.LogError(exception, "Out of storage space: {Method} {Path} answered 507", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status507InsufficientStorage;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status507InsufficientStorage,
                Title = Title,
                Detail = "The request was not completed and nothing of it was kept. Try again once space has been freed.",
            },
        });
    }

    /// <summary>Whether <paramref name="e"/>, or an exception inside it, is a disk (or quota) running full.</summary>
    public static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            var full = e switch
            {
                // SQLITE_FULL: the database or its journal could not grow.
                SqliteException sqlite => sqlite.SqliteErrorCode == 13,
                // Class 53, disk_full.
                PostgresException postgres => postgres.SqlState == PostgresErrorCodes.DiskFull,
                IOException io => IsDiskFullCode(io.HResult),
                _ => false,
            };
            if (full)
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDiskFull))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// .NET gives an IOException from a failed system call the call's error code: on Unix the errno
    /// itself (ENOSPC 28, EDQUOT 122 on Linux), on Windows an HRESULT around ERROR_DISK_FULL (0x70) or
    /// ERROR_HANDLE_DISK_FULL (0x27).
    /// </summary>
    private static bool IsDiskFullCode(int hresult) => OperatingSystem.IsWindows()
        ? (hresult & 0xFFFF) is 0x70 or 0x27
        : hresult is 28 || (OperatingSystem.IsLinux() && hresult == 122);
}
