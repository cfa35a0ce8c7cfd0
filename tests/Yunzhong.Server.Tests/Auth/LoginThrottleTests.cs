using Yunzhong.Server.Security;

namespace Yunzhong.Server.Tests.Auth;

public class LoginThrottleTests
{
    private readonly FrozenTime _time = new();

    /// <summary>A clock that moves only when told, so waits can be checked to the tick.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8));

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public void TheFifthWrongPasswordPausesTheAccountUntilTheWindowFromTheFirstEnds()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.Failed("a@x");
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.Null(throttle.RetryAfter("a@x"));
        }
        throttle.Failed("a@x"); // 4 minutes after the first
        Assert.Equal(LoginThrottle.Window - TimeSpan.FromMinutes(4), throttle.RetryAfter("a@x"));
        Assert.Null(throttle.RetryAfter("b@x"));

        _time.Advance(LoginThrottle.Window - TimeSpan.FromMinutes(4));
        Assert.Null(throttle.RetryAfter("a@x"));
        throttle.Failed("a@x"); // a new window counts from one again
        Assert.Null(throttle.RetryAfter("a@x"));
    }

    [Fact]
    public void ARightPasswordBeforeTheLimitClearsTheCount()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.Failed("a@x");
        }
        throttle.Succeeded("a@x");
        throttle.Failed("a@x");
        Assert.Null(throttle.RetryAfter("a@x"));
    }

    [Fact]
    public void FailuresSpreadWiderThanTheWindowNeverPause()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < 3 * LoginThrottle.MaxFailures; i++)
        {
            throttle.Failed("a@x");
            Assert.Null(throttle.RetryAfter("a@x")); // at most four fall inside any window counted from its first
            _time.Advance(LoginThrottle.Window / (LoginThrottle.MaxFailures - 1));
        }
    }
}
