using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Semver;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Conformance;

/// <summary>What became of loading a plugin folder, as the host would report it.</summary>
public enum LoadStatus
{
    /// <summary>Loaded; its services are in use.</summary>
    Active,

    /// <summary>A required setting is missing or wrong; <see cref="PluginUnderTest.Reason"/> names it.</summary>
    Unconfigured,

    /// <summary>It threw or is broken; <see cref="PluginUnderTest.Reason"/> says how.</summary>
    Failed,
}

/// <summary>
/// A built plugin folder loaded the way the Tandem host loads it: the entry assembly named by <c>plugin.json</c> in a
/// load context of its own (sharing only the contract and Microsoft.Extensions abstractions), every
/// <see cref="ITandemPlugin"/> configured, typed settings bound from the given values and validated, with in-memory
/// stand-ins for what the host lends (<see cref="IPluginState"/>, <see cref="ILeadSink"/>, <see cref="IChannelEventSink"/>).
/// </summary>
public sealed class PluginUnderTest : IAsyncDisposable
{
    private static readonly Type[] SharedTypes =
    [
        typeof(ITandemPlugin), typeof(IServiceCollection), typeof(IConfiguration), typeof(ILogger), typeof(IHttpClientFactory),
        typeof(Microsoft.Extensions.Options.IOptions<>),
    ];

    private readonly PluginLoader? _loader;
    private readonly ServiceProvider? _http;

    private PluginUnderTest(string id, LoadStatus status, string? reason, ServiceProvider? services, PluginLoader? loader, ServiceProvider? http)
    {
        Id = id;
        Status = status;
        Reason = reason;
        Services = services;
        _loader = loader;
        _http = http;
    }

    /// <summary>The version of Plugins.Abstractions this kit (and a host of the same version) provides.</summary>
    public static SemVersion AbstractionsVersion { get; } = new(
        typeof(ITandemPlugin).Assembly.GetName().Version!.Major, typeof(ITandemPlugin).Assembly.GetName().Version!.Minor,
        Math.Max(0, typeof(ITandemPlugin).Assembly.GetName().Version!.Build));

    /// <summary>The plugin's id from its manifest.</summary>
    public string Id { get; }

    /// <summary>Active, unconfigured or failed.</summary>
    public LoadStatus Status { get; }

    /// <summary>Why it is not active; null when active.</summary>
    public string? Reason { get; }

    /// <summary>The plugin's own services (null unless active).</summary>
    public ServiceProvider? Services { get; }

    /// <summary>The leads the plugin handed over.</summary>
    public ConcurrentQueue<InboundLead> Leads { get; } = new();

    /// <summary>The channel events the plugin reported.</summary>
    public ConcurrentQueue<ChannelEvent> Events { get; } = new();

