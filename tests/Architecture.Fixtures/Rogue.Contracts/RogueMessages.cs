using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Rogue.Contracts;

/// <summary>A well-formed message: depends on Mediator.Abstractions and the BCL only, sealed record.</summary>
public sealed record PingRogue(string Text) : ICommand<string>;

/// <summary>VIOLATION: a contract that carries Tandem.Modules.Shared and EF Core types.</summary>
public sealed record LeakyRogueDto(DatabaseOptions Database, DbContext? Context);

/// <summary>VIOLATION: a contract that wraps another module's contract.</summary>
public sealed record ForwardedCapture(CaptureLead Inner);

/// <summary>VIOLATION: a contract type that is neither sealed nor a record.</summary>
public class MutableRogueDto
{
    public string? Name { get; set; }
}
