using Tandem.Modules.Content;
using Tandem.Modules.Leads;
using Tandem.Modules.Outreach;
using Tandem.Modules.Prospects;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Host.Composition;

/// <summary>
/// The modules compiled into this host, listed explicitly (no discovery), and which of them this deployment runs
/// (<c>Tandem:Modules:&lt;Name&gt;:Enabled</c>, default true).
/// </summary>
internal sealed class ModuleCatalog : IModuleState
{
    /// <summary>Every module, in dependency order.</summary>
    public static IReadOnlyList<IModule> All { get; } =
        [new ContentModule(), new LeadsModule(), new ProspectsModule(), new OutreachModule()];

    private readonly Dictionary<string, bool> _enabled;
    private readonly Dictionary<System.Reflection.Assembly, string> _owners;

    public ModuleCatalog(IConfiguration configuration)
    {
        _enabled = All.ToDictionary(m => m.Name, m => configuration.GetValue($"Tandem:Modules:{m.Name}:Enabled", true), StringComparer.OrdinalIgnoreCase);
        _owners = All.SelectMany(m => new[] { (m.ContractsAssembly, m.Name), (m.ImplementationAssembly, m.Name) })
            .ToDictionary(x => x.Item1, x => x.Item2);
    }

    public IEnumerable<IModule> Enabled => All.Where(m => _enabled[m.Name]);

    public bool IsEnabled(string module) => _enabled.TryGetValue(module, out var on) && on;

    public string? ModuleOf(Type type) => _owners.GetValueOrDefault(type.Assembly);

    /// <summary>Every enabled module's declared dependencies must be enabled too; otherwise the reasons, one per line.</summary>
    public IReadOnlyList<string> MissingDependencies() =>
        Enabled.SelectMany(m => m.Requires.Where(r => !IsEnabled(r)).Select(r =>
                $"The {m.Name} module needs the {r} module, which is switched off (Tandem:Modules:{r}:Enabled=false). " +
                $"Switch {r} on, or switch {m.Name} off too (Tandem:Modules:{m.Name}:Enabled=false)."))
            .ToList();
}
