using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Tests.Infrastructure;

internal static class TestSettings
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public static Dictionary<string, string?> For(PluginFolder folder, IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tandem:Plugins:Directory"] = folder.Plugins,
            ["Tandem:DataDirectory"] = folder.Data,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }
}

/// <summary>The host's plugin services as the real registration builds them, without a web server (as the CLI runs).</summary>
internal sealed class PluginHost : IAsyncDisposable
{
    private PluginHost(ServiceProvider services, FakeTimeProvider time, LogCollector logs)
    {
        Services = services;
        Time = time;
        Logs = logs;
    }

    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public LogCollector Logs { get; }
    public PluginCatalog Catalog => Services.GetRequiredService<PluginCatalog>();
    public PluginInvoker Invoker => Services.GetRequiredService<PluginInvoker>();

    public static PluginHost Start(
        PluginFolder folder, IDictionary<string, string?>? settings = null, ILeadSink? leadSink = null, IChannelEventSink? events = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestSettings.For(folder, settings)).Build();
        var logs = new LogCollector();
        var time = new FakeTimeProvider(TestSettings.Start);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(time);
        if (leadSink is not null) services.AddSingleton(leadSink);
        if (events is not null) services.AddSingleton(events);
        // Background work (plugin polling) may begin at once: the tests drive it themselves.
        services.AddSingleton<Tandem.Modules.Shared.Modules.IBackgroundStart, StartedAtOnce>();
        services.AddTandemPlugins(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.LoadTandemPlugins();
        return new PluginHost(provider, time, logs);
    }

    public PluginEntry Plugin(string id) => Catalog.Find(id) ?? throw new InvalidOperationException($"No plugin '{id}' was found.");

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>A real Kestrel server on a free loopback port with the plugin endpoints mapped as the host maps them.</summary>
internal sealed class WebPluginHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebPluginHost(WebApplication app, HttpClient client, FakeTimeProvider time, LogCollector logs)
    {
        _app = app;
        Client = client;
        Time = time;
        Logs = logs;
    }

    public HttpClient Client { get; }
    public FakeTimeProvider Time { get; }
    public LogCollector Logs { get; }
    public Uri BaseAddress => Client.BaseAddress!;

    public static async Task<WebPluginHost> StartAsync(
        PluginFolder folder, IDictionary<string, string?>? settings = null, ILeadSink? leadSink = null, IChannelEventSink? events = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestSettings.For(folder, settings));
        var logs = new LogCollector();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var time = new FakeTimeProvider(TestSettings.Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        if (leadSink is not null) builder.Services.AddSingleton(leadSink);
        if (events is not null) builder.Services.AddSingleton(events);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<Tandem.Modules.Shared.Modules.IBackgroundStart, StartedAtOnce>();
        builder.Services.AddTandemPlugins(builder.Configuration);

        var app = builder.Build();
        app.UseStatusCodePages();
        app.Services.LoadTandemPlugins();
        app.MapPluginEndpoints(app.MapGroup("/api"));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebPluginHost(app, new HttpClient { BaseAddress = new Uri(address) }, time, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The host's start gate, open from the beginning (the real host opens it shortly after start).</summary>
internal sealed class StartedAtOnce : Tandem.Modules.Shared.Modules.IBackgroundStart
{
    public Task WaitAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
