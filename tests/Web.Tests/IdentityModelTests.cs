using Microsoft.EntityFrameworkCore;
using Tandem.Web.Identity;

namespace Tandem.Web.Tests;

/// <summary>The web app's users database has a migration for every model change, on both providers.</summary>
public sealed class IdentityModelTests
{
    [Fact]
    public void The_users_model_has_no_change_without_a_migration_on_sqlite()
    {
        using var db = new SqliteUsersDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project src/Web --context SqliteUsersDbContext --output-dir Identity/Migrations/Sqlite");
    }

    [Fact]
    public void The_users_model_has_no_change_without_a_migration_on_postgres()
    {
        using var db = new PostgresUsersDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project src/Web --context PostgresUsersDbContext --output-dir Identity/Migrations/Postgres");
    }
}
