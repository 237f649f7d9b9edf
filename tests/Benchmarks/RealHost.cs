using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Host.Composition;
using Tandem.Host.Messaging;
using Tandem.Modules.Leads.Contracts;

namespace Tandem.Benchmarks;

/// <summary>
/// The production container, built the way <c>tandem run</c> builds it (all modules on, default configuration, so
/// Information logging), on a throw-away SQLite data folder, with the start-up tasks run once (migrations, plugins).
/// The web server is never started: only the services are used.
/// </summary>
internal sealed class RealHost : IAsyncDisposable
{
    private readonly string _dataDirectory;

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;

    private RealHost(string dataDirectory, WebApplication app)
    {
        _dataDirectory = dataDirectory;
        App = app;
    }

    public static async Task<RealHost> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tandem-bench-" + Guid.NewGuid().ToString("N"));
        var app = TandemApp.Build([$"--Tandem:DataDirectory={dataDirectory}", "--urls=http://127.0.0.1:0"]);
        var host = new RealHost(dataDirectory, app);
        await app.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);

        // Say what is measured: the logging behaviour only does work at Debug, which production does not turn on.
        var logger = app.Services.GetRequiredService<ILogger<LoggingBehavior<GetMqlDefinition, MqlDefinition>>>();
        Console.WriteLine($"// Tandem host built; LoggingBehavior at Debug: {logger.IsEnabled(LogLevel.Debug)} (production default: False)");
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; never fail a benchmark run over it.
        }
    }
}

internal static class Completed
{
    /// <summary>Every message measured here completes synchronously: take the result without an async hop.</summary>
    public static T Result<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully) task.AsTask().GetAwaiter().GetResult();
    }
}
