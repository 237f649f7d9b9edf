using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Semver;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>
/// Finds the plugins in <c>Tandem:Plugins:Directory</c> (<c>*/plugin.json</c>), loads each into its own load context
/// and records its status: Active, Disabled, Incompatible or Failed, with the reason. Nothing a plugin does while
/// loading can stop the host: every failure becomes a <see cref="PluginStatus.Failed"/> entry.
/// </summary>
internal sealed partial class PluginCatalog(
    PluginOptions options,
    IConfiguration configuration,
    IServiceProvider hostServices,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IAsyncDisposable
{
    /// <summary>The types whose assemblies every plugin shares with the host (with what they reference): the contract
    /// and the Microsoft.Extensions abstractions it exposes. Everything else a plugin uses is its own copy.</summary>
    internal static readonly Type[] SharedTypes =
    [
        typeof(ITandemPlugin),
        typeof(IServiceCollection),
        typeof(IConfiguration),
        typeof(ILogger),
        typeof(IHttpClientFactory),
        typeof(Microsoft.Extensions.Options.IOptions<>),
    ];

    /// <summary>The contract version this host provides, matched against each manifest's <c>abstractions</c> range.</summary>
    public static readonly SemVersion AbstractionsVersion = ToSemVersion(typeof(ITandemPlugin).Assembly.GetName().Version!);

    private static readonly string[] NoPlugins = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger<PluginCatalog>();
    private IReadOnlyList<PluginEntry>? _plugins;

    /// <summary>True once <see cref="LoadAll"/> has run.</summary>
    public bool IsLoaded => _plugins is not null;

    /// <summary>Every plugin folder found, ordered by id, whatever its status. Empty before <see cref="LoadAll"/>.</summary>
    public IReadOnlyList<PluginEntry> Plugins => _plugins ?? [];

    /// <summary>The plugin with this id (active or not), or null.</summary>
    public PluginEntry? Find(string id) =>
        Plugins.FirstOrDefault(p => p.IsActive && p.Id == id) ?? Plugins.FirstOrDefault(p => p.Id == id);

    /// <summary>The active plugin providing an outbound channel (the first by id when several do), or null.</summary>
    public PluginEntry? FindChannel(string channel) => Plugins.FirstOrDefault(p => p.IsActive && p.HasChannel(channel));

    /// <summary>The channel names offered by active plugins.</summary>
    public IReadOnlyList<string> Channels => Plugins.Where(p => p.IsActive).SelectMany(p => p.Channels).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Scans the plugins folder and loads every plugin. Runs once; later calls do nothing.</summary>
    public void LoadAll()
    {
        lock (_gate)
        {
            if (_plugins is not null) return;
            var entries = new List<PluginEntry>();
            if (!System.IO.Directory.Exists(options.Directory))
            {
                LogNoFolder(_logger, options.Directory);
            }
            else
            {
                var ids = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var folder in System.IO.Directory.EnumerateDirectories(options.Directory).Order(StringComparer.Ordinal))
                {
                    var manifest = Path.Combine(folder, PluginManifest.FileName);
                    if (!File.Exists(manifest)) continue;
                    var entry = Load(folder, manifest, ids);
                    if (entry.IsActive) LogActive(_logger, entry.Id, entry.Version, string.Join(", ", entry.Capabilities));
                    else LogInactive(_logger, entry.Id, entry.Status, entry.Reason);
                    entries.Add(entry);
                }
                WarnAboutSharedChannels(entries);
            }
            _plugins = entries.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        }
    }

    private PluginEntry Load(string folder, string manifestPath, Dictionary<string, string> ids)
    {
        var folderName = Path.GetFileName(folder);
        var manifest = PluginManifest.TryRead(manifestPath, out var problem);
        if (manifest is null) return Inactive(folderName, folderName, null, folder, PluginStatus.Failed, problem!);

        PluginEntry Stop(PluginStatus status, string reason) =>
            Inactive(manifest.Id, manifest.Name, manifest.Version.ToString(), folder, status, reason);

        if (ids.TryGetValue(manifest.Id, out var other))
            return Stop(PluginStatus.Failed, $"The folder {other} already holds a plugin with the id '{manifest.Id}'.");
        ids[manifest.Id] = folder;

        var enabledKey = $"Tandem:Plugins:{manifest.Id}:Enabled";
        var enabledText = configuration[enabledKey];
        if (!string.IsNullOrWhiteSpace(enabledText))
        {
            if (!bool.TryParse(enabledText, out var enabled))
                return Stop(PluginStatus.Failed, $"{enabledKey} is '{enabledText}'; it must be true or false.");
            if (!enabled) return Stop(PluginStatus.Disabled, $"Switched off by {enabledKey}=false.");
        }

        if (!manifest.Abstractions.Contains(AbstractionsVersion))
            return Stop(PluginStatus.Incompatible,
                $"Built for Plugins.Abstractions {manifest.AbstractionsText}, but this host provides {AbstractionsVersion}.");

        var assemblyPath = Path.GetFullPath(Path.Combine(folder, manifest.EntryAssembly));
        if (!File.Exists(assemblyPath))
            return Stop(PluginStatus.Failed, $"The entry assembly {manifest.EntryAssembly} named in {PluginManifest.FileName} is not in {folder}.");

        try
        {
            // On a thread of its own and under a time limit: a plugin that blocks while loading must not hold the host.
            var loaded = Task.Run(() => ActivateAsync(manifest, folder, assemblyPath))
                .WaitAsync(options.LoadTimeout, time).GetAwaiter().GetResult();
            return new PluginEntry
            {
                Id = manifest.Id,
                Name = manifest.Name,
                Version = manifest.Version.ToString(),
                Status = PluginStatus.Active,
                Directory = folder,
                Capabilities = loaded.Capabilities,
                LeadSources = loaded.LeadSources,
                Channels = loaded.Channels,
                Webhooks = loaded.Webhooks,
                Endpoints = loaded.Endpoints,
                Polling = loaded.Polling,
                Services = loaded.Services,
                Assembly = loaded.Assembly,
                Loader = loaded.Loader,
            };
        }
        catch (PluginSettingsException unconfigured)
        {
            return Stop(PluginStatus.Unconfigured, unconfigured.Message);
        }
        catch (TimeoutException)
        {
            return Stop(PluginStatus.Failed,
                $"Loading did not finish within {options.LoadTimeout.TotalSeconds:0} s (ConfigureServices or a service constructor blocks).");
        }
        catch (Exception e)
        {
            return Stop(PluginStatus.Failed, Describe(e));
        }
    }

    private sealed record Loaded(
        PluginLoader Loader, Assembly Assembly, ServiceProvider Services, IReadOnlyList<string> Capabilities,
        IReadOnlyList<string> LeadSources, IReadOnlyList<string> Channels, IReadOnlyList<string> Webhooks,
        IReadOnlyList<string> Endpoints, IReadOnlyDictionary<string, TimeSpan> Polling);

    private async Task<Loaded> ActivateAsync(PluginManifest manifest, string folder, string assemblyPath)
    {
        var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, c => c.PreferSharedTypes = false);
        ServiceProvider? provider = null;
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            // Eagerly, so that a missing dependency is found now and not at the first call.
            var types = assembly.GetTypes();
            var entryTypes = types
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITandemPlugin).IsAssignableFrom(t))
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .ToList();
            if (entryTypes.Count == 0)
            {
                var privateCopy = types.Any(t => t.GetInterfaces().Any(i => i.FullName == typeof(ITandemPlugin).FullName));
                throw new PluginLoadException(privateCopy
                    ? $"{manifest.EntryAssembly} implements ITandemPlugin from its own copy of Tandem.Plugins.Abstractions; reference the abstractions with Private=false and ExcludeAssets=runtime."
                    : $"{manifest.EntryAssembly} has no class implementing ITandemPlugin.");
            }

            var dataDirectory = Path.Combine(options.DataDirectory, manifest.Id);
            System.IO.Directory.CreateDirectory(dataDirectory);
            var context = new PluginContext(manifest.Id, configuration.GetSection($"Tandem:Plugins:{manifest.Id}"), dataDirectory, options.PublicBaseUrl);
            var services = new ServiceCollection();
            AddHostServices(services, context);
            using (loader.EnterContextualReflection())
            {
                foreach (var type in entryTypes)
                {
                    var plugin = (ITandemPlugin)Activator.CreateInstance(type)!;
                    plugin.ConfigureServices(services, context);
                }
            }

            BindSettings(services, context);
            provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            await using var scope = provider.CreateAsyncScope();
            var sources = Names(scope.ServiceProvider.GetServices<ILeadSource>().Select(s => s.Name), "lead source", requireSlug: false);
            var channels = Names(scope.ServiceProvider.GetServices<IOutboundChannel>().Select(c => c.Channel), "channel", requireSlug: true);
            var webhooks = Names(scope.ServiceProvider.GetServices<IWebhookHandler>().Select(h => h.Name), "webhook", requireSlug: true);
            var endpoints = Names(scope.ServiceProvider.GetServices<IApiEndpointHandler>().Select(h => h.Name), "endpoint", requireSlug: true);
            var eventSources = scope.ServiceProvider.GetServices<IChannelEventSource>().ToList();
            var pollingSources = scope.ServiceProvider.GetServices<ILeadSource>().OfType<IPollingLeadSource>()
                .Select(p => (p.Name, p.Interval))
                .Concat(eventSources.Select(e => (e.Name, e.Interval)))
                .ToList();
            Names(pollingSources.Select(p => p.Name), "polling source", requireSlug: false);
            Names(eventSources.Select(e => e.Name), "channel event source", requireSlug: true);
            var polling = pollingSources.ToDictionary(
                p => p.Name, p => p.Interval > options.MinimumPollInterval ? p.Interval : options.MinimumPollInterval, StringComparer.Ordinal);
            var capabilities = (sources.Count > 0 ? ["leadSource"] : NoPlugins)
                .Concat(channels.Select(c => "channel:" + c))
                .Concat(eventSources.Select(e => "events:" + e.Name).Order(StringComparer.Ordinal))
                .Concat(webhooks.Select(w => "webhook:" + w))
                .Concat(endpoints.Select(e => "endpoint:" + e))
                .ToList();
            return new Loaded(loader, assembly, provider, capabilities, sources, channels, webhooks, endpoints, polling);
        }
        catch
        {
            if (provider is not null) await provider.DisposeAsync();
            loader.Dispose();
            throw;
        }
    }

    private static List<string> Names(IEnumerable<string> names, string what, bool requireSlug)
    {
        var list = new List<string>();
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new PluginLoadException($"A {what} has an empty name.");
            if (requireSlug && !PluginManifest.IdPattern().IsMatch(name))
                throw new PluginLoadException($"The {what} name '{name}' must be lower-case letters, digits and dashes.");
            if (list.Contains(name, StringComparer.Ordinal)) throw new PluginLoadException($"Two {what}s are named '{name}'.");
            list.Add(name);
        }
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>
    /// Binds each settings class a plugin declared (<see cref="PluginServiceCollectionExtensions.AddPluginSettings{TSettings}"/>)
    /// from <c>Tandem:Plugins:{id}</c>, validates it and registers the bound instance. Any problem (a missing secret, a
    /// value that cannot be read) stops the plugin with status Unconfigured and the problems as the reason.
    /// </summary>
    private static void BindSettings(ServiceCollection services, PluginContext context)
    {
        var registrations = services
            .Where(d => d.ServiceType == typeof(PluginSettingsRegistration) && d.ImplementationInstance is PluginSettingsRegistration)
            .Select(d => (PluginSettingsRegistration)d.ImplementationInstance!)
            .DistinctBy(r => r.SettingsType)
            .ToList();
        var problems = new List<string>();
        foreach (var registration in registrations)
        {
            var instance = Activator.CreateInstance(registration.SettingsType)
                ?? throw new PluginLoadException($"The settings class {registration.SettingsType.Name} cannot be created.");
            try
            {
                context.Configuration.Bind(instance);
            }
            catch (InvalidOperationException e)
            {
                // The binder names the key and the value's type; the value itself may be a secret and is not quoted.
                problems.Add(StripValue(e.Message));
                continue;
            }
            problems.AddRange(((IPluginSettings)instance).Validate().Where(p => !string.IsNullOrWhiteSpace(p)));
            services.AddSingleton(registration.SettingsType, instance);
        }
        if (problems.Count > 0)
            throw new PluginSettingsException($"Settings under Tandem:Plugins:{context.PluginId} are incomplete: {string.Join(" ", problems)}");
    }

    /// <summary>"Failed to convert configuration value 'secret' at 'Tandem:Plugins:x:Port' to type 'System.Int32'." without the value.</summary>
    private static string StripValue(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, "value '[^']*' at", "value at");

    /// <summary>What the host lends to each plugin's own container.</summary>
    private void AddHostServices(IServiceCollection services, PluginContext context)
    {
        services.AddSingleton<IPluginContext>(context);
        services.AddSingleton<IConfiguration>(context.Configuration);
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(time);

        var isService = hostServices.GetService<IServiceProviderIsService>();
        // No ILeadSink in the host (Leads not wired): nothing is registered, and a plugin that needs one fails to load.
        if (isService?.IsService(typeof(ILeadSink)) == true)
            services.AddSingleton<ILeadSink>(new HostLeadSink(context.PluginId, hostServices.GetRequiredService<IServiceScopeFactory>()));
        if (isService?.IsService(typeof(IChannelEventSink)) == true)
            services.AddSingleton<IChannelEventSink>(new HostChannelEventSink(context.PluginId, hostServices.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IPluginState>(new PluginState(context.PluginId,
            hostServices.GetService<IPluginStateStore>() ?? new FilePluginStateStore(options.DataDirectory)));
        if (isService?.IsService(typeof(IHttpClientFactory)) == true)
            services.AddSingleton(_ => hostServices.GetRequiredService<IHttpClientFactory>());
    }

    private string Describe(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        if (e is PluginLoadException) return e.Message;
        if (e is ReflectionTypeLoadException typeLoad)
        {
            var causes = typeLoad.LoaderExceptions.OfType<Exception>().Select(x => x.Message).Distinct().Take(3);
            return $"{nameof(ReflectionTypeLoadException)}: the plugin's types cannot be loaded: {string.Join(" ", causes)}";
        }

        var reason = $"{e.GetType().Name}: {e.Message}";
        if (reason.Contains(nameof(ILeadSink), StringComparison.Ordinal)
            && hostServices.GetService<IServiceProviderIsService>()?.IsService(typeof(ILeadSink)) != true)
            reason += " (this host provides no ILeadSink: the Leads module is off or not wired to plugins)";
        return reason;
    }

    private void WarnAboutSharedChannels(List<PluginEntry> entries)
    {
        foreach (var channel in entries.Where(e => e.IsActive).SelectMany(e => e.Channels.Select(c => (c, e.Id))).GroupBy(x => x.c))
        {
            var providers = channel.Select(x => x.Id).Order(StringComparer.Ordinal).ToList();
            if (providers.Count > 1) LogSharedChannel(_logger, channel.Key, providers[0], string.Join(", ", providers));
        }
    }

    private static PluginEntry Inactive(string id, string name, string? version, string folder, PluginStatus status, string reason) =>
        new() { Id = id, Name = name, Version = version, Directory = folder, Status = status, Reason = reason };

    private static SemVersion ToSemVersion(Version version) =>
        new(version.Major, version.Minor, Math.Max(0, version.Build));

    public async ValueTask DisposeAsync()
    {
        foreach (var plugin in Plugins)
        {
            if (plugin.Services is not null) await plugin.Services.DisposeAsync();
            plugin.Loader?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No plugins folder at {Directory}: running without plugins")]
    private static partial void LogNoFolder(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} {Version} is active: {Capabilities}")]
    private static partial void LogActive(ILogger logger, string pluginId, string? version, string capabilities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {PluginId} is {Status}: {Reason}")]
    private static partial void LogInactive(ILogger logger, string pluginId, PluginStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Several plugins offer the channel {Channel} ({Plugins}); {PluginId} is used")]
    private static partial void LogSharedChannel(ILogger logger, string channel, string pluginId, string plugins);
}

/// <summary>A plugin broke a rule of the contract while loading; the message is the reason shown to administrators.</summary>
internal sealed class PluginLoadException(string message) : Exception(message);

internal sealed class PluginContext(string pluginId, IConfiguration configuration, string dataDirectory, Uri? publicBaseUrl = null) : IPluginContext
{
    public Uri? PublicBaseUrl { get; } = publicBaseUrl;
    public string PluginId { get; } = pluginId;
    public IConfiguration Configuration { get; } = configuration;
    public string DataDirectory { get; } = dataDirectory;
}

/// <summary>
/// The <see cref="ILeadSink"/> a plugin gets: each lead goes to the host's own <see cref="ILeadSink"/>, resolved in a
/// fresh host scope, while <see cref="PluginCallContext.PluginId"/> says which plugin sent it (for the lead's source,
/// and to make <see cref="InboundLead.ExternalId"/> unique per plugin).
/// </summary>
internal sealed class HostLeadSink(string pluginId, IServiceScopeFactory hostScopes) : ILeadSink
{
    public async ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        using var call = PluginCallContext.Enter(pluginId);
        await using var scope = hostScopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ILeadSink>().SubmitAsync(lead, cancellationToken);
    }
}

/// <summary>The <see cref="IChannelEventSink"/> a plugin gets: each event goes to the host's own sink, resolved in a
/// fresh host scope, with <see cref="PluginCallContext.PluginId"/> set to the reporting plugin.</summary>
internal sealed class HostChannelEventSink(string pluginId, IServiceScopeFactory hostScopes) : IChannelEventSink
{
    public async ValueTask<ChannelEventOutcome> ReportAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        using var call = PluginCallContext.Enter(pluginId);
        await using var scope = hostScopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IChannelEventSink>().ReportAsync(channelEvent, cancellationToken);
    }
}

/// <summary>A required setting of a plugin is missing or wrong; the message is the reason shown to administrators.</summary>
internal sealed class PluginSettingsException(string message) : Exception(message);

/// <summary>The plugin on whose behalf the host is running the current call (flows with async code), or null.</summary>
internal static class PluginCallContext
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The id of the plugin that handed the host the current lead; null outside such a call.</summary>
    public static string? PluginId => Current.Value;

    public static IDisposable Enter(string pluginId)
    {
        var previous = Current.Value;
        Current.Value = pluginId;
        return new Exit(previous);
    }

    private sealed class Exit(string? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
