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
    public void AfterFiveAttemptsTheAccountWaitsUntilTheWindowFromTheFirstEnds()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Null(throttle.TryAttempt("a@x"));
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        // The fifth came 4 minutes after the first; this sixth, 5 minutes after it, must wait the rest.
        Assert.Equal(LoginThrottle.Window - TimeSpan.FromMinutes(5), throttle.TryAttempt("a@x"));
        Assert.Null(throttle.TryAttempt("b@x"));

        _time.Advance(LoginThrottle.Window - TimeSpan.FromMinutes(5));
        Assert.Null(throttle.TryAttempt("a@x")); // a new window counts from one again
        for (var i = 1; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Null(throttle.TryAttempt("a@x"));
        }
        Assert.NotNull(throttle.TryAttempt("a@x"));
    }

    [Fact]
    public void ARightPasswordBeforeTheLimitClearsTheCount()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            Assert.Null(throttle.TryAttempt("a@x"));
        }
        Assert.Null(throttle.TryAttempt("a@x"));
        throttle.Succeeded("a@x");
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Null(throttle.TryAttempt("a@x"));
        }
    }

    [Fact]
    public void AttemptsSpreadWiderThanTheWindowNeverPause()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < 3 * LoginThrottle.MaxFailures; i++)
        {
            Assert.Null(throttle.TryAttempt("a@x")); // at most five fall inside any window counted from its first
            _time.Advance(LoginThrottle.Window / (LoginThrottle.MaxFailures - 1));
        }
    }

    [Fact]
    public void AttemptsRacingOnOneAccountGetExactlyFiveTries()
    {
        var throttle = new LoginThrottle(_time);
        var admitted = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (throttle.TryAttempt("a@x") is null)
            {
                Interlocked.Increment(ref admitted);
            }
        });
        Assert.Equal(LoginThrottle.MaxFailures, admitted);
    }
}
