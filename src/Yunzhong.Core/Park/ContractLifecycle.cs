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
