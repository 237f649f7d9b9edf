using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>The one binary's command line: help, modules, migrate (the apikey command is exercised in <see cref="ApiContractTests"/>).</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Help_lists_the_commands_run_migrate_apikey_modules_and_plugins()
    {
        var result = await HostCli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        var commands = result.Output.Split('\n').Select(l => l.Trim().Split(' ', 2)[0]).ToHashSet();
        Assert.Superset(new HashSet<string> { "run", "migrate", "apikey", "modules", "plugins" }, commands);
    }

    [Fact]
    public async Task Modules_list_prints_every_module_with_whether_it_is_enabled_and_what_it_requires()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var all = await HostCli.RunAsync(["modules", "list", .. store.HostArgs]);
        var withoutOutreach = await HostCli.RunAsync(["modules", "list", "--Tandem:Modules:Outreach:Enabled=false", .. store.HostArgs]);

        Assert.True(all.ExitCode == 0, all.ToString());
        var rows = Rows(all.Output);
        Assert.Equal(["yes", "-"], rows["Content"]);
        Assert.Equal(["yes", "-"], rows["Leads"]);
        Assert.Equal(["yes", "Leads"], rows["Prospects"]);
        Assert.Equal(["yes", "Prospects"], rows["Outreach"]);
        Assert.True(withoutOutreach.ExitCode == 0, withoutOutreach.ToString());
        Assert.Equal("no", Rows(withoutOutreach.Output)["Outreach"][0]);
        Assert.Equal("yes", Rows(withoutOutreach.Output)["Prospects"][0]);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Migrate_on_an_empty_store_creates_every_enabled_module_database_and_is_safe_to_run_again(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        foreach (var module in TestStore.Modules) Assert.False(await store.HasDatabaseAsync(module));

        var first = await HostCli.RunAsync(["migrate", .. store.HostArgs]);
        var again = await HostCli.RunAsync(["migrate", .. store.HostArgs]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Databases are up to date.", first.Output);
        foreach (var module in TestStore.Modules)
        {
            Assert.True(await store.HasDatabaseAsync(module), $"{module} has no database after migrate");
            Assert.Equal(0, (await store.OutboxAsync(module)).Total); // its tables exist, empty
        }
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task Migrate_leaves_a_disabled_module_without_a_database()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var result = await HostCli.RunAsync(["migrate", "--Tandem:Modules:Outreach:Enabled=false", .. store.HostArgs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(await store.HasDatabaseAsync("Prospects"));
        Assert.False(await store.HasDatabaseAsync("Outreach"));
    }

    [Fact]
    public async Task Apikey_create_with_an_unknown_role_fails_and_names_the_roles()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var result = await HostCli.RunAsync(["apikey", "create", "--name", "x", "--role", "superuser", .. store.HostArgs]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("sales", result.Output);
        Assert.DoesNotContain(result.Output.Split('\n'), l => l.Trim().StartsWith("tdm_", StringComparison.Ordinal));
    }

    /// <summary>"MODULE ENABLED REQUIRES" table rows by module name: [enabled, requires].</summary>
    private static Dictionary<string, string[]> Rows(string output) => output.Split('\n')
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Where(c => c.Length >= 3 && c[0] is "Content" or "Leads" or "Prospects" or "Outreach")
        .ToDictionary(c => c[0], c => new[] { c[1], string.Join(' ', c[2..]) });
}
