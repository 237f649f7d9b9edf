using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>A module's database as the host sees it: what to migrate and which outbox to dispatch.</summary>
public sealed record ModuleDatabase(string Module, Type ContextType);

public static class PersistenceRegistration
{
    /// <summary>
    /// Contexts kept for reuse per module. Building a DbContext (its options and internal services) cost more CPU than
    /// the SQL of a typical handler (docs/performance.md); a pooled one is reset and handed to the next scope instead.
    /// </summary>
    private const int PoolSize = 256;

    /// <summary>
    /// Registers a module DbContext for the configured provider. <typeparamref name="TContext"/> is what the module's
    /// handlers inject; the provider subclasses carry the migrations of their provider.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres>(
        this IServiceCollection services, string module, IConfiguration configuration)
        where TContext : ModuleDbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        var options = DatabaseOptions.From(configuration);
        var schema = module.ToLowerInvariant();
        Func<DbConnection> connect;
        Action<DbConnection>? prepare = null;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var connectionString = options.PostgresConnectionString!;
            services.AddPooledDbContextFactory<TPostgres>(o => ConfigurePostgres(o, connectionString, schema), PoolSize);
            services.AddScoped<TContext>(sp => ModuleDbContext.Rent(sp.GetRequiredService<IDbContextFactory<TPostgres>>(), sp));
            connect = () => new NpgsqlConnection(connectionString);
        }
        else
        {
            var connectionString = options.SqliteConnectionString(module);
            services.AddPooledDbContextFactory<TSqlite>(o => ConfigureSqlite(o, connectionString, options.SqliteFullSync), PoolSize);
            services.AddScoped<TContext>(sp => ModuleDbContext.Rent(sp.GetRequiredService<IDbContextFactory<TSqlite>>(), sp));
            var setup = options.SqliteFullSync ? SqliteConnectionSetup.Full : SqliteConnectionSetup.Normal;
            connect = () => new SqliteConnection(connectionString);
            prepare = setup.Apply;
        }
        services.AddSingleton(new ModuleDatabase(module, typeof(TContext)));
        var groupCommit = GroupCommitOptions.From(configuration);
        PipelineMetrics.TryAddTo(services);
        if (groupCommit.Enabled)
            services.AddKeyedSingleton(module, (sp, _) => new ModuleWriter(module, connect, prepare, groupCommit,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ModuleWriter).FullName + "." + module), sp.GetRequiredService<PipelineMetrics>()));
        return services;
    }

    // A forgotten migration is caught by a test (no pending model changes, both providers), not by every start.
    // A list in a query (`ids.Contains(x.Id)`) goes to SQLite as ONE json parameter read with json_each, not EF 10's
    // default of one parameter per item: Microsoft.Data.Sqlite binds every parameter by name, a linear search over the
    // statement's names, so a 5,000-item lookup cost 12.5 M string compares (a fifth of the import's CPU, docs/performance.md).
    internal static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString, bool fullSync = true) =>
        o.UseSqlite(connectionString, s => s.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(fullSync ? SqliteConnectionSetup.Full : SqliteConnectionSetup.Normal)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    internal static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString, string schema) =>
        o.UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__EFMigrationsHistory", schema))
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>Runs the context's migrations; on SQLite first creates the folder and turns on WAL.</summary>
    public static async Task MigrateModuleAsync(this ModuleDbContext context, CancellationToken cancellationToken)
    {
        if (context.Database.IsSqlite())
        {
            var builder = new SqliteConnectionStringBuilder(context.Database.GetConnectionString());
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (directory is not null) Directory.CreateDirectory(directory);
            await context.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                // WAL is persistent in the file: readers never block the writer; fsync on commit keeps a crash lossless.
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await context.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }
            return;
        }
        // On a fresh PostgreSQL schema EF Core probes the history table before creating it and logs the failed
        // probe as an error (npgsql/efcore.pg#3407), which would alarm operators: create the table first.
        await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await context.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build a module's SQLite context without the host.</summary>
public abstract class SqliteDesignTimeFactory<T> : IDesignTimeDbContextFactory<T> where T : ModuleDbContext
{
    public T CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<T>();
        PersistenceRegistration.ConfigureSqlite(builder, "Data Source=design-time.db");
        return (T)Activator.CreateInstance(typeof(T), builder.Options)!;
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build a module's PostgreSQL context without a server.</summary>
public abstract class PostgresDesignTimeFactory<T>(string schema) : IDesignTimeDbContextFactory<T> where T : ModuleDbContext
{
    public T CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<T>();
        PersistenceRegistration.ConfigurePostgres(builder, "Host=localhost;Database=design_time", schema);
        return (T)Activator.CreateInstance(typeof(T), builder.Options)!;
    }
}
