namespace Yunzhong.Core.Park;

/// <summary>Where a contract (委托) between a client and a vendor stands. Stored as its lower-case name.</summary>
public enum ContractState
{
    /// <summary>The client offered it; the vendor has not answered.</summary>
    Proposed,

    /// <summary>The vendor's admin accepted it; the vendor staffs it, nobody works it yet.</summary>
    Accepted,

    /// <summary>The vendor's admin declined it. Final.</summary>
    Declined,

    /// <summary>The client started it: the vendor's people on it work the project.</summary>
    Active,

    /// <summary>Ended (by the client, or the vendor once active): no more work is served. Final.</summary>
    Closed,
}

/// <summary>Who acts on a contract.</summary>
public enum ContractParty
{
    /// <summary>The client organisation that owns the project.</summary>
    Client,

    /// <summary>The vendor organisation that works it.</summary>
    Vendor,
}

/// <summary>Something done to a contract.</summary>
public enum ContractEvent
{
    /// <summary>The vendor takes the offer.</summary>
    Accept,

    /// <summary>The vendor turns the offer down.</summary>
    Decline,

    /// <summary>The client starts the work of an accepted contract.</summary>
    Activate,

    /// <summary>The work ends: the client withdraws an offer or ends the contract at any point; the vendor ends an active one.</summary>
    Close,
}

/// <summary>
/// The contract state machine, pure: proposed → accepted / declined; accepted → active; proposed,
/// accepted or active → closed. Accepting and activating are two steps so the vendor can put its
/// teams and people on the contract before the work starts, and the client decides when the work
/// starts (the day it wants the output to flow, whatever the vendor's answer time).
/// </summary>
public static class ContractLifecycle
{
    /// <summary>The state after <paramref name="e"/> done by <paramref name="by"/>, or null when that party may not do it in <paramref name="state"/>.</summary>
    public static ContractState? Apply(ContractState state, ContractEvent e, ContractParty by) => (state, e, by) switch
    {
        (ContractState.Proposed, ContractEvent.Accept, ContractParty.Vendor) => ContractState.Accepted,
        (ContractState.Proposed, ContractEvent.Decline, ContractParty.Vendor) => ContractState.Declined,
        (ContractState.Accepted, ContractEvent.Activate, ContractParty.Client) => ContractState.Active,
        (ContractState.Proposed or ContractState.Accepted or ContractState.Active, ContractEvent.Close, ContractParty.Client) => ContractState.Closed,
        (ContractState.Active, ContractEvent.Close, ContractParty.Vendor) => ContractState.Closed,
        _ => null,
    };

    /// <summary>Whether the vendor's people work the project in this state.</summary>
    public static bool Works(ContractState state) => state == ContractState.Active;

    /// <summary>Whether terms (quota, price, deadline) may still change: not once declined or closed.</summary>
    public static bool Open(ContractState state) => state is ContractState.Proposed or ContractState.Accepted or ContractState.Active;

    /// <summary>The stored text of a state.</summary>
    public static string Text(ContractState state) => state switch
    {
        ContractState.Proposed => "proposed",
        ContractState.Accepted => "accepted",
        ContractState.Declined => "declined",
        ContractState.Active => "active",
        _ => "closed",
    };

    /// <summary>The state of a stored text.</summary>
    public static ContractState Parse(string text) => text switch
    {
        "proposed" => ContractState.Proposed,
        "accepted" => ContractState.Accepted,
        "declined" => ContractState.Declined,
        "active" => ContractState.Active,
        "closed" => ContractState.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Not a contract state."),
    };
}

/// <summary>Exact money in CNY: ten-thousandths of a yuan as a whole number (0.035 → 350), never a binary fraction.</summary>
public static class Cny
{
    /// <summary>Ten-thousandths per yuan.</summary>
    public const long Scale = 10_000;

    /// <summary>The amount of a decimal text such as "0.035" or "12", or null when it is not a non-negative
    /// number of at most four decimal places below 10^11 yuan.</summary>
    public static long? ParseE4(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        var scaled = value * Scale;
        if (scaled != decimal.Truncate(scaled) || value < 0 || value >= 100_000_000_000m)
        {
            return null;
        }
        return (long)scaled;
    }

    /// <summary>The decimal text of an amount: "0.035", "12", never trailing zeros.</summary>
    public static string Format(long e4) =>
        (e4 / (decimal)Scale).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
