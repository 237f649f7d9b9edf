using Npgsql;

namespace Tandem.Load;

/// <summary>A fresh PostgreSQL database for one load run, and its removal.</summary>
internal static class PostgresDatabase
{
    /// <summary>Creates <c>tandem_load_&lt;random&gt;</c> with the admin connection string; prints the host's connection string.</summary>
    public static async Task<int> CreateAsync(Options options)
    {
        var admin = options.PositionalAt(0, "the admin connection string");
        var database = "tandem_load_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(WithoutPooling(admin)))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        Console.WriteLine(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString);
        return 0;
    }

    public static async Task<int> DropAsync(Options options)
    {
        var admin = options.PositionalAt(0, "the admin connection string");
        var database = options.PositionalAt(1, "the database name");
        if (!database.StartsWith("tandem_load_", StringComparison.Ordinal)) throw new UsageException("only drops databases made by pg-create (tandem_load_*)");
        await using var connection = new NpgsqlConnection(WithoutPooling(admin));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        return 0;
    }

    private static string WithoutPooling(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
