using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Fixtures.RogueWeb;

/// <summary>VIOLATION: a page reading a module's tables through a module DbContext instead of a Contracts query.</summary>
public sealed class DbContextBackdoor(ModuleDbContext db)
{
    public Task<int> CountAsync() => db.OutboxMessages.CountAsync();
}

/// <summary>VIOLATION: a page using a module's implementation assembly.</summary>
public static class ModuleBackdoor
{
    public static string Name() => new LeadsModule().Name;
}

/// <summary>Allowed: a page using a Contracts message (the rule must not flag it).</summary>
public static class ContractsClient
{
    public static ListLeads FirstPage() => new(null, null, null, null);
}
