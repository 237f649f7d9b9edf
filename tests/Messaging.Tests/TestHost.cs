using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tandem.Host.Composition;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>Which database a test runs on.</summary>
public enum Provider { Sqlite, Postgres }

/// <summary>
/// The real host composition in-process (not listening), on a fresh SQLite folder or a fresh PostgreSQL database,
/// with a fake clock. Migrations run; the background dispatcher does not, so tests drive dispatch themselves.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string PostgresVariable = "TANDEM_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _database;
    private readonly string? _adminConnection;

    public WebApplication App { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    public IServiceProvider Services => App.Services;

    private TestHost(Provider provider, string[] extraArgs)
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning" };
        if (provider == Provider.Postgres)
        {
            _adminConnection = Environment.GetEnvironmentVariable(PostgresVariable)!;
            _database = "tandem_msg_" + Guid.NewGuid().ToString("N")[..12];
            using (var admin = new NpgsqlConnection(_adminConnection))
            {
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
                create.ExecuteNonQuery();
            }
            var cs = new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _database }.ConnectionString;
            args.AddRange(["--Tandem:Database:Provider=Postgres", $"--ConnectionStrings:Tandem={cs}"]);
        }
        else
        {
            _directory = Path.Combine(Path.GetTempPath(), "tandem-msg-" + Guid.NewGuid().ToString("N")[..12]);
            args.Add($"--Tandem:DataDirectory={_directory}");
        }
        args.AddRange(extraArgs);
        App = TandemApp.Build(args.ToArray(), services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public static async Task<TestHost> StartAsync(Provider provider, params string[] extraArgs)
    {
        var host = Create(provider, extraArgs);
        await host.Services.GetRequiredService<StartupTasks>().MigrateAsync(CancellationToken.None);
        return host;
    }

    /// <summary>The composition on an empty store: nothing migrated yet.</summary>
    public static TestHost Create(Provider provider, params string[] extraArgs)
    {
        Skip.If(provider == Provider.Postgres && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)),
            $"PostgreSQL tests need {PostgresVariable} (an admin connection string); .ci/run sets it.");
        return new TestHost(provider, extraArgs);
    }

    /// <summary>The SQLite folder of this host (null on PostgreSQL).</summary>
    public string? DataDirectory => _directory;

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    /// <summary>
    /// Runs Outreach's step scheduler once, as its background service would (the test host is built, not started): the
    /// due steps of new enrolments become rep tasks. Returns how many steps it ran.
    /// </summary>
    public Task<int> RunSchedulerAsync() =>
        Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Tandem.Modules.Outreach.Scheduling.StepScheduler>().Single()
            .RunOnceAsync(CancellationToken.None);

    public ModuleDatabase Database(string module) => Services.GetServices<ModuleDatabase>().Single(d => d.Module == module);

    public static ModuleDbContext Context(AsyncServiceScope scope, ModuleDatabase database) =>
        (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnection);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            // An autovacuum worker (a superuser process) on the fresh database cannot be terminated by the test role:
            // it finishes within moments, so try again for a few seconds, then leave the database to the cluster.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    break;
                }
            }
        }
    }
}
