using System.Globalization;

namespace Yunzhong.Server.Features.Tasks;

/// <summary>
/// A task's data cut to what a table cell shows: a page of 100 tasks of long texts stays a few tens
/// of kilobytes instead of megabytes. Strings keep their first <see cref="MaxChars"/> characters
/// (whole code points and grapheme clusters) and end in "…"; an object or array longer than that
/// becomes its cut JSON text.
/// </summary>
internal static class TaskPreview
{
    internal const int MaxChars = 160;

    public static JsonElement Of(string dataJson)
    {
        if (dataJson.Length <= MaxChars)
        {
            return Http.Json(dataJson);
        }
        using var doc = JsonDocument.Parse(dataJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return doc.RootElement.Clone();
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        w.WriteString(p.Name, Cut(p.Value.GetString()!));
                        break;
                    case JsonValueKind.Object or JsonValueKind.Array when p.Value.GetRawText().Length > MaxChars:
                        w.WriteString(p.Name, Cut(p.Value.GetRawText()));
                        break;
                    default:
                        p.WriteTo(w);
                        break;
                }
            }
            w.WriteEndObject();
        }
        return JsonSerializer.Deserialize<JsonElement>(buffer.ToArray());
    }

    /// <summary>The text's first <see cref="MaxChars"/> UTF-16 units, never splitting a character, then "…".</summary>
    internal static string Cut(string text)
    {
        if (text.Length <= MaxChars)
        {
            return text;
        }
        var end = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            var next = e.ElementIndex + ((string)e.Current).Length;
            if (next > MaxChars)
            {
                break;
            }
            end = next;
        }
        return string.Concat(text.AsSpan(0, end), "…");
    }
}
