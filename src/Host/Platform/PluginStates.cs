using Microsoft.EntityFrameworkCore;
using Tandem.Host.Plugins;

namespace Tandem.Host.Platform;

/// <summary>
/// Plugins' key/value state in the platform database (table <c>PluginStates</c>), so that it survives restarts and is
/// shared by hosts on the same database. Writes are single upserts (<c>INSERT … ON CONFLICT</c>, the same statement on
/// SQLite and PostgreSQL) in the platform database's group commit; <see cref="TryAddAsync"/> is a compare-and-set that
/// lets exactly one of two racing deliveries claim a key.
/// </summary>
internal sealed class DatabasePluginStateStore(IServiceScopeFactory scopes) : IPluginStateStore
{
    public async ValueTask<string?> GetAsync(string pluginId, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        return await db.PluginStates.AsNoTracking()
            .Where(s => s.PluginId == pluginId && s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
    }

    public async ValueTask SetAsync(string pluginId, string key, string value, CancellationToken cancellationToken) =>
        await ExecuteAsync(pluginId, key, value, "DO UPDATE SET \"Value\" = excluded.\"Value\"", cancellationToken);

    public async ValueTask<bool> TryAddAsync(string pluginId, string key, string value, CancellationToken cancellationToken) =>
        await ExecuteAsync(pluginId, key, value, "DO NOTHING", cancellationToken) == 1;

    public async ValueTask DeleteAsync(string pluginId, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.WriteAsync(ct => db.PluginStates.Where(s => s.PluginId == pluginId && s.Key == key).ExecuteDeleteAsync(ct), cancellationToken);
    }

    private async Task<int> ExecuteAsync(string pluginId, string key, string value, string onConflict, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var table = db.QuotedTable<PluginStateEntry>();
        // The table name comes from the model, never from input; the values are parameters.
#pragma warning disable EF1002
        var sql = $"INSERT INTO {table} (\"PluginId\", \"Key\", \"Value\") VALUES ({{0}}, {{1}}, {{2}}) ON CONFLICT (\"PluginId\", \"Key\") {onConflict}";
        return await db.WriteAsync(ct => db.Database.ExecuteSqlRawAsync(sql, [pluginId, key, value], ct), cancellationToken);
#pragma warning restore EF1002
    }
}
