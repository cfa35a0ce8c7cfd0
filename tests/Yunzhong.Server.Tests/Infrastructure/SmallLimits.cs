using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>
/// The bounds of LimitsOptions set small through configuration, as an operator would set them, so a
/// test crosses each with kilobytes instead of gigabytes.
/// </summary>
public static class SmallLimits
{
    public const int SchemaMaxDepth = 8;
    public const int SchemaMaxElements = 300;
    public const int SchemaMaxCharacters = 30_000;
    public const int ZipMaxEntries = 20;
    public const long MediaMaxFileBytes = 512 << 10;
    public const long MediaMaxUploadBytes = 2 << 20;
    public const int ZipMaxRatio = 10;
    public const long ZipRatioAllowanceBytes = 256 << 10;
    public const long OrganizationMaxStorageBytes = 3 << 20;
    public const long JsonBodyMaxBytes = 256 << 10;
    public const long ImportBodyMaxBytes = 256 << 10;
    public const int LoginsPerMinutePerAddress = 5;

    public static void Apply(WebApplicationBuilder builder) => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Limits:SchemaMaxDepth"] = $"{SchemaMaxDepth}",
        ["Limits:SchemaMaxElements"] = $"{SchemaMaxElements}",
        ["Limits:SchemaMaxCharacters"] = $"{SchemaMaxCharacters}",
        ["Limits:ZipMaxEntries"] = $"{ZipMaxEntries}",
        ["Limits:MediaMaxFileBytes"] = $"{MediaMaxFileBytes}",
        ["Limits:MediaMaxUploadBytes"] = $"{MediaMaxUploadBytes}",
        ["Limits:ZipMaxRatio"] = $"{ZipMaxRatio}",
        ["Limits:ZipRatioAllowanceBytes"] = $"{ZipRatioAllowanceBytes}",
        ["Limits:OrganizationMaxStorageBytes"] = $"{OrganizationMaxStorageBytes}",
        ["Limits:JsonBodyMaxBytes"] = $"{JsonBodyMaxBytes}",
        ["Limits:ImportBodyMaxBytes"] = $"{ImportBodyMaxBytes}",
        ["Limits:LoginsPerMinutePerAddress"] = $"{LoginsPerMinutePerAddress}",
    });
}

public sealed class SmallLimitsSqliteFixture : SqliteFixture
{
    protected override void Configure(WebApplicationBuilder builder) => SmallLimits.Apply(builder);
}

public sealed class SmallLimitsPostgresFixture : PostgresFixture
{
    protected override void Configure(WebApplicationBuilder builder) => SmallLimits.Apply(builder);
}
