using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;

namespace Tandem.Host.Tests.Infrastructure;

/// <summary>
/// The real Tandem host as a separate operating-system process (<c>dotnet Tandem.Host.dll</c>, run from the host's own
/// build output so that its appsettings.json and bundled plugins are there), listening on a free loopback port, on the
/// data of a <see cref="TestStore"/>. It can be SIGKILLed and started again on the same data.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    /// <summary>The admin key given to a fresh install through <c>TANDEM_BOOTSTRAP_API_KEY</c>.</summary>
    public const string AdminKey = "tdm_test_admin_key_0123456789abcdef";

    /// <summary>How long a host may take to migrate, load its plugins and answer /health/ready (a busy 2-core CI machine).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    /// <summary>Between two readiness probes (polling up to <see cref="StartTimeout"/>, never a fixed wait).</summary>
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process _process;
    private readonly OutputLog _log;
    private readonly TestStore _store;
    private readonly string[] _extraArgs;
    private readonly ITestOutputHelper? _output;
    private readonly string? _bootstrapKey;

    private HostProcess(Process process, OutputLog log, Uri baseAddress, TestStore store, string? bootstrapKey, string[] extraArgs, ITestOutputHelper? output)
    {
        _bootstrapKey = bootstrapKey;
        _process = process;
        _log = log;
        _store = store;
        _extraArgs = extraArgs;
        _output = output;
        BaseAddress = baseAddress;
        Http = CreateClient(baseAddress, AdminKey);
        Anonymous = CreateClient(baseAddress, apiKey: null);
    }

    /// <summary>The full path of the Tandem.Host.dll this test assembly was built against.</summary>
    public static string HostDll { get; } = ResolveHostDll();

    public Uri BaseAddress { get; }

    /// <summary>A client that sends the bootstrap admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>A client without any key (the public side: landing pages, form posts, health).</summary>
    public HttpClient Anonymous { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far (the last lines), for failure messages.</summary>
    public string Output => _log.Tail(300);

    /// <summary>
    /// Log entries (first line and its indented continuation) the host wrote at Error or Critical level (console logger
    /// "fail:" / "crit:"), except EF Core's spurious error for the missing history table on a database's very first
    /// migration on PostgreSQL (npgsql/efcore.pg#3407: the migration goes on and succeeds).
    /// </summary>
    public IReadOnlyList<string> ErrorLines => _log.Entries()
        .Where(e => e.StartsWith("fail:", StringComparison.Ordinal) || e.StartsWith("crit:", StringComparison.Ordinal))
        .Where(e => !(e.Contains("Failed executing DbCommand", StringComparison.Ordinal) && e.Contains("\"__EFMigrationsHistory\"", StringComparison.Ordinal)
            && e.Contains("SELECT \"MigrationId\", \"ProductVersion\"", StringComparison.Ordinal)))
        .ToList();

    /// <summary>Every console-logger entry the host wrote so far (first line and its indented continuation).</summary>
    public IReadOnlyList<string> LogEntries => _log.Entries().ToList();

    /// <summary>Fails with the host's output when it logged an error (a 4xx for bad input is never logged as one).</summary>
    public void AssertNoErrorsLogged()
    {
        var errors = ErrorLines;
        Assert.True(errors.Count == 0, $"The host logged {errors.Count} error(s):\n{string.Join('\n', errors.Take(5))}\nOutput:\n{Output}");
    }

    /// <summary>A client for this host sending <paramref name="apiKey"/> (or none).</summary>
    public HttpClient CreateClient(string? apiKey) => CreateClient(BaseAddress, apiKey);

    /// <summary>
    /// A client whose connections come from another loopback address (<c>127.0.0.x</c>: the whole 127/8 is local on
    /// Linux), so that a test of per-address limits does not block the other clients of a shared host.
    /// </summary>
    public HttpClient CreateClientFrom(IPAddress source, string? apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>
    /// Starts the host on <paramref name="store"/> with a raised public rate limit and the bootstrap admin key, and waits
    /// (polling, with a deadline) until <c>/health/ready</c> answers 200. Extra configuration arguments come last and win.
    /// </summary>
    public static Task<HostProcess> StartAsync(TestStore store, ITestOutputHelper? output = null, params string[] extraArgs) =>
        StartWithBootstrapKeyAsync(store, AdminKey, output, extraArgs);

    /// <summary>As <see cref="StartAsync(TestStore, ITestOutputHelper?, string[])"/> with another (or no) <c>TANDEM_BOOTSTRAP_API_KEY</c>.</summary>
    public static async Task<HostProcess> StartWithBootstrapKeyAsync(TestStore store, string? bootstrapKey, ITestOutputHelper? output, params string[] extraArgs)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            string[] args =
            [
                HostDll,
                "--urls", baseAddress.ToString().TrimEnd('/'),
                "--Tandem:RateLimits:Public:PermitLimit=1000000",
                "--Tandem:RateLimits:FailedAuthentication:PermitLimit=1000000",
                .. store.HostArgs,
                .. extraArgs,
            ];
            var log = new OutputLog();
            var process = Launch(args, log, bootstrapKey);
            try
            {
                await WaitUntilReadyAsync(process, log, baseAddress);
                output?.WriteLine($"host pid {process.Id} ready on {baseAddress} ({store.Provider})");
                return new HostProcess(process, log, baseAddress, store, bootstrapKey, extraArgs, output);
            }
            catch (HostDidNotStartException) when (attempt < 3 && log.Lines.Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                // Another process took the free port between our probe and the host's bind: try another one.
                KillQuietly(process);
            }
            catch
            {
                KillQuietly(process);
                throw;
            }
        }
    }

    /// <summary>SIGKILLs the process (and anything it started) — no shutdown code runs — and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        _output?.WriteLine($"host pid {_process.Id} killed (SIGKILL), exit code {_process.ExitCode}");
    }

    /// <summary>Kills this process if it still runs and starts a new one on the same data with the same arguments (on a new port).</summary>
    public async Task<HostProcess> RestartAsync()
    {
        await KillAsync();
        return await StartWithBootstrapKeyAsync(_store, _bootstrapKey, _output, _extraArgs);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        if (!_process.HasExited)
        {
            KillQuietly(_process);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        var errors = ErrorLines;
        if (errors.Count > 0) _output?.WriteLine($"host pid {_process.Id} logged {errors.Count} error(s); last output:\n{Output}");
        _process.Dispose();
    }

    internal static Process Launch(IReadOnlyList<string> args, OutputLog log, string? bootstrapKey)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(HostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the developer's or CI's environment may reconfigure the host under test.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Tandem__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase) || name.Equals("TANDEM_BOOTSTRAP_API_KEY", StringComparison.Ordinal))
                start.Environment.Remove(name);
        }
        if (bootstrapKey is not null) start.Environment["TANDEM_BOOTSTRAP_API_KEY"] = bootstrapKey;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Add(e.Data); };
        if (!process.Start()) throw new InvalidOperationException("Could not start 'dotnet'.");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilReadyAsync(Process process, OutputLog log, Uri baseAddress)
    {
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // drains the output
                throw new HostDidNotStartException($"The host exited with code {process.ExitCode} before it was ready. Output:\n{log.Tail(200)}");
            }
            try
            {
                using var response = await probe.GetAsync("/health/ready");
                last = response.StatusCode;
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(ReadyPollInterval);
        }
        throw new HostDidNotStartException(
            $"The host did not answer 200 on /health/ready within {StartTimeout.TotalSeconds:0} s (last status: {last?.ToString() ?? "no answer"}). Output:\n{log.Tail(200)}");
    }

    private static HttpClient CreateClient(Uri baseAddress, string? apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static string ResolveHostDll()
    {
        // Run the same tests against another build of the host, e.g. a Release publish: TANDEM_TEST_HOST_DLL=/path/Tandem.Host.dll
        if (Environment.GetEnvironmentVariable("TANDEM_TEST_HOST_DLL") is { Length: > 0 } overridden)
        {
            if (!File.Exists(overridden)) throw new InvalidOperationException($"TANDEM_TEST_HOST_DLL points to '{overridden}', which does not exist.");
            return Path.GetFullPath(overridden);
        }
        var recorded = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TandemHostPath")?.Value;
        if (string.IsNullOrWhiteSpace(recorded))
            throw new InvalidOperationException("The build did not record where Tandem.Host.dll is (target RecordTandemHostPath in Tandem.Host.Tests.csproj).");
        if (!File.Exists(recorded))
            throw new InvalidOperationException($"Tandem.Host.dll is not at '{recorded}': build the solution first (dotnet build Platform.sln).");
        return recorded;
    }
}

/// <summary>The host process did not become ready; the message carries its output.</summary>
internal sealed class HostDidNotStartException(string message) : Exception(message);

/// <summary>Lines a child process wrote, kept in memory (bounded) for failure messages.</summary>
internal sealed class OutputLog
{
    private const int MaxLines = 20_000;
    private readonly ConcurrentQueue<string> _lines = new();

    public void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > MaxLines) _lines.TryDequeue(out _);
    }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Console-logger entries: a line starting with a level ("info:", "fail:"…) and the indented lines after it.</summary>
    public IEnumerable<string> Entries()
    {
        var current = new List<string>();
        foreach (var line in _lines.ToArray())
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && current.Count > 0)
            {
                yield return string.Join('\n', current);
                current.Clear();
            }
            current.Add(line);
        }
        if (current.Count > 0) yield return string.Join('\n', current);
    }

    public string Tail(int lines)
    {
        var all = _lines.ToArray();
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public override string ToString() => string.Join('\n', _lines);
}
