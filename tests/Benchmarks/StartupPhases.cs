using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Composition;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Benchmarks;

/// <summary>
/// <c>--startup-phases [configuration arguments]</c>: starts the real host once, in this process, and prints when each
/// start-up phase ends, counted from process start. Without <c>--Tandem:DataDirectory=…</c> a fresh temporary folder
/// is used (cold start); pass an already migrated folder for a warm one. Code is jitted here unless this project is
/// published ReadyToRun, so compare with <c>scripts/measure-startup.sh -- -p:PublishReadyToRun=false</c>.
/// </summary>
internal static class StartupPhases
{
    public static async Task<int> RunAsync(string[] args)
    {
        var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var phases = new List<(string Phase, DateTime End)>();
        void Mark(string phase) => phases.Add((phase, DateTime.UtcNow)); // printed at the end, after the host's own log

        Mark("Main reached (runtime started, assemblies resolved)");
        var temporary = args.Any(a => a.StartsWith("--Tandem:DataDirectory", StringComparison.Ordinal))
            ? null
            : Path.Combine(Path.GetTempPath(), "tandem-phases-" + Guid.NewGuid().ToString("N"));
        string[] configuration = [.. args, "--urls", "http://127.0.0.1:0", .. temporary is null ? [] : new[] { $"--Tandem:DataDirectory={temporary}" }];

        var app = TandemApp.Build(configuration);
        Mark("TandemApp.Build: configuration, services, endpoints");
        try
        {
            foreach (var database in app.Services.GetServices<ModuleDatabase>())
            {
                await using var scope = app.Services.CreateAsyncScope();
                _ = ((DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType)).Model;
                Mark($"EF Core model of {database.Module}");
            }
            var startup = app.Services.GetRequiredService<StartupTasks>();
            await startup.MigrateAsync(CancellationToken.None);
            Mark("migrations of every module (models already built)");
            await startup.MigrateAsync(CancellationToken.None);
            Mark("migrations again: nothing to do, code already compiled");
            await startup.RunAsync(CancellationToken.None);
            Mark("start-up tasks: migrations again + bootstrap key + plugins + ChannelsChanged");
            await app.StartAsync();
            Mark("app.StartAsync: hosted services (outbox dispatcher), Kestrel listening");
            var status = await GetStatusLineAsync(app, "/health/ready");
            Mark($"first GET /health/ready served: {status}");
            await app.StopAsync();
        }
        finally
        {
            await app.DisposeAsync();
            if (temporary is not null)
            {
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(temporary, recursive: true); } catch (IOException) { }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Start-up phases ({(temporary is null ? "given data folder" : "fresh data folder: cold")}), ms since process start:");
        var previous = processStart;
        foreach (var (phase, end) in phases)
        {
            Console.WriteLine($"{(end - processStart).TotalMilliseconds,6:0} ms  (+{(end - previous).TotalMilliseconds,4:0})  {phase}");
            previous = end;
        }
        return 0;
    }

    /// <summary>A bare HTTP/1.1 GET over a socket, so that no client code of ours is compiled inside the measured phase.</summary>
    private static async Task<string> GetStatusLineAsync(WebApplication app, string path)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        var response = Encoding.ASCII.GetString(buffer, 0, read);
        return response[..Math.Max(0, response.IndexOf('\r'))];
    }
}
