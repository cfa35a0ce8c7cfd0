using System.Text.Unicode;

namespace Yunzhong.Core.Formats;

/// <summary>
/// Turns one JSON task (an envelope with <c>data</c>, or bare data) into an <see cref="ImportRow"/>.
/// </summary>
internal static class NativeTaskParser
{
    internal const string LoneSurrogate = "a string has a \\u escape of a lone surrogate (\\ud800 to \\udfff without its pair), which is not valid Unicode";

    public static ImportRow Parse(ReadOnlySpan<byte> json, int line, int index)
    {
        // Utf8JsonReader does not check the encoding inside strings; bad bytes would reach the database.
        if (!Utf8.IsValid(json))
        {
            return ImportRow.Fail(line, index, null, "the row is not valid UTF-8", ImportErrorCodes.NotUtf8);
        }

        // Nor escaped lone surrogates ("\ud800"), which make every later read of the string throw.
        if (!JsonText.SurrogateEscapesArePaired(json))
        {
            return ImportRow.Fail(line, index, null, LoneSurrogate, ImportErrorCodes.LoneSurrogate);
        }

        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ImportRow.Fail(line, index, null, "a task must be a JSON object", ImportErrorCodes.TaskNotObject);
            }

            int dataStart = -1, dataEnd = -1, goldStart = -1, goldEnd = -1;
            int predStart = -1, predEnd = -1, annStart = -1, annEnd = -1;
            string? key = null;
            var priority = 0;
            ImportError? envelopeError = null;
            var dataIsObject = false;

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    dataIsObject = reader.TokenType == JsonTokenType.StartObject;
                    (dataStart, dataEnd) = SkipValue(ref reader);
                }
                else if (reader.ValueTextEquals("key"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        key = reader.GetString();
                    }
                    else if (reader.TokenType == JsonTokenType.Number)
                    {
                        key = Encoding.UTF8.GetString(reader.ValueSpan);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        envelopeError ??= ImportError.Of(line, "key", "key must be a string or a number", ImportErrorCodes.KeyInvalid);
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("priority"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var p))
                    {
                        priority = p;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        envelopeError ??= ImportError.Of(line, "priority", "priority must be an integer", ImportErrorCodes.PriorityInvalid, ("value", JsonText.Value(JsonElement.ParseValue(ref reader))));
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("gold"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        (goldStart, goldEnd) = SkipValue(ref reader);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        envelopeError ??= ImportError.Of(line, "gold", "gold must be a result object", ImportErrorCodes.GoldInvalid);
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("predictions"u8))
                {
                    reader.Read();
                    (predStart, predEnd) = SkipValue(ref reader);
                }
                else if (reader.ValueTextEquals("annotations"u8))
                {
                    reader.Read();
                    (annStart, annEnd) = SkipValue(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // A second top-level value on the same row makes Read throw; nothing to do when it returns.
            reader.Read();

            if (dataStart < 0)
            {
                // No envelope: the object is itself the data, envelope-looking keys included.
                return new ImportRow { Line = line, Index = index, DataJson = JsonBytes.CopyCompact(json.Trim(" \t\r\n"u8)) };
            }

            if (!dataIsObject)
            {
                return ImportRow.Fail(line, index, "data", "data must be a JSON object", ImportErrorCodes.DataNotObject);
            }

            if (envelopeError is not null)
            {
                return new ImportRow { Line = line, Index = index, Error = envelopeError };
            }

            var predictions = ImportRow.NoResults;
            var annotations = ImportRow.NoResults;
            if (predStart >= 0)
            {
                var (list, error) = ReadResults(json[predStart..predEnd], "model", line, "predictions");
                if (error is not null)
                {
                    return new ImportRow { Line = line, Index = index, Error = error };
                }

                predictions = list;
            }

            if (annStart >= 0)
            {
                var (list, error) = ReadResults(json[annStart..annEnd], "annotator", line, "annotations");
                if (error is not null)
                {
                    return new ImportRow { Line = line, Index = index, Error = error };
                }

                annotations = list;
            }

            return new ImportRow
            {
                Line = line,
                Index = index,
                Key = key,
                Priority = priority,
                DataJson = JsonBytes.CopyCompact(json[dataStart..dataEnd]),
                GoldAnswerJson = goldStart >= 0 ? JsonBytes.CompactString(json[goldStart..goldEnd]) : null,
                Predictions = predictions,
                Annotations = annotations,
            };
        }
        catch (JsonException ex)
        {
            return ImportRow.Fail(line + (int)(ex.LineNumber ?? 0), index, null, "invalid JSON: " + ex.Message, ImportErrorCodes.NotJson);
        }
    }

    private static (int Start, int End) SkipValue(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (start, (int)reader.BytesConsumed);
    }

    // Predictions and annotations are rare and small next to data; a JsonDocument keeps this simple.
    private static (IReadOnlyList<ImportedResult> List, ImportError? Error) ReadResults(
        ReadOnlySpan<byte> json, string authorKey, int line, string field)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        if (doc.RootElement.ValueKind == JsonValueKind.Null)
        {
            return (ImportRow.NoResults, null);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return ([], ImportError.Of(line, field, field + " must be an array", ImportErrorCodes.ResultsNotList));
        }

        var list = new List<ImportedResult>(doc.RootElement.GetArrayLength());
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("result", out var result)
                || result.ValueKind != JsonValueKind.Object)
            {
                return ([], ImportError.Of(line, field, $"{field}[{i}] must be an object with a result object", ImportErrorCodes.ResultInvalid, ("item", i + 1)));
            }

            string? author = null;
            if (item.TryGetProperty(authorKey, out var a) && a.ValueKind == JsonValueKind.String)
            {
                author = a.GetString();
            }

            double? score = null;
            if (item.TryGetProperty("score", out var s))
            {
                // GetDouble reads 1e309 as infinity, which no JSON export could write back.
                if (s.ValueKind == JsonValueKind.Number && double.IsFinite(s.GetDouble()))
                {
                    score = s.GetDouble();
                }
                else if (s.ValueKind != JsonValueKind.Null)
                {
                    return ([], ImportError.Of(line, field, $"{field}[{i}].score must be a finite number", ImportErrorCodes.ScoreInvalid, ("item", i + 1)));
                }
            }

            list.Add(new ImportedResult(JsonBytes.CompactString(Encoding.UTF8.GetBytes(result.GetRawText())), author, score));
            i++;
        }

        return (list, null);
    }
}
