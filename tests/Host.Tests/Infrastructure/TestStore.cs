using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tandem.Host.Tests.Infrastructure;

/// <summary>Which database the host under test runs on.</summary>
public enum Provider { Sqlite, Postgres }

/// <summary>How far one module's outbox has been published.</summary>
internal sealed record OutboxState(string Module, int Total, int Pending, IReadOnlyList<string> Failures)
{
    public override string ToString() =>
        $"{Module}: {Total} messages, {Pending} pending" + (Failures.Count == 0 ? "" : "; failing: " + string.Join(" | ", Failures));
}

/// <summary>
/// A fresh, empty place for one host's data: a temporary SQLite folder (one file per module) or a fresh PostgreSQL
/// database (one schema per module). Deleted (dropped) on dispose. It can also look at what the host stored, which the
/// tests use only for what HTTP does not show: whether a module's database exists and whether every outbox is drained.
/// </summary>
internal abstract class TestStore : IAsyncDisposable
{
    /// <summary>The modules that own a database, in the host's naming (file name / schema = lower case).</summary>
    public static readonly string[] Modules = ["Content", "Leads", "Prospects", "Outreach"];

    public abstract Provider Provider { get; }

    /// <summary>The host's configuration arguments that point it at this store.</summary>
    public abstract IReadOnlyList<string> HostArgs { get; }

    /// <summary>A new, empty store. A PostgreSQL store skips the test (with how to enable it) when PostgreSQL is not configured.</summary>
    public static async Task<TestStore> CreateAsync(Provider provider) => provider switch
    {
        Provider.Sqlite => new SqliteStore(),
        Provider.Postgres => await PostgresStore.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    /// <summary>Whether the module has a database here at all (SQLite: its file; PostgreSQL: its schema).</summary>
    public abstract Task<bool> HasDatabaseAsync(string module);

    /// <summary>The outbox of a module that has a database.</summary>
    public abstract Task<OutboxState> OutboxAsync(string module);

    /// <summary>Outboxes of every module that has a database.</summary>
    public async Task<IReadOnlyList<OutboxState>> OutboxesAsync()
    {
        var states = new List<OutboxState>();
        foreach (var module in Modules)
            if (await HasDatabaseAsync(module)) states.Add(await OutboxAsync(module));
        return states;
    }

    /// <summary>The quoted name of a module's table, as SQL on this store needs it.</summary>
    public abstract string Table(string module, string table);

    /// <summary>
    /// A number read straight from a module's database, for the few facts no endpoint shows yet (a landing page's visit
    /// count). Use <see cref="Table"/> in <paramref name="sql"/>.
    /// </summary>
    public abstract Task<long> ScalarAsync(string module, string sql, params (string Name, object Value)[] parameters);

    /// <summary>A text read straight from a module's database (what an email carried that no endpoint shows); null when no row.</summary>
    public abstract Task<string?> TextAsync(string module, string sql, params (string Name, object Value)[] parameters);

    public abstract ValueTask DisposeAsync();

    protected const string OutboxSummarySql = """
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN "ProcessedAt" IS NULL THEN 1 ELSE 0 END), 0) FROM {0}
        """;

    protected const string OutboxFailuresSql = """
        SELECT "Type", "Attempts", "LastError" FROM {0} WHERE "ProcessedAt" IS NULL AND "LastError" IS NOT NULL LIMIT 5
        """;
}

internal sealed class SqliteStore : TestStore
{
    public SqliteStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tandem-host-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public override Provider Provider => Provider.Sqlite;

    public override IReadOnlyList<string> HostArgs => [$"--Tandem:DataDirectory={Directory}"];

    public string FileOf(string module) => Path.Combine(Directory, module.ToLowerInvariant() + ".db");

    public override Task<bool> HasDatabaseAsync(string module) => Task.FromResult(File.Exists(FileOf(module)));

    public override async Task<OutboxState> OutboxAsync(string module)
    {
        // Never creates a file (Mode=ReadWrite) and keeps no pooled handle on it (Pooling=False).
        await using var connection = new SqliteConnection($"Data Source={FileOf(module)};Mode=ReadWrite;Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        await using var summary = connection.CreateCommand();
        summary.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, OutboxSummarySql, "\"OutboxMessages\"");
        int total, pending;
        await using (var reader = await summary.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            total = reader.GetInt32(0);
            pending = reader.GetInt32(1);
        }
        var failures = new List<string>();
        await using var failing = connection.CreateCommand();
        failing.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, OutboxFailuresSql, "\"OutboxMessages\"");
        await using (var reader = await failing.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                failures.Add($"{reader.GetString(0).Split('.')[^1]} after {reader.GetInt32(1)} attempt(s): {reader.GetString(2)}");
        return new OutboxState(module, total, pending, failures);
    }

