using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Plugins.Abstractions;

/// <summary>
/// A plugin's typed settings (since 1.1), bound by the host from <c>Tandem:Plugins:{pluginId}:…</c> (property names
/// are the keys, case-insensitive) and checked once at load. Register the type with
/// <see cref="PluginServiceCollectionExtensions.AddPluginSettings{TSettings}"/>; ask for it in a constructor.
/// </summary>
public interface IPluginSettings
{
    /// <summary>Checks the bound values. Each problem names the key and says what is wrong (for example
    /// <c>"AuthToken is required: the auth token of the Twilio account."</c>). Any problem keeps the plugin out of
    /// use with status <c>Unconfigured</c> and the problems as the reason; the host keeps running.</summary>
    /// <returns>The problems; empty when the settings are usable.</returns>
    IEnumerable<string> Validate();
}

/// <summary>Tells the host which type holds a plugin's settings (since 1.1); registered by
/// <see cref="PluginServiceCollectionExtensions.AddPluginSettings{TSettings}"/>.</summary>
/// <param name="settingsType">A class with a public parameterless constructor implementing <see cref="IPluginSettings"/>.</param>
public sealed class PluginSettingsRegistration(Type settingsType)
{
    /// <summary>The settings class.</summary>
    public Type SettingsType { get; } = settingsType;
}

/// <summary>Registration helpers for plugins (since 1.1).</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>Declares <typeparamref name="TSettings"/> as the plugin's settings: the host binds it from the plugin's
    /// configuration section, validates it at load and registers the bound instance as a singleton.</summary>
    /// <typeparam name="TSettings">The settings class.</typeparam>
    /// <param name="services">The plugin's service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddPluginSettings<TSettings>(this IServiceCollection services)
        where TSettings : class, IPluginSettings, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new PluginSettingsRegistration(typeof(TSettings)));
        return services;
    }
}

/// <summary>
/// Provided by the host (since 1.1): a small, durable key/value store that belongs to one plugin (a polling cursor,
/// the ids of deliveries already handled, a provider's token). It survives restarts and is shared by every instance
/// of the host using the same database. Keys are at most 200 characters; values at most 64 KiB of text.
/// </summary>
public interface IPluginState
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or null when nothing is stored.</returns>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the value is stored durably.</returns>
    ValueTask SetAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> only when nothing is stored there yet:
    /// the way to claim a delivery id once, even when two deliveries race.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when stored; false when the key already had a value (which is kept).</returns>
    ValueTask<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Removes the value under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once removed.</returns>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A plugin's own view of its health (since 1.1), shown with its status in <c>GET /api/plugins</c>.</summary>
public interface IPluginHealthCheck
{
    /// <summary>Checks the plugin's provider (reachable, credentials accepted...). Must be quick; the host cuts it off
    /// like any other call.</summary>
    /// <param name="cancellationToken">Cancelled when the host gives up.</param>
    /// <returns>Healthy or not, and why.</returns>
    ValueTask<PluginHealth> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IPluginHealthCheck.CheckAsync"/>.</summary>
public sealed record PluginHealth
{
    /// <summary>True when the plugin can do its work.</summary>
    public required bool Healthy { get; init; }

    /// <summary>What is wrong (or a short note), in words an administrator can act on; never a secret.</summary>
    public string? Detail { get; init; }
}

/// <summary>
/// An authenticated endpoint of a plugin (since 1.1), mounted at <c>/api/plugins/{pluginId}/{Name}</c> for POST: the
/// host checks the caller's API key (role admin, marketing or sales) before the call reaches the plugin.
/// </summary>
public interface IApiEndpointHandler
{
    /// <summary>The last segment of the endpoint's URL: lower case letters, digits and dashes.</summary>
    string Name { get; }

    /// <summary>Handles one call (same request and response shapes as a webhook). Bad input is answered with a 4xx
    /// <c>application/problem+json</c> body naming the field.</summary>
    /// <param name="request">The call.</param>
    /// <param name="cancellationToken">Cancelled when the caller disconnects or the host gives up.</param>
    /// <returns>The answer.</returns>
    ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken);
}
