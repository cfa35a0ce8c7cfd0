using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Yunzhong.Server.Features;

/// <summary>
/// The error answers a route declares in the OpenAPI document, in the sets routes share. Typed
/// results declare the success body (<c>Ok&lt;T&gt;</c>) and 400 (<c>ValidationProblem</c>); the
/// <see cref="Http"/> problems (403, 404, 409) carry their status only at run time, so each route says
/// which of them it can answer here. <c>OpenApiTests</c> holds these against the role matrix and the
/// tenancy sweep, which see what the routes really answer.
/// </summary>
public static class Answers
{
    private static readonly string[] _problemJson = ["application/problem+json"];

    /// <summary>ProblemDetails answers with these statuses.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), _problemJson));
        }
        return builder;
    }

    /// <summary>ValidationProblemDetails (errors by field) with this status: 400, or 422 for well-formed input that does not fit.</summary>
    public static TBuilder FieldErrors<TBuilder>(this TBuilder builder, int status = StatusCodes.Status400BadRequest)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(HttpValidationProblemDetails), _problemJson));

    /// <summary>Signed-in callers only: 401 without credentials.</summary>
    public static TBuilder SignedIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().Problems(StatusCodes.Status401Unauthorized);

    /// <summary>
    /// Behind the tenancy-and-roles gate (<see cref="Http.GateAsync"/>): 404 when the caller's
    /// organisations do not hold what the route names (exactly as when it does not exist), 403 when
    /// they do but the caller lacks the role.
    /// </summary>
    public static TBuilder Gated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

    /// <summary>A JSON body: 400 when it is not JSON or does not fit the record (field errors), 413 past the size bound.</summary>
    public static TBuilder JsonBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.FieldErrors().Problems(StatusCodes.Status413PayloadTooLarge);

    /// <summary>A state the request cannot apply to now (already judged, last admin, too many held).</summary>
    public static TBuilder Conflicts<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Problems(StatusCodes.Status409Conflict);

    /// <summary>A successful answer with no body (a queue that is empty, a deletion).</summary>
    public static TBuilder NoContent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status204NoContent, typeof(void)));

    /// <summary>A file in the answer's body, of the given media types.</summary>
    public static TBuilder File<TBuilder>(this TBuilder builder, params string[] contentTypes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Stream), contentTypes));

    /// <summary>The JSON answer can also be had as CSV text (<c>?format=csv</c>).</summary>
    public static TBuilder AlsoCsv<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CsvMarker.Instance);

    private sealed class CsvMarker
    {
        public static readonly CsvMarker Instance = new();
    }

    /// <summary>
    /// The document's own settings: its title, the CSV alternative of <see cref="AlsoCsv"/>, answers in
    /// status order, and the same bytes wherever it is made (a request to any host, `yz openapi`): no
    /// server URL taken from the request, schemas in name order.
    /// </summary>
    public static void Describe(OpenApiOptions o)
    {
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Yunzhong API";
            doc.Info.Description = "Data-annotation cloud park: projects, imports, the annotator queue, review, exports.";
            doc.Servers = [];
            // Every code a problem can carry (ProblemCodes.All), for clients to translate.
            doc.Components ??= new OpenApiComponents();
            doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            doc.Components.Schemas["ProblemCode"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable code of a problem (its `code`, and each entry's under `fields`); `params` holds the values its message names.",
                Enum = [.. ProblemCodes.All.Select(c => (System.Text.Json.Nodes.JsonNode)c)],
            };
            if (doc.Components?.Schemas is { } schemas)
            {
                doc.Components.Schemas = new Dictionary<string, IOpenApiSchema>(schemas.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            // Enums are strings on the wire (Wire.Options): say so beside the names. An enum first met
            // as a nullable field would keep null among its names; the field says it may be null instead.
            var type = context.JsonTypeInfo.Type;
            if ((type == typeof(ProblemDetails) || type == typeof(HttpValidationProblemDetails)) && schema is OpenApiSchema problem)
            {
                problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                problem.Properties[ProblemCodes.CodeKey] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One of ProblemCode." };
                problem.Properties[ProblemCodes.ParamsKey] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The values the code's message names." };
                if (type == typeof(HttpValidationProblemDetails))
                {
                    problem.Properties[ProblemCodes.FieldsKey] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "For each key of errors, the code (ProblemCode) and params of each message.",
                    };
                }
            }
            // WireEnumConverter is not a converter the schema exporter knows: it says nothing of an
            // enum's names, so they are written here. A plain enum is a named component; a nullable one
            // is "null or one of the names", an array's items list them (a reference made here cannot be
            // resolved while the framework still walks the schema).
            if (schema is OpenApiSchema named && EnumOf(type) is { } wire)
            {
                var names = new OpenApiSchema { Type = JsonSchemaType.String, Enum = EnumNames(wire.Enum) };
                if (wire.Nullable)
                {
                    named.Type = null;
                    named.OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, names];
                }
                else if (wire.Items)
                {
                    named.Items = names;
                }
                else
                {
                    named.Type = names.Type;
                    named.Enum = names.Enum;
                    named.Metadata ??= new Dictionary<string, object>();
                    named.Metadata["x-schema-id"] = wire.Enum.Name;
                }
            }
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.Responses is not { } responses)
            {
                return Task.CompletedTask;
            }
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<CsvMarker>().Any()
                && responses.TryGetValue("200", out var ok) && ok is OpenApiResponse { Content: { } content })
            {
                content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
            var sorted = responses.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted)
            {
                responses.Add(status, response);
            }
            return Task.CompletedTask;
        });
    }

    private static List<System.Text.Json.Nodes.JsonNode> EnumNames(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(n => (System.Text.Json.Nodes.JsonNode)Wire.EnumNaming.ConvertName(n))];

    /// <summary>The enum a schema's type carries on the wire: itself, nullable, or as an array's or list's items.</summary>
    private static (Type Enum, bool Nullable, bool Items)? EnumOf(Type type)
    {
        if (type.IsEnum)
        {
            return (type, false, false);
        }
        if (Nullable.GetUnderlyingType(type) is { IsEnum: true } inner)
        {
            return (inner, true, false);
        }
        var element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericArguments() is [var only] && typeof(IEnumerable<>).MakeGenericType(only).IsAssignableFrom(type) ? only
            : null;
        return element is { IsEnum: true } ? (element, false, true) : null;
    }
}
