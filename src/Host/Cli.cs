using System.CommandLine;
using Tandem.Host.Access;
using Tandem.Host.Composition;

namespace Tandem.Host;

/// <summary>The <c>tandem</c> command line: one binary that serves, migrates and administers.</summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "Tandem — customer acquisition in one binary: lead generation (content, forms, landing pages) and prospecting " +
            "(ICP, sequences, rep tasks) sharing one record of every person.\n\n" +
            "Without a command, Tandem runs (same as 'tandem run'). Any configuration key can follow, e.g.\n" +
            "  tandem --urls http://0.0.0.0:5080 --Tandem:DataDirectory=/var/lib/tandem\n" +
            "  tandem --Tandem:Database:Provider=Postgres --ConnectionStrings:Tandem=\"Host=…\"");
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, ct) => ServeAsync(Rest(parse), ct));

        var run = new Command("run", "Start the web application and API (default): migrates the databases, loads the plugins, then serves on --urls (default http://localhost:5080).");
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction((parse, ct) => ServeAsync(Rest(parse), ct));
        root.Subcommands.Add(run);

        var migrate = new Command("migrate", "Create or upgrade the databases of every enabled module, then exit. Safe to run again; the host also does it at start.");
        migrate.TreatUnmatchedTokensAsErrors = false;
        migrate.SetAction((parse, ct) => WithApp(Rest(parse), async app =>
        {
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            Console.WriteLine("Databases are up to date.");
            return 0;
        }));
        root.Subcommands.Add(migrate);

        var name = new Option<string>("--name") { Description = "Who or what uses the key, e.g. 'website' or 'alice'.", Required = true };
        var role = new Option<string>("--role") { Description = "admin (everything), marketing (content, leads) or sales (leads, prospects, outreach).", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var create = new Command("create", "Create an API key and print it once (only a hash is stored). Use it as 'Authorization: Bearer <key>'.") { name, role };
        create.TreatUnmatchedTokensAsErrors = false;
        create.SetAction((parse, ct) => WithApp(Rest(parse), async app =>
        {
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var (record, key) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
                .CreateAsync(parse.GetValue(name)!, parse.GetValue(role)!, ct);
            Console.WriteLine($"Created API key '{record.Name}' with role {record.Role}. Copy it now, it is not shown again:");
            Console.WriteLine(key);
            return 0;
        }));
        var apikey = new Command("apikey", "Manage API keys.") { create };
        root.Subcommands.Add(apikey);

        var modulesList = new Command("list", "Show the modules compiled in, whether each is enabled, and what it requires.");
        modulesList.TreatUnmatchedTokensAsErrors = false;
        modulesList.SetAction((parse, ct) => WithApp(Rest(parse), app =>
        {
            var catalog = app.Services.GetRequiredService<ModuleCatalog>();
            Console.WriteLine($"{"MODULE",-12} {"ENABLED",-8} REQUIRES");
            foreach (var m in ModuleCatalog.All)
                Console.WriteLine($"{m.Name,-12} {(catalog.IsEnabled(m.Name) ? "yes" : "no"),-8} {(m.Requires.Count == 0 ? "-" : string.Join(", ", m.Requires))}");
            return Task.FromResult(0);
        }));
        root.Subcommands.Add(new Command("modules", "Inspect modules (switch one off with --Tandem:Modules:<Name>:Enabled=false).") { modulesList });

        var pluginsList = new Command("list", "Load the plugins folder and show each plugin's status (Active, Disabled, Incompatible, Failed) and why.");
        pluginsList.TreatUnmatchedTokensAsErrors = false;
        pluginsList.SetAction((parse, ct) => WithApp(Rest(parse), app => Task.FromResult(Plugins.PluginListing.Run(app.Services, Console.Out))));
        root.Subcommands.Add(new Command("plugins", "Inspect channel plugins.") { pluginsList });

        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>Configuration arguments for an admin command: quiet logs (the command prints what matters), overridable.</summary>
    private static string[] Rest(ParseResult parse) =>
        parse.CommandResult.Command is RootCommand || parse.CommandResult.Command.Name == "run"
            ? parse.UnmatchedTokens.ToArray()
            : ["--Logging:LogLevel:Default=Warning", .. parse.UnmatchedTokens];

    private static async Task<int> ServeAsync(string[] args, CancellationToken ct) => await WithApp(args, async app =>
    {
        await app.Services.GetRequiredService<StartupTasks>().RunAsync(ct);
        await app.RunAsync();
        return 0;
    });

    private static async Task<int> WithApp(string[] args, Func<WebApplication, Task<int>> action)
    {
        WebApplication app;
        try
        {
            app = TandemApp.Build(args);
        }
        catch (ModuleDependencyException ex)
        {
            await Console.Error.WriteLineAsync("Tandem cannot start with this module configuration:");
            foreach (var problem in ex.Problems) await Console.Error.WriteLineAsync("  - " + problem);
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Tandem:", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("Tandem configuration error: " + ex.Message);
            return 2;
        }
        await using (app)
        {
            return await action(app);
        }
    }
}
