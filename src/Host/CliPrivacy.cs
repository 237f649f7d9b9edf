using System.CommandLine;
using Tandem.Host.Composition;

namespace Tandem.Host;

/// <summary><c>tandem privacy purge [--dry-run]</c>: the retention purge the host runs on a schedule, run now (docs/compliance.md §5).</summary>
internal static partial class Cli
{
    private static Command PrivacyCommands()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Report who would be anonymised, change nothing." };
        var purge = new Command("purge", "Anonymise prospects and leads with no interaction for Tandem:Privacy:Retention:Years (3) in every module " +
            "(a click counts, an open does not); hashed suppression entries stay.") { dryRun };
        Configurable(purge, (parse, rest, ct) => WithApp(rest, async app =>
        {
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            var report = await app.Services.GetRequiredService<PrivacyRetention>().RunAsync(parse.GetValue(dryRun), ct);
            Console.WriteLine($"No interaction since {Time(report.Cutoff)} UTC: {report.Candidates:N0} inactive in Leads, " +
                $"{report.KeptForRecentTouches:N0} kept for a recent touch in Outreach, " +
                (report.DryRun ? $"{report.Purged:N0} would be anonymised (dry run: nothing changed)." : $"{report.Purged:N0} anonymised."));
            if (report.Erased is { } erased) Console.WriteLine("  " + erased.Describe());
            return 0;
        }));
        return new Command("privacy", "Data protection: the retention purge.") { purge };
    }
}
