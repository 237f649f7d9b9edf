using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>The one binary's command line: help, unknown commands, modules, migrate (the apikey commands are exercised in <see cref="ApiKeyTests"/>).</summary>
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

    [Theory]
    [InlineData("--help")]
    [InlineData("apikey", "--help")]
    [InlineData("apikey", "revoke", "--help")]
    public async Task Help_and_usage_call_the_program_tandem_and_nothing_else(params string[] args)
    {
        var result = await HostCli.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var usage = result.Output.Split('\n').SkipWhile(l => !l.StartsWith("Usage:", StringComparison.Ordinal)).Skip(1).First().Trim();
        Assert.StartsWith("tandem", usage);
        Assert.DoesNotContain("Tandem.Host", result.Output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("apikey", "lst")]
    [InlineData("migrate", "now")]
    [InlineData("--urls", "http://127.0.0.1:0", "serve")]
    public async Task An_unknown_command_is_refused_with_the_help_instead_of_starting_the_server(params string[] args)
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        // Were it to start the server, it would not exit: the timeout fails the test.
        var result = await HostCli.RunAsync(null, TimeSpan.FromSeconds(60), [.. args, "--urls", "http://127.0.0.1:0", .. store.HostArgs]);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains($"'{args[^1]}'", result.Output);
        Assert.Contains("Usage:", result.Output);
        Assert.DoesNotContain("Now listening", result.Output);
        foreach (var module in TestStore.Modules) Assert.False(await store.HasDatabaseAsync(module), $"{module} got a database: {result}");
    }

    [Fact]
    public async Task A_too_short_bootstrap_key_is_a_one_line_error_and_exit_code_2()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var result = await HostCli.RunAsync("short-key", TimeSpan.FromSeconds(60), ["run", "--urls", "http://127.0.0.1:0", .. store.HostArgs]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains("TANDEM_BOOTSTRAP_API_KEY", line);
        Assert.Contains("16", line);
        Assert.DoesNotContain("short-key", line);
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
        Assert.DoesNotContain("up to date", first.Output); // a database that was just created is not "up to date"
        Assert.DoesNotContain("fail:", first.Output); // finding out what there is logs no error (a missing history table on PostgreSQL)
        foreach (var module in TestStore.Modules) Assert.Contains(first.Output.Split('\n'), l => l.Contains(module) && l.Contains("created"));
        foreach (var module in TestStore.Modules) Assert.Contains(again.Output.Split('\n'), l => l.Contains(module) && l.Contains("up to date"));
        Assert.DoesNotContain("created", again.Output);
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
