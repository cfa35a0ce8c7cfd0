namespace Yunzhong.Server.Features.Park;

public sealed class ParkOptions
{
    /// <summary>A seat stays in use this many minutes after its annotator's last lease, submission,
    /// skip or draft (Park__SeatMinutes), as well as while they hold a lease.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 60)]
    public int SeatMinutes { get; set; } = 10;

    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>The time zone of the sites' opening hours (Park__TimeZone, an IANA name).</summary>
    public string TimeZone { get; set; } = DefaultTimeZone;
}
