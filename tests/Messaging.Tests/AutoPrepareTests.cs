using Microsoft.Extensions.Configuration;
using Npgsql;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>PostgreSQL connections prepare repeated statements on the server unless the operator's connection string says otherwise.</summary>
public sealed class AutoPrepareTests
{
    private const string Given = "Host=127.0.0.1;Username=tandem;Password=secret;Database=tandem";

    [Fact]
    public void A_connection_string_without_the_setting_gets_automatic_preparation_and_keeps_everything_else()
    {
        var result = new NpgsqlConnectionStringBuilder(DatabaseOptions.WithAutoPrepare(Given));
        Assert.Equal(DatabaseOptions.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
        Assert.Equal(("127.0.0.1", "tandem", "secret", "tandem"), (result.Host, result.Username, result.Password, result.Database));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0", 0)]
    [InlineData("MaxAutoPrepare=12", 12)]
    [InlineData("max auto prepare=7", 7)]
    public void A_connection_string_that_sets_it_keeps_its_value(string setting, int expected)
    {
        var given = Given + ";" + setting;
        Assert.Equal(given, DatabaseOptions.WithAutoPrepare(given));
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(given).MaxAutoPrepare);
    }

    [Fact]
    public void The_host_configuration_applies_it_on_postgres_only()
    {
        static DatabaseOptions From(params (string Key, string Value)[] settings) => DatabaseOptions.From(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());
        var postgres = From(("Tandem:Database:Provider", "Postgres"), ("ConnectionStrings:Tandem", Given));
        Assert.Equal(DatabaseOptions.DefaultMaxAutoPrepare, new NpgsqlConnectionStringBuilder(postgres.PostgresConnectionString).MaxAutoPrepare);
        var sqlite = From(("ConnectionStrings:Tandem", Given));
        Assert.Equal(Given, sqlite.PostgresConnectionString);
    }
}
