namespace Tandem.Host.Tests.Infrastructure;

/// <summary>
/// One host per provider, started on first use and shared by the tests of one class (xUnit runs those one after
/// the other), so that a class of short HTTP tests pays one start-up per provider. Tests that share a host use their
/// own email addresses and slugs, and never assert on global counts.
/// </summary>
public sealed class SharedHosts : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host, SeededContent Content)> _started = [];

    internal async Task<(TestStore Store, HostProcess Host, SeededContent Content)> GetAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_started.TryGetValue(provider, out var started))
            {
                Assert.False(started.Host.HasExited, $"The shared {provider} host died. Output:\n{started.Host.Output}");
                return started;
            }
            var store = await TestStore.CreateAsync(provider);
            try
            {
                var host = await HostProcess.StartAsync(store);
                var content = await TandemApi.SeedContentAsync(host.Http);
                _started[provider] = (store, host, content);
                return _started[provider];
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (store, host, _) in _started.Values)
        {
            await host.DisposeAsync();
            await store.DisposeAsync();
        }
    }
}