    /// <summary>Reads and checks <c>plugin.json</c> in <paramref name="folder"/>; the problems, empty when it is valid.</summary>
    /// <param name="folder">The plugin's built folder.</param>
    /// <returns>The problems found.</returns>
    public static IReadOnlyList<string> CheckManifest(string folder)
    {
        var problems = new List<string>();
        var path = Path.Combine(folder, "plugin.json");
        if (!File.Exists(path)) return [$"plugin.json is missing from {folder}."];
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return [$"plugin.json is not valid JSON: {e.Message}"];
        }
        string? Text(string name)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text) return text;
            problems.Add($"'{name}' is missing.");
            return null;
        }
        var id = Text("id");
        Text("name");
        var version = Text("version");
        var abstractions = Text("abstractions");
        var entry = Text("entryAssembly");
        if (id is not null && !System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9][a-z0-9-]{0,62}$"))
            problems.Add($"id '{id}' must be lower-case letters, digits and dashes.");
        if (version is not null && !SemVersion.TryParse(version, SemVersionStyles.Strict, out _))
            problems.Add($"version '{version}' is not a semantic version such as 1.0.0.");
        if (abstractions is not null)
        {
            if (!SemVersionRange.TryParseNpm(abstractions, out var range))
                problems.Add($"abstractions '{abstractions}' is not a version range such as ^1.2.");
            else if (!range.Contains(AbstractionsVersion))
                problems.Add($"abstractions '{abstractions}' does not include {AbstractionsVersion}, the version the plugin is built against.");
        }
        if (entry is not null && !File.Exists(Path.Combine(folder, entry)))
            problems.Add($"entryAssembly '{entry}' is not in the folder.");
        if (File.Exists(Path.Combine(folder, "Tandem.Plugins.Abstractions.dll")))
            problems.Add("The folder ships its own Tandem.Plugins.Abstractions.dll: reference the contract with ExcludeAssets=\"runtime\" (and Private=\"false\").");
        return problems;
    }

    /// <summary>Loads the plugin in <paramref name="folder"/> with the settings under its section (keys such as
    /// <c>AuthToken</c> or <c>Mailboxes:jeanne:Host</c>, without <c>Tandem:Plugins:{id}:</c>).</summary>
    /// <param name="folder">The plugin's built folder, with its <c>plugin.json</c>.</param>
    /// <param name="settings">The plugin's settings.</param>
    /// <param name="time">The clock lent to the plugin; null: the system clock.</param>
    /// <param name="publicBaseUrl">What <see cref="IPluginContext.PublicBaseUrl"/> answers.</param>
    /// <returns>The loaded plugin, active or with the reason it is not; never throws for the plugin's own faults.</returns>
    public static PluginUnderTest Load(string folder, IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null, Uri? publicBaseUrl = null)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json")));
        var id = manifest.RootElement.GetProperty("id").GetString()!;
        var entry = manifest.RootElement.GetProperty("entryAssembly").GetString()!;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Tandem:Plugins:{id}:{s.Key}", s.Value)))
            .Build()
            .GetSection($"Tandem:Plugins:{id}");
        var http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var loader = PluginLoader.CreateFromAssemblyFile(Path.GetFullPath(Path.Combine(folder, entry)), SharedTypes, c => c.PreferSharedTypes = false);
        var data = Path.Combine(Path.GetTempPath(), "tandem-conformance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var context = new Context(id, configuration, data, publicBaseUrl);
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            var entryTypes = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITandemPlugin).IsAssignableFrom(t)).ToList();
            if (entryTypes.Count == 0) return new PluginUnderTest(id, LoadStatus.Failed, $"{entry} has no class implementing ITandemPlugin.", null, loader, http);
            var services = new ServiceCollection();
            var result = new List<PluginUnderTest>();
            var leads = new ConcurrentQueue<InboundLead>();
            var events = new ConcurrentQueue<ChannelEvent>();
            services.AddSingleton<IPluginContext>(context);
            services.AddSingleton<IConfiguration>(configuration);
            services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddSingleton(time ?? TimeProvider.System);
            services.AddSingleton<ILeadSink>(new LeadSink(leads));
            services.AddSingleton<IChannelEventSink>(new EventSink(events));
            services.AddSingleton<IPluginState>(new MemoryState());
            services.AddSingleton(http.GetRequiredService<IHttpClientFactory>());
            using (loader.EnterContextualReflection())
            {
                foreach (var type in entryTypes) ((ITandemPlugin)Activator.CreateInstance(type)!).ConfigureServices(services, context);
            }
            var problems = BindSettings(services, configuration);
            if (problems.Count > 0)
                return new PluginUnderTest(id, LoadStatus.Unconfigured, $"Settings under Tandem:Plugins:{id} are incomplete: {string.Join(" ", problems)}", null, loader, http);
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var loaded = new PluginUnderTest(id, LoadStatus.Active, null, provider, loader, http);
            foreach (var lead in leads) loaded.Leads.Enqueue(lead);
            // The sinks registered above write into the queues of this instance from now on.
            ((LeadSink)provider.GetRequiredService<ILeadSink>()).Target = loaded.Leads;
            ((EventSink)provider.GetRequiredService<IChannelEventSink>()).Target = loaded.Events;
            return loaded;
        }
        catch (Exception e)
        {
            while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            return new PluginUnderTest(id, LoadStatus.Failed, $"{e.GetType().Name}: {e.Message}", null, loader, http);
        }
    }

    /// <summary>The plugin's services of type <typeparamref name="T"/>, resolved in a fresh scope.</summary>
    /// <typeparam name="T">A contract interface.</typeparam>
    /// <returns>The services (empty when the plugin is not active).</returns>
    public IReadOnlyList<T> All<T>() where T : notnull
    {
        if (Services is null) return [];
        using var scope = Services.CreateScope();
        return scope.ServiceProvider.GetServices<T>().ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Services is not null) await Services.DisposeAsync();
        if (_http is not null) await _http.DisposeAsync();
        _loader?.Dispose();
    }

    private static List<string> BindSettings(ServiceCollection services, IConfiguration configuration)
    {
        var problems = new List<string>();
        var registrations = services.Where(d => d.ImplementationInstance is PluginSettingsRegistration)
            .Select(d => (PluginSettingsRegistration)d.ImplementationInstance!).DistinctBy(r => r.SettingsType).ToList();
        foreach (var registration in registrations)
        {
            var instance = Activator.CreateInstance(registration.SettingsType)!;
            try
            {
                configuration.Bind(instance);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
                continue;
            }
            problems.AddRange(((IPluginSettings)instance).Validate().Where(p => !string.IsNullOrWhiteSpace(p)));
            services.AddSingleton(registration.SettingsType, instance);
        }
        return problems;
    }

    private sealed class Context(string id, IConfiguration configuration, string data, Uri? publicBaseUrl) : IPluginContext
    {
        public string PluginId => id;
        public IConfiguration Configuration => configuration;
        public string DataDirectory => data;
        public Uri? PublicBaseUrl => publicBaseUrl;
    }

    private sealed class LeadSink(ConcurrentQueue<InboundLead> target) : ILeadSink
    {
        private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

        public ConcurrentQueue<InboundLead> Target { get; set; } = target;

        public ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken)
        {
            var leadId = "lead-" + _seen.Count;
            if (!_seen.TryAdd(lead.ExternalId, leadId))
                return ValueTask.FromResult(new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Merged, LeadId = _seen[lead.ExternalId] });
            Target.Enqueue(lead);
            return ValueTask.FromResult(new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Created, LeadId = leadId });
        }
    }

    private sealed class EventSink(ConcurrentQueue<ChannelEvent> target) : IChannelEventSink
    {
        private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

        public ConcurrentQueue<ChannelEvent> Target { get; set; } = target;

        public ValueTask<ChannelEventOutcome> ReportAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
        {
            if (!_seen.TryAdd(channelEvent.EventId, true)) return ValueTask.FromResult(ChannelEventOutcome.Duplicate);
            Target.Enqueue(channelEvent);
            return ValueTask.FromResult(ChannelEventOutcome.Recorded);
        }
    }

    private sealed class MemoryState : IPluginState
    {
        private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

        public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_values.TryGetValue(key, out var value) ? value : null);

        public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken)
        {
            _values[key] = value;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_values.TryAdd(key, value));

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
        {
            _values.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
