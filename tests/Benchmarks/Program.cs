using BenchmarkDotNet.Running;

namespace Tandem.Benchmarks;

/// <summary>
/// Every BenchmarkDotNet option works, e.g.
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*'</c> (full run),
/// add <c>--job short</c> for a quick look, or <c>--list flat</c> to see what exists.
/// <c>--outbound [steps] [rows]</c> runs the scheduler and ICP re-scoring bench (see <see cref="OutboundBench"/>);
/// <c>--outbound-scheduler [steps] [--postgres[=connection string]]</c> the scheduler alone, on SQLite or PostgreSQL.
/// <c>--startup-phases</c> instead times one start of the host phase by phase (see <see cref="StartupPhases"/>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--startup-phases", .. var configuration]) return await StartupPhases.RunAsync(configuration);
        if (args is ["--outbound", .. var sizes]) return await OutboundBench.RunAsync(sizes);
        if (args is ["--outbound-scheduler", .. var options]) return await OutboundBench.RunSchedulerAsync(options);

        // In-process by default. BenchmarkDotNet's usual out-of-process toolchain rebuilds the whole project graph
        // with one global OutDir, which the host's bundled-plugin build refuses (a plugin would land in the host's own
        // folder). In-process measures the same code, JIT-optimised, in a Release build of this project.
        if (!args.Any(a => a is "--inProcess" or "-i" || a.StartsWith("--runtimes", StringComparison.Ordinal)))
            args = [.. args, "--inProcess"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
