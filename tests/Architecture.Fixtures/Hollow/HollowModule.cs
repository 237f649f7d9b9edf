namespace Tandem.Modules.Hollow;

/// <summary>VIOLATION: named like a module class, but not an IModule, so the Host could not list it.</summary>
public sealed class HollowModule
{
    public string Name => "Hollow";
}

/// <summary>Allowed: the registration class.</summary>
public static class HollowModuleRegistration
{
    public static HollowModule Create() => new();
}
