using System.Text.Json.Serialization;

namespace Yunzhong.Server.Features;

/// <summary>
/// Enums on the wire: exactly one of the type's snake_case names, read and written (values and
/// dictionary keys). Anything else — a number, another case, a comma-joined list — is a
/// <see cref="NotAName"/>, which <see cref="BadRequests"/> answers as 400 naming the field and
/// the names it may take.
/// </summary>
/// <remarks>
/// The framework's <c>JsonStringEnumConverter</c> also reads names joined by commas as flags, for
/// every enum: <c>"priority, random"</c> is 0 | 1 and bound to <c>random</c>, and
/// <c>"random, least_annotated"</c> bound to a value no member has. The OpenAPI document's enum
/// lists, which that converter gave the schema exporter, come from <see cref="Answers"/>' schema
/// transformer instead.
/// </remarks>
internal sealed class WireEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

    private sealed class Exact<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Named(reader.GetString()) : throw Refused();

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Wire.Name(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Named(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Wire.Name(value));

        private static T Named(string? name) => Wire.TryParse<T>(name, out var value) ? value : throw Refused();

        private static NotAName Refused() => new(Wire.List<T>());
    }

    /// <summary>A value that is not one of an enum's wire names; <paramref name="allowed"/> lists them.</summary>
    internal sealed class NotAName(string allowed) : JsonException($"The value must be one of {allowed}.")
    {
        public string Allowed { get; } = allowed;
    }
}
