using System.CommandLine;
using System.Globalization;
using Tandem.Host.Composition;
using Tandem.Web.Demo;

namespace Tandem.Host;

internal static partial class Cli
{
    /// <summary>Exit code of <c>tandem demo</c> on a database that already holds data (nothing is written).</summary>
    public const int DemoRefused = 3;

    private static Command DemoCommand()
    {
        var leads = new Option<int>("--leads") { Description = "How many visitors submit the demo form (default 300).", DefaultValueFactory = _ => 300 };
        var demo = new Command("demo",
            "Seed the reference scenario into an EMPTY database — a solar installer's guide, its landing page and form, an ICP, two personas, " +
            "a sequence, a few hundred leads with scores, prospects and calls over the last 90 days — then exit. Refuses a database that has data.") { leads };
        Configurable(demo, (parse, rest, ct) => WithApp(rest, async app =>
        {
            var count = parse.GetValue(leads);
            if (count is < 1 or > 100_000)
            {
                await Console.Error.WriteLineAsync("--leads: between 1 and 100000.");
                return 1;
            }
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
            if (await seeder.HasDataAsync(ct))
            {
                await Console.Error.WriteLineAsync("This database already has data (leads, an ICP or personas): 'tandem demo' seeds only an empty one, so that demo people " +
                                                   "never mix with real ones. Point it at a fresh data directory, e.g. --Tandem:DataDirectory=./demo-data.");
                return DemoRefused;
            }
            var seeded = await seeder.SeedAsync(count, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seeded the demo: {seeded.Submissions} submissions, {seeded.Leads} leads, {seeded.Engagements} engagements, {seeded.Prospects} prospects, " +
                $"{seeded.Calls} calls, {seeded.Meetings} meetings, {seeded.Won} won; landing page {seeded.LandingPageUrl}."));
            Console.WriteLine("Start Tandem ('tandem run' with the same settings) and sign in; 'tandem user create' makes the first admin.");
            return 0;
        }));
        return demo;
    }
}
