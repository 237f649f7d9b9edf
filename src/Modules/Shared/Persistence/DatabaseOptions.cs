using Microsoft.Extensions.Configuration;

namespace Tandem.Modules.Shared.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Where module data lives: <c>Tandem:Database:Provider</c>, <c>Tandem:DataDirectory</c>, <c>ConnectionStrings:Tandem</c>.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string DataDirectory, string? PostgresConnectionString)
{
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var providerText = configuration["Tandem:Database:Provider"] ?? "Sqlite";
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider))
            throw new InvalidOperationException(
                $"Tandem:Database:Provider is '{providerText}'; use 'Sqlite' (default) or 'Postgres'.");
        var dataDirectory = Path.GetFullPath(configuration["Tandem:DataDirectory"] ?? "data");
        var connectionString = configuration.GetConnectionString("Tandem");
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "Tandem:Database:Provider is Postgres but ConnectionStrings:Tandem is empty; set it (e.g. ConnectionStrings__Tandem=\"Host=127.0.0.1;Database=tandem;Username=tandem;Password=…\").");
        return new DatabaseOptions(provider, dataDirectory, connectionString);
    }

    /// <summary>SQLite: one file per module. Pooling on; busy waits up to 30 s instead of failing.</summary>
    public string SqliteConnectionString(string module) =>
        $"Data Source={Path.Combine(DataDirectory, module.ToLowerInvariant() + ".db")};Pooling=True;Default Timeout=30";
}
