namespace Tandem.Host.Tests.Infrastructure;

/// <summary>What a run of the <c>tandem</c> command line did.</summary>
internal sealed record CliResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}; output:\n{Output}";
}

/// <summary>Runs the real host binary as a command (<c>dotnet Tandem.Host.dll &lt;args&gt;</c>) and waits for it to exit.</summary>
internal static class HostCli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(bootstrapKey: null, Timeout, args);

    /// <summary>Runs the command with <c>TANDEM_BOOTSTRAP_API_KEY</c> set (or not), killing it after <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(string? bootstrapKey, TimeSpan timeout, params string[] args)
    {
        var log = new OutputLog();
        using var process = HostProcess.Launch([HostProcess.HostDll, .. args], log, bootstrapKey);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'tandem {string.Join(' ', args)}' did not exit within {timeout.TotalSeconds:0} s. Output:\n{log}");
        }
        await process.WaitForExitAsync(); // drains stdout and stderr
        return new CliResult(process.ExitCode, log.ToString());
    }

    /// <summary>Creates an API key with <c>tandem apikey create</c> on <paramref name="store"/> and returns the printed key.</summary>
    public static async Task<string> CreateApiKeyAsync(TestStore store, string name, string role)
    {
        var result = await RunAsync(["apikey", "create", "--name", name, "--role", role, .. store.HostArgs]);
        Assert.True(result.ExitCode == 0, $"apikey create failed: {result}");
        // The key is printed once, alone on its line, after a sentence that says so.
        var lines = result.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var key = lines.LastOrDefault(l => l.StartsWith("tdm_", StringComparison.Ordinal) && !l.Contains(' '));
        Assert.True(key is not null, $"apikey create printed no key: {result}");
        return key!;
    }
}