    public override string Table(string module, string table) => $"\"{table}\"";

    public override async Task<long> ScalarAsync(string module, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={FileOf(module)};Mode=ReadWrite;Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue("@" + name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<string?> TextAsync(string module, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={FileOf(module)};Mode=ReadWrite;Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue("@" + name, value);
        return await command.ExecuteScalarAsync() as string;
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep deleted files alive (DESIGN pitfall 12).
        SqliteConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable("TANDEM_TEST_KEEP_DATA") != "1")
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // a file still in use on an exotic file system: the temp folder is cleaned by the OS eventually
            }
        }
        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresStore : TestStore
{
    private readonly string _adminConnectionString;
    private readonly string _inspectionConnectionString;

    private PostgresStore(string adminConnectionString, string database)
    {
        _adminConnectionString = adminConnectionString;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
        _inspectionConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;
    }

    public string Database { get; }

    /// <summary>The fresh database, as the host gets it.</summary>
    public string ConnectionString { get; }

    public override Provider Provider => Provider.Postgres;

    public override IReadOnlyList<string> HostArgs => ["--Tandem:Database:Provider=Postgres", $"--ConnectionStrings:Tandem={ConnectionString}"];

    public static async Task<PostgresStore> CreateAsync()
    {
        var admin = Postgres.AdminConnectionStringOrSkip();
        var database = "tandem_test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new PostgresStore(admin, database);
    }

    public override async Task<bool> HasDatabaseAsync(string module)
    {
        await using var connection = new NpgsqlConnection(_inspectionConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = @schema", connection);
        command.Parameters.AddWithValue("schema", module.ToLowerInvariant());
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    public override async Task<OutboxState> OutboxAsync(string module)
    {
        var table = $"\"{module.ToLowerInvariant()}\".\"OutboxMessages\"";
        await using var connection = new NpgsqlConnection(_inspectionConnectionString);
        await connection.OpenAsync();
        int total, pending;
        await using (var summary = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, OutboxSummarySql, table), connection))
        await using (var reader = await summary.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            total = (int)reader.GetInt64(0);
            pending = (int)reader.GetInt64(1);
        }
        var failures = new List<string>();
        await using (var failing = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, OutboxFailuresSql, table), connection))
        await using (var reader = await failing.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                failures.Add($"{reader.GetString(0).Split('.')[^1]} after {reader.GetInt32(1)} attempt(s): {reader.GetString(2)}");
        return new OutboxState(module, total, pending, failures);
    }

    public override string Table(string module, string table) => $"\"{module.ToLowerInvariant()}\".\"{table}\"";

    public override async Task<long> ScalarAsync(string module, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_inspectionConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<string?> TextAsync(string module, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_inspectionConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync() as string;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("TANDEM_TEST_KEEP_DATA") == "1") return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        // FORCE: a host that was SIGKILLed may leave a backend that PostgreSQL has not reaped yet.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
        // An autovacuum worker (a superuser process) cannot be terminated by the test role: it finishes within moments.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}

/// <summary>The PostgreSQL server the tests may use, from <c>TANDEM_TEST_POSTGRES</c>.</summary>
internal static class Postgres
{
    public const string Variable = "TANDEM_TEST_POSTGRES";

    public const string HowToEnable =
        "PostgreSQL tests are skipped: set " + Variable + " to a connection string of a role that may create databases, e.g. " +
        "'Host=127.0.0.1;Username=tandem;Password=tandem;Database=postgres' (.ci/run installs, starts and sets it; " +
        "in a shell: eval \"$(.ci/run --postgres-only)\").";

    public static string? AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The admin connection string; skips the calling test (a SkippableFact/SkippableTheory) when there is none.</summary>
    public static string AdminConnectionStringOrSkip()
    {
        Skip.If(AdminConnectionString is null, HowToEnable);
        return AdminConnectionString!;
    }
}
