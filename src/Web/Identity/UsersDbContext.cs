using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Web.Identity;

/// <summary>A person who signs in to the web app (machines use API keys instead).</summary>
public sealed class TandemUser : IdentityUser
{
    /// <summary>The UI language this person chose (<c>fr</c> or <c>en</c>); null: the browser's.</summary>
    [PersonalData]
    public string? Culture { get; set; }
}

/// <summary>
/// The web app's users and roles (ASP.NET Core Identity), in their own database: <c>identity.db</c> beside the modules'
/// files on SQLite, the <c>identity</c> schema on PostgreSQL. No module reads it; the platform database is not touched.
/// </summary>
public class UsersDbContext(DbContextOptions options) : IdentityDbContext<TandemUser>(options)
{
    public const string Name = "Identity";
    public const string Schema = "identity";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        if (Database.IsNpgsql()) builder.HasDefaultSchema(Schema);
        base.OnModelCreating(builder);
        builder.Entity<TandemUser>().Property(u => u.Culture).HasMaxLength(10);
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString).ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    internal static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__EFMigrationsHistory", Schema))
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
}

/// <summary>The SQLite flavour, which carries the SQLite migrations.</summary>
public sealed class SqliteUsersDbContext(DbContextOptions<SqliteUsersDbContext> options) : UsersDbContext(options);

/// <summary>The PostgreSQL flavour, which carries the PostgreSQL migrations.</summary>
public sealed class PostgresUsersDbContext(DbContextOptions<PostgresUsersDbContext> options) : UsersDbContext(options);

internal sealed class SqliteUsersDesignTimeFactory : IDesignTimeDbContextFactory<SqliteUsersDbContext>
{
    public SqliteUsersDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteUsersDbContext>();
        UsersDbContext.ConfigureSqlite(builder, "Data Source=design-time.db");
        return new SqliteUsersDbContext(builder.Options);
    }
}

internal sealed class PostgresUsersDesignTimeFactory : IDesignTimeDbContextFactory<PostgresUsersDbContext>
{
    public PostgresUsersDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresUsersDbContext>();
        UsersDbContext.ConfigurePostgres(builder, "Host=localhost;Database=design_time");
        return new PostgresUsersDbContext(builder.Options);
    }
}
