using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>
/// A server of its own for one test, with configuration set as an operator would set it: for tests
/// that break the server they run on (a database taken away, a disk filled), or that need settings
/// no other test wants. Started with <see cref="ServerFixture.InitializeAsync"/> and disposed by the test.
/// </summary>
public static class Configured
{
    public static Action<WebApplicationBuilder> With(params (string Key, string Value)[] settings) =>
        b => b.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
}

public sealed class ConfiguredSqliteFixture(Action<WebApplicationBuilder>? configure = null) : SqliteFixture
{
    protected override void Configure(WebApplicationBuilder builder) => configure?.Invoke(builder);
}

public sealed class ConfiguredPostgresFixture(Action<WebApplicationBuilder>? configure = null) : PostgresFixture
{
    protected override void Configure(WebApplicationBuilder builder) => configure?.Invoke(builder);
}
