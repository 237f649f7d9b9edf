using System.Globalization;
using System.Text.RegularExpressions;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Web.Tests;

/// <summary>
/// <c>tandem demo</c> on a fresh SQLite folder: it seeds the reference scenario through the module Contracts, the real host then
/// answers <c>GET /api/kpis</c> with non-zero numbers equal to what the command reports; a second run refuses (exit code 3).
/// </summary>
public sealed partial class DemoCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_seeds_a_living_dashboard_once_and_refuses_a_database_with_data()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        var seeded = await HostCli.RunAsync(null, TimeSpan.FromMinutes(5), ["demo", "--leads", "120", .. store.HostArgs]);
        output.WriteLine(seeded.Output);
        Assert.True(seeded.ExitCode == 0, $"demo failed: {seeded}");
        var summary = Summary().Match(seeded.Output);
        Assert.True(summary.Success, seeded.Output);
        int Reported(string name) => int.Parse(summary.Groups[name].Value, CultureInfo.InvariantCulture);
        Assert.Equal(120, Reported("submissions"));
        Assert.Equal(120, Reported("leads"));
        Assert.Equal(84, Reported("prospects")); // the 7 professionals in 10

        var again = await HostCli.RunAsync(null, TimeSpan.FromMinutes(2), ["demo", .. store.HostArgs]);
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("already has data", again.Output, StringComparison.Ordinal);

        await using var host = await HostProcess.StartAsync(store, output);
        var now = DateTimeOffset.UtcNow;
        var kpis = await TandemApi.GetJsonAsync(host.Http,
            $"/api/kpis?from={Uri.EscapeDataString(now.AddDays(-91).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(now.AddDays(1).ToString("O", CultureInfo.InvariantCulture))}");
        output.WriteLine(kpis.ToJsonString());
        var generation = kpis["leadGeneration"]!;
        var prospecting = kpis["prospecting"]!;
        var leads = generation["leads"]!.GetValue<long>();
        var mqls = generation["mqls"]!.GetValue<long>();
        Assert.Equal(Reported("leads"), leads);
        Assert.InRange(mqls, 1, leads); // the callback askers (50 points) and more
        Assert.Equal(Reported("calls"), prospecting["callsMade"]!.GetValue<long>());
        Assert.Equal(Reported("meetings"), prospecting["meetingsBooked"]!.GetValue<long>());
        Assert.InRange(prospecting["meetingsBooked"]!.GetValue<long>(), 1, Reported("calls"));
        Assert.Equal(Reported("won"), prospecting["won"]!.GetValue<long>());
        Assert.True(Reported("won") > 0);
        Assert.True(generation["costPerLead"]!.GetValue<decimal>() > 0);
    }

    [GeneratedRegex(@"(?<submissions>\d+) submissions, (?<leads>\d+) leads, (?<engagements>\d+) engagements, (?<prospects>\d+) prospects, (?<calls>\d+) calls, (?<meetings>\d+) meetings, (?<won>\d+) won")]
    private static partial Regex Summary();
}
