using System.Diagnostics;
using System.Text.Json.Nodes;
using Yunzhong.Server.Tests.Permissions;
using Yunzhong.Server.Tests.Tenancy;

namespace Yunzhong.Server.Tests.Contract;

/// <summary>
/// The OpenAPI document is the API's contract, and the browser's client is generated from it: it must
/// name every answer a route really gives. What the routes really answer is known from the role matrix
/// (every caller against every route) and the tenancy sweep (every route across organisations), so the
/// document is held against those tables rather than against a list of its own.
/// </summary>
public abstract class OpenApiTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<byte[]> ServedAsync()
    {
        using var http = fx.Client();
        using var r = await http.GetAsync("openapi/v1.json");
        Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsByteArrayAsync();
    }

    private async Task<JsonObject> DocumentAsync() => JsonNode.Parse(await ServedAsync())!.AsObject();

    /// <summary>Every operation as ("METHOD /path", operation), the path as the document writes it.</summary>
    private static IEnumerable<(string Route, JsonObject Operation)> Operations(JsonObject doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(m => m.Key != "parameters")
            .Select(m => ($"{m.Key.ToUpperInvariant()} {p.Key}", m.Value!.AsObject())));

    /// <summary>A mapped route's pattern ("GET /api/projects/{projectId:long}/media/{**name}") as the document's path.</summary>
    private static string DocumentRoute(string mapped)
    {
        var normalized = System.Text.RegularExpressions.Regex.Replace(mapped, @"\{\**(\w+)(:[^}]*)?\}", "{$1}");
        return normalized.EndsWith('/') ? normalized[..^1] : normalized;
    }

    private static HashSet<string> Statuses(JsonObject operation) => operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();

    [Fact]
    public async Task YzOpenApiWritesExactlyWhatTheServerServes()
    {
        var served = await ServedAsync();
        Assert.Equal(served, await ServerApp.OpenApiDocumentAsync(CancellationToken.None));

        var file = Path.Combine(Path.GetTempPath(), $"yz-openapi-{Guid.NewGuid():N}.json");
        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "yz.dll"), "openapi", "--out", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Equal(served, await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EveryRouteHasAReadableUniqueOperationIdAndASuccessAnswer()
    {
        var doc = await DocumentAsync();
        var ids = new List<string>();
        foreach (var (route, op) in Operations(doc))
        {
            var id = op["operationId"]?.GetValue<string>();
            Assert.True(id is { Length: > 0 } && char.IsLower(id[0]) && id.All(char.IsLetter), $"{route} has operationId '{id}'");
            ids.Add(id!);
            var success = op["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')).ToList();
            Assert.True(success.Count > 0, $"{route} declares no success answer");
            foreach (var (status, response) in success)
            {
                var content = response!["content"]?.AsObject();
                if (status == "204")
                {
                    Assert.True(content is null || content.Count == 0, $"{route} declares a body for 204");
                    continue;
                }
                Assert.True(content is { Count: > 0 }, $"{route} answers {status} with a body the document does not describe");
                Assert.All(content!, c => Assert.True(c.Value!["schema"] is not null, $"{route} {status} {c.Key} has no schema"));
            }
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task EveryRefusalTheRoleMatrixSeesIsDeclared()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Route, o => o.Operation);
        var missing = new List<string>();
        foreach (var row in RoleMatrixTests<TFixture>.Table)
        {
            if (!operations.TryGetValue(DocumentRoute(row.Route), out var op))
            {
                // Routes left out of the document on purpose (health probes, the document itself).
                Assert.Contains(row.Route, new[] { "GET /healthz", "GET /readyz", "GET /openapi/{documentName}.json" });
                continue;
            }
            var declared = Statuses(op);
            var seen = row.Statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct();
            missing.AddRange(seen.Where(s => !declared.Contains(s)).Select(s => $"{row.Route}: {s}"));
        }
        Assert.Empty(missing);
    }

    [Fact]
    public async Task EveryRouteTheTenancySweepFindsClosedDeclares404()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Route, o => o.Operation);
        var missing = TenancyTests<TFixture>.Probes
            .Where(p => p.Expect == TenancyTests<TFixture>.Expect.NotFound && !Statuses(operations[DocumentRoute(p.Route)]).Contains("404"))
            .Select(p => p.Route)
            .ToList();
        Assert.Empty(missing);
    }

    /// <summary>Raw JSON on purpose: what a code generator reads is the shape of the schemas themselves.</summary>
    [Fact]
    public async Task RawSchemasGiveIdsAsIntegersEnumsAsStringsAndEveryBodyAName()
    {
        var doc = await DocumentAsync();
        var problems = new List<string>();
        void Walk(JsonNode? node, string at)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() is "integer" or "number")
                        && types.Any(t => t?.GetValue<string>() == "string"))
                    {
                        problems.Add($"{at}: a number that may be a string");
                    }
                    if (o["enum"] is not null && o["type"]?.ToJsonString() is not "\"string\"")
                    {
                        problems.Add($"{at}: an enum that is not a string");
                    }
                    foreach (var (key, value) in o)
                    {
                        Walk(value, $"{at}/{key}");
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{at}/{i}");
                    }
                    break;
            }
        }
        Walk(doc, "#");
        // Bodies are named records: an inline object (an anonymous type) would come out of a generator as an unnamed shape.
        foreach (var (route, op) in Operations(doc))
        {
            var bodies = op["responses"]!.AsObject().Select(r => (r.Key, r.Value!["content"]?.AsObject()))
                .Append(("request", op["requestBody"]?["content"]?.AsObject()));
            foreach (var (what, content) in bodies)
            {
                foreach (var (type, media) in content ?? [])
                {
                    var schema = media!["schema"]!;
                    // A body that may be left out is "null or the record".
                    var named = schema["$ref"] ?? schema["items"]?["$ref"] ?? schema["oneOf"]?.AsArray().Select(s => s?["$ref"]).FirstOrDefault(r => r is not null);
                    if (type.Contains("json", StringComparison.Ordinal) && named is null)
                    {
                        problems.Add($"{route} {what} {type}: {schema.ToJsonString()}");
                    }
                }
            }
        }
        Assert.Empty(problems);
    }

    /// <summary>Raw JSON on purpose: the wire names of the enums, which the browser indexes and filters by.</summary>
    [Fact]
    public async Task RawEnumSchemasListTheSnakeCaseWireNames()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        string[] Names(string type) => schemas[type]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.Equal(["new", "in_progress", "annotated", "in_review", "accepted", "rejected"], Names("TaskState"));
        Assert.Equal(["priority", "random", "least_annotated", "most_uncertain"], Names("TaskOrder"));
        Assert.Equal(["none", "sample", "all"], Names("ReviewPolicy"));
        Assert.Equal(["admin", "manager", "annotator", "reviewer", "trainer"], Names("Role"));
        Assert.Equal(["client", "vendor", "operator"], Names("OrganizationKind"));
        var counts = schemas["StateCounts"]!["properties"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.Equal(["total", .. Names("TaskState")], counts);
    }
}

public sealed class SqliteOpenApiTests(SqliteFixture fx) : OpenApiTests<SqliteFixture>(fx);

public sealed class PostgresOpenApiTests(PostgresFixture fx) : OpenApiTests<PostgresFixture>(fx);
