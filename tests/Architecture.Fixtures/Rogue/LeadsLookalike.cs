using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads.Disguised;

/// <summary>VIOLATION: Rogue code declared in the Leads namespace, where the module rules would take it for Leads code
/// (so its use of LeadsModule would not count as a cross-module dependency).</summary>
internal static class LeadsLookalike
{
    public static IModule Leads() => new LeadsModule();
}
