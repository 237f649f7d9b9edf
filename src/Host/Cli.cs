using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Tandem.Host.Access;
using Tandem.Host.Composition;

namespace Tandem.Host;

/// <summary>The <c>tandem</c> command line: one binary that serves, migrates and administers.</summary>
internal static partial class Cli
{
    /// <summary>What help and usage call the program, whatever the file is called (Tandem.Host.dll, dotnet run…).</summary>
    public const string ProgramName = "tandem";

    public static async Task<int> RunAsync(string[] args)
    {
        // A plain command named "tandem" rather than RootCommand, whose name is the executable's file name.
        var root = new Command(ProgramName,
            "Tandem — customer acquisition in one binary: lead generation (content, forms, landing pages) and prospecting " +
            "(ICP, sequences, rep tasks) sharing one record of every person.\n\n" +
            "Without a command, Tandem runs (same as 'tandem run'). Any configuration key can follow, as --key value or --key=value, e.g.\n" +
            "  tandem --urls http://0.0.0.0:5080 --Tandem:DataDirectory=/var/lib/tandem\n" +
            "  tandem --Tandem:Database:Provider=Postgres --ConnectionStrings:Tandem=\"Host=…\"")
        {
            new HelpOption(),
            new VersionOption(),
        };
        Configurable(root, (parse, rest, ct) => ServeAsync(rest, ct));

        var run = new Command("run", "Start the web application and API (default): migrates the databases, loads the plugins, then serves on --urls (default http://localhost:5080).");
        Configurable(run, (parse, rest, ct) => ServeAsync(rest, ct));
        root.Subcommands.Add(run);

        var migrate = new Command("migrate", "Create or upgrade the databases of every enabled module, then exit. Safe to run again; the host also does it at start.");
        Configurable(migrate, (parse, rest, ct) => WithApp(rest, async app =>
        {
            foreach (var outcome in await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct))
                Console.WriteLine($"{outcome.Module,-10} {outcome.Describe()}");
            return 0;
        }));
        root.Subcommands.Add(migrate);

        root.Subcommands.Add(ApiKeyCommands());
        root.Subcommands.Add(ImportCommands());
        root.Subcommands.Add(PrivacyCommands());
        root.Subcommands.Add(UserCommands());
        root.Subcommands.Add(DemoCommand());

        var modulesList = new Command("list", "Show the modules compiled in, whether each is enabled, and what it requires.");
        Configurable(modulesList, (parse, rest, ct) => WithApp(rest, app =>
        {
            var catalog = app.Services.GetRequiredService<ModuleCatalog>();
            Console.WriteLine($"{"MODULE",-12} {"ENABLED",-8} REQUIRES");
            foreach (var m in ModuleCatalog.All)
                Console.WriteLine($"{m.Name,-12} {(catalog.IsEnabled(m.Name) ? "yes" : "no"),-8} {(m.Requires.Count == 0 ? "-" : string.Join(", ", m.Requires))}");
            return Task.FromResult(0);
        }));
        root.Subcommands.Add(new Command("modules", "Inspect modules (switch one off with --Tandem:Modules:<Name>:Enabled=false).") { modulesList });

        var pluginsList = new Command("list", "Load the plugins folder and show each plugin's status (Active, Disabled, Incompatible, Failed, Unconfigured) and why.");
        Configurable(pluginsList, (parse, rest, ct) => WithApp(rest, app => Task.FromResult(Plugins.PluginListing.Run(app.Services, Console.Out))));
        root.Subcommands.Add(new Command("plugins", "Inspect channel plugins.") { pluginsList });

