using System.Text;

namespace Yunzhong.Server.Tests.Security;

/// <summary>
/// What one client may make the server do, with the bounds set small (<see cref="SmallLimits"/>):
/// password log-ins per address, password guesses per account, body sizes per route, and empty
/// imports. Every refusal is ProblemDetails naming the setting that refused it.
/// </summary>
public abstract class RequestLimitsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private HttpClient Anonymous() => fx.Client();

    [Fact]
    public async Task ALogInFloodFromOneAddressChecksNoMorePasswordsThanItsBudget()
    {
        // Unknown emails, each new: the per-account count never stops them, the per-address budget does.
        using var http = Anonymous();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var r = await http.PostAsJsonAsync("api/auth/login", new { email = $"flood{i}-{Guid.NewGuid():N}@x.test", password = "guess" });
            return (r.StatusCode, Problem: await r.Content.ReadAsStringAsync(), RetryAfter: r.Headers.RetryAfter?.Delta);
        }));
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), 1, SmallLimits.LoginsPerMinutePerAddress);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(30 - answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Contains("Limits:LoginsPerMinutePerAddress", r.Problem, StringComparison.Ordinal);
            Assert.NotNull(r.RetryAfter);
        });
    }

    [Fact]
    public async Task ARequestBodyPastItsRoutesLimitIsRefusedNamingTheSetting()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);

        // A JSON route: the instructions alone are past JsonBodyMaxBytes.
        using (var r = await manager.Http.PostAsJsonAsync("api/projects", new
        {
            organizationId = org.Id, name = "too big", instructions = new string('长', (int)SmallLimits.JsonBodyMaxBytes / 2), schema = TestData.ChoiceSchema,
        }))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            Assert.True(problem.TryGetProperty("limit", out var limit), $"no limit named: {problem}");
            Assert.Equal("Limits:JsonBodyMaxBytes", limit.GetString());
            Assert.Equal(SmallLimits.JsonBodyMaxBytes, problem.GetProperty("value").GetInt64());
        }
        Assert.Equal(0L, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE name = 'too big'"));

        // The import route has its own, larger bound; past it nothing of the file lands.
        var lines = Enumerable.Range(0, 4_000).Select(i => System.Text.Json.JsonSerializer.Serialize(new { key = $"k{i}", data = new { text = $"第{i}条 {new string('x', 60)}" } }));
        using (var r = await TestData.ImportRawAsync(manager.Http, project, string.Join("\n", lines)))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("Limits:ImportBodyMaxBytes", problem.GetProperty("limit").GetString());
        }
        Assert.Equal(0L, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
        // Under it, an import far larger than the JSON bound goes in.
        var fits = Enumerable.Range(0, 2_000).Select(i => System.Text.Json.JsonSerializer.Serialize(new { key = $"f{i}", data = new { text = $"第{i}条 {new string('x', 60)}" } }));
        using (var r = await TestData.ImportRawAsync(manager.Http, project, string.Join("\n", fits)))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Theory]
    [InlineData("", "jsonl")]
    [InlineData("\n\n  \n", "jsonl")]
    [InlineData("text,source\n", "csv")]
    public async Task AnImportWithNoTasksIsRefusedNotAnsweredImportedZero(string body, string format)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        using var r = await TestData.ImportRawAsync(manager.Http, project, body, format);
        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
    }
}

public sealed class SqliteRequestLimitsTests(SmallLimitsSqliteFixture fx) : RequestLimitsTests<SmallLimitsSqliteFixture>(fx);

public sealed class PostgresRequestLimitsTests(SmallLimitsPostgresFixture fx) : RequestLimitsTests<SmallLimitsPostgresFixture>(fx);

public class LoginClientKeyTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void AnIpv6SubscribersWholeSlash64SharesOneBudget(string address, string key) =>
        Assert.Equal(key, LoginLimits.ClientKey(IPAddress.Parse(address)));
}
