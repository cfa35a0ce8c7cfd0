using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>COCO writes its coordinates through <c>JsonBytes.WriteNumber</c>: the bytes must be those of Utf8JsonWriter's own.</summary>
public class JsonNumberTests
{
    public static TheoryData<double> Values => new()
    {
        0, -0.0, 1, -1, 10, 300, 200.5, 0.1, 1e-7, 123456789012345, 999999999999999, 1e15, -1e15, 1e16, 4.35e20,
        double.MaxValue, double.MinValue, double.Epsilon, 2.5e-300, 1.0 / 3, -1234.5678, 9007199254740993,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void WritesTheBytesUtf8JsonWriterWrites(double value)
    {
        Assert.Equal(Write(j => j.WriteNumberValue(value)), Write(j => JsonBytes.WriteNumber(j, value)));
    }

    [Fact]
    public void WritesRandomWholeAndFractionalNumbersAlike()
    {
        var random = new Random(15);
        for (var i = 0; i < 20_000; i++)
        {
            var value = (i % 3) switch
            {
                0 => Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 18))),
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 18)),
                _ => BitConverter.Int64BitsToDouble(random.NextInt64()),
            };
            if (double.IsFinite(value))
            {
                Assert.Equal(Write(j => j.WriteNumberValue(value)), Write(j => JsonBytes.WriteNumber(j, value)));
            }
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartArray();
            write(json);
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
