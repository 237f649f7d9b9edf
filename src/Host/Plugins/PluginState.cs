using System.Collections.Concurrent;
using System.Text.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>Where the host keeps plugins' key/value state: the platform database in the host
/// (<c>Platform.DatabasePluginStateStore</c>), a file per plugin where there is no database (the CLI, plugin tests).</summary>
internal interface IPluginStateStore
{
    ValueTask<string?> GetAsync(string pluginId, string key, CancellationToken cancellationToken);
    ValueTask SetAsync(string pluginId, string key, string value, CancellationToken cancellationToken);
    ValueTask<bool> TryAddAsync(string pluginId, string key, string value, CancellationToken cancellationToken);
    ValueTask DeleteAsync(string pluginId, string key, CancellationToken cancellationToken);
}

/// <summary>The <see cref="IPluginState"/> a plugin gets: the host's store, scoped to the plugin's id, with the limits
/// the contract states checked here (so that every store behaves the same).</summary>
internal sealed class PluginState(string pluginId, IPluginStateStore store) : IPluginState
{
    public const int MaxKeyLength = 200;
    public const int MaxValueLength = 64 * 1024;

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken) =>
        store.GetAsync(pluginId, CheckKey(key), cancellationToken);

    public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken) =>
        store.SetAsync(pluginId, CheckKey(key), CheckValue(value), cancellationToken);

    public ValueTask<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken) =>
        store.TryAddAsync(pluginId, CheckKey(key), CheckValue(value), cancellationToken);

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        store.DeleteAsync(pluginId, CheckKey(key), cancellationToken);

    private static string CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key.Length <= MaxKeyLength ? key : throw new ArgumentException($"State keys are at most {MaxKeyLength} characters.", nameof(key));
    }

    private static string CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= MaxValueLength ? value : throw new ArgumentException($"State values are at most {MaxValueLength} characters.", nameof(value));
    }
}

/// <summary>Plugin state in <c>{data}/plugins/{id}.state.json</c>, for hosts without the platform database (the
/// <c>plugins list</c> command, plugin tests). Written whole on each change (state is small), under a lock.</summary>
internal sealed class FilePluginStateStore(string dataDirectory) : IPluginStateStore
{
    private readonly ConcurrentDictionary<string, Lazy<Dictionary<string, string>>> _plugins = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<string?> GetAsync(string pluginId, string key, CancellationToken cancellationToken)
    {
        lock (_gate) return ValueTask.FromResult(Values(pluginId).GetValueOrDefault(key));
    }

    public ValueTask SetAsync(string pluginId, string key, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Values(pluginId)[key] = value;
            Save(pluginId);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryAddAsync(string pluginId, string key, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Values(pluginId).TryAdd(key, value)) return ValueTask.FromResult(false);
            Save(pluginId);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask DeleteAsync(string pluginId, string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Values(pluginId).Remove(key)) Save(pluginId);
        }
        return ValueTask.CompletedTask;
    }

    private string PathOf(string pluginId) => Path.Combine(dataDirectory, pluginId + ".state.json");

    private Dictionary<string, string> Values(string pluginId) =>
        _plugins.GetOrAdd(pluginId, id => new Lazy<Dictionary<string, string>>(() =>
            File.Exists(PathOf(id))
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(PathOf(id))) ?? new(StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal))).Value;

    private void Save(string pluginId)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = PathOf(pluginId);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(Values(pluginId)));
        File.Move(temporary, path, overwrite: true);
    }
}
