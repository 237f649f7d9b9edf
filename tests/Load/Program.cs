namespace Tandem.Load;

/// <summary>
/// The measuring half of <c>scripts/load-forms.sh</c>, which starts the host and calls these commands in turn.
/// Each command prints what it measured for a person and, with <c>--out FILE</c>, appends <c>key=value</c> lines that
/// the script reads for its summary.
/// <code>
/// floor   --dir DIR [--seconds 3] [--synchronous FULL]        durable SQLite commits/s, one row per commit, WAL
/// rate    --url URL --form ID --rate N [--duration 15] [--warmup 3] [--connections 512] [--answers FILE] [--tag T] [--cpu-pid PID: the host, whose CPU is read at the first measured send]
/// verify  (--sqlite DIR | --postgres CONNSTRING) [--answers FILE]... [--deadline 120] [--since-unix-ms MS]
/// pg-create ADMIN_CONNSTRING   /   pg-drop ADMIN_CONNSTRING DATABASE
/// profile FILE.speedscope.json [--top 30] [--dump-other AREA]  where the host's busy thread time went (see Profile)
/// counters FILE.csv [--accepted-per-s N]                         means and maxima of the recorded dotnet-counters
/// bare    --url URL [--mode http|sqlite] [--dir DIR]            the bare yardstick server of scripts/measure-floors.sh
/// </code>
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: Tandem.Load floor|rate|verify|profile|counters|bare|pg-create|pg-drop [options] (see docs/performance.md)");
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var options = new Options(args[1..]);
            return args[0] switch
            {
                "floor" => Floor.Run(options),
                "rate" => await OpenLoop.RunAsync(options),
                "verify" => await Verification.RunAsync(options),
                "pg-create" => await PostgresDatabase.CreateAsync(options),
                "pg-drop" => await PostgresDatabase.DropAsync(options),
                "profile" => Profile.Run(options),
                "counters" => Counters.Run(options),
                "bare" => await Bare.RunAsync(options),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException usage)
        {
            await Console.Error.WriteLineAsync($"Tandem.Load: {usage.Message}");
            return 2;
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs (a name may repeat) and bare positional arguments.</summary>
internal sealed class Options
{
    private readonly List<(string Name, string Value)> _named = [];

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value");
                _named.Add((args[i], args[++i]));
            }
            else Positional.Add(args[i]);
        }
    }

    public List<string> Positional { get; } = [];

    public string? Get(string name) => _named.LastOrDefault(n => n.Name == name).Value;

    public IReadOnlyList<string> All(string name) => [.. _named.Where(n => n.Name == name).Select(n => n.Value)];

    public string Required(string name) => Get(name) ?? throw new UsageException($"{name} is required");

    public double Number(string name, double fallback) =>
        Get(name) is { } text
            ? double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new UsageException($"{name} takes a positive number, not '{text}'")
            : fallback;

    public string PositionalAt(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"{what} is required");
}

/// <summary>Appends <c>key=value</c> results to the file given with <c>--out</c>, if any.</summary>
internal sealed class Results(string? file)
{
    public void Add(string key, object value)
    {
        if (file is null) return;
        File.AppendAllText(file, FormattableString.Invariant($"{key}={value}\n"));
    }
}

/// <summary>Exact percentiles of a sorted sample (nearest rank).</summary>
internal static class Percentiles
{
    public static double Of(double[] sorted, double percentile)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