        return await root.Parse(args).InvokeAsync();
    }

    private static Command ApiKeyCommands()
    {
        var name = new Option<string>("--name") { Description = "Who or what uses the key, e.g. 'website' or 'alice'.", Required = true };
        var role = new Option<string>("--role") { Description = "admin (everything), marketing (content, leads) or sales (leads, prospects, outreach).", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var create = new Command("create", "Create an API key and print it once (only a hash is stored). Use it as 'Authorization: Bearer <key>'.") { name, role };
        Configurable(create, (parse, rest, ct) => WithKeys(rest, ct, async keys =>
        {
            var (record, key) = await keys.CreateAsync(parse.GetValue(name)!, parse.GetValue(role)!, ct);
            Console.WriteLine($"Created API key '{record.Name}' (id {record.Id}) with role {record.Role}. Copy it now, it is not shown again:");
            Console.WriteLine(key);
            return 0;
        }));

        var list = new Command("list", "List the API keys that are not revoked: id, name, role, when created and last used (never the secret).");
        Configurable(list, (parse, rest, ct) => WithKeys(rest, ct, async keys =>
        {
            var all = await keys.ListAsync(ct);
            Console.WriteLine($"{"ID",-32} {"NAME",-24} {"ROLE",-9} {"CREATED (UTC)",-16} LAST USED (UTC)");
            foreach (var k in all)
                Console.WriteLine($"{k.Id,-32} {k.Name,-24} {k.Role,-9} {Time(k.CreatedAt),-16} {(k.LastUsedAt is { } used ? Time(used) : "never")}");
            return 0;
        }));

        var id = new Argument<string>("id") { Description = "The key's id, as 'tandem apikey list' shows it." };
        var revoke = new Command("revoke", "Revoke an API key: the running hosts refuse it from its next request on.") { id };
        Configurable(revoke, (parse, rest, ct) => WithKeys(rest, ct, async keys =>
        {
            var keyId = parse.GetValue(id)!;
            if (await keys.RevokeAsync(keyId, ct) is not { } revoked)
            {
                await Console.Error.WriteLineAsync($"No API key has the id '{keyId}'; 'tandem apikey list' shows them.");
                return 1;
            }
            Console.WriteLine($"Revoked API key '{revoked.Name}' (id {revoked.Id}, role {revoked.Role}).");
            return 0;
        }));

        return new Command("apikey", "Manage API keys: create, list, revoke.") { create, list, revoke };
    }

    private static Command UserCommands()
    {
        var email = new Option<string>("--email") { Description = "The person's email address: what they sign in with.", Required = true };
        var role = new Option<string>("--role") { Description = "admin, marketing, sales or manager.", Required = true };
        role.AcceptOnlyFromAmong(Tandem.Web.Identity.UiRoles.All);
        var password = new Option<string?>("--password") { Description = "At least 10 characters; without it, one is generated and printed once." };
        var create = new Command("create", "Create a person who signs in to the web app (the first admin, typically), with one role.") { email, role, password };
        Configurable(create, (parse, rest, ct) => WithApp(rest, async app =>
        {
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Tandem.Web.Identity.UserAdministration>();
            var chosen = parse.GetValue(password);
            var secret = string.IsNullOrEmpty(chosen) ? Tandem.Web.Identity.UserAdministration.GeneratePassword() : chosen;
            var created = await users.CreateAsync(parse.GetValue(email)!, parse.GetValue(role)!, secret);
            if (created.User is not { } user)
            {
                foreach (var error in created.Errors) await Console.Error.WriteLineAsync(error);
                return 1;
            }
            Console.WriteLine($"Created user {user.Email} with role {string.Join(", ", user.Roles)}; sign in at /account/login.");
            if (string.IsNullOrEmpty(chosen))
            {
                Console.WriteLine("Their password (shown once; only a hash is stored):");
                Console.WriteLine(secret);
            }
            return 0;
        }));
        return new Command("user", "Manage the people who sign in to the web app.") { create };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// Gives a command its action and lets configuration keys follow it (<c>--key value</c>, <c>--key=value</c>); anything
    /// else left over (a mistyped command, a stray word) is refused with the command's help instead of being ignored.
    /// </summary>
    private static void Configurable(Command command, Func<ParseResult, string[], CancellationToken, Task<int>> action)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (StrayToken(parse.UnmatchedTokens) is { } stray)
            {
                await Console.Error.WriteLineAsync($"Unrecognized command or argument '{stray}'.");
                await Console.Error.WriteLineAsync();
                new HelpAction().Invoke(parse);
                return 1;
            }
            return await action(parse, Rest(parse), ct);
        });
    }

    /// <summary>The first token that is neither a configuration key nor the value after one, or null.</summary>
    internal static string? StrayToken(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2) return token;
            if (!token.Contains('=', StringComparison.Ordinal)) i++; // "--key value": the next token is the value
        }
        return null;
    }

    /// <summary>Configuration arguments for an admin command: quiet logs (the command prints what matters), overridable.</summary>
    private static string[] Rest(ParseResult parse) =>
        parse.CommandResult.Command.Name is ProgramName or "run"
            ? parse.UnmatchedTokens.ToArray()
            : ["--Logging:LogLevel:Default=Warning", .. parse.UnmatchedTokens];

    private static async Task<int> ServeAsync(string[] args, CancellationToken ct) => await WithApp(args, async app =>
    {
        await app.Services.GetRequiredService<StartupTasks>().RunAsync(ct);
        await app.RunAsync();
        return 0;
    });

    /// <summary>Runs an API key command on a migrated platform database.</summary>
    private static Task<int> WithKeys(string[] args, CancellationToken ct, Func<ApiKeyService, Task<int>> action) => WithApp(args, async app =>
    {
        await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ApiKeyService>());
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
            try
            {
                return await action(app);
            }
            catch (StartupConfigurationException ex)
            {
                await Console.Error.WriteLineAsync("Tandem configuration error: " + ex.Message);
                return 2;
            }
        }
    }
}
