namespace Tandem.Modules.Shared.Modules;

/// <summary>New ids: time-ordered (UUIDv7) so that inserts stay local in indexes, as 32 hex characters.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
