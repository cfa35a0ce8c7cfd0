namespace Yunzhong.Core.Formats;

internal static class LabelStudioTaskParser
{
    public static ImportRow Parse(ReadOnlySpan<byte> json, int line, int index, ImportOptions options) =>
        throw new NotImplementedException();
}
