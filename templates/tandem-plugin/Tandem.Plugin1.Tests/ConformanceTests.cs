using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Conformance;
using Xunit;

namespace Tandem.Plugin1.Tests;

/// <summary>The Tandem conformance kit against this plugin and a fake of its provider on 127.0.0.1.</summary>
public sealed class ConformanceTests : PluginConformanceTests, IAsyncLifetime
{
    private WebApplication? _api;
    private string _url = "";
    private int _received;

    protected override string PluginFolder => Path.Combine(AppContext.BaseDirectory, "plugin-under-test");

    protected override IReadOnlyDictionary<string, string?> ValidSettings =>
        new Dictionary<string, string?> { ["ApiKey"] = "test-key", ["ApiBaseUrl"] = _url };

    protected override IEnumerable<string> RequiredSettings => ["ApiKey", "ApiBaseUrl"];

    protected override OutboundMessage SampleMessage => new() { MessageId = "sample", Recipient = "someone@example.com", Body = "Bonjour" };

    protected override Task<int> ProviderSendCountAsync() => Task.FromResult(Volatile.Read(ref _received));

    protected override IReadOnlyDictionary<string, string?> UnreachableSettings =>
        new Dictionary<string, string?> { ["ApiKey"] = "test-key", ["ApiBaseUrl"] = "http://127.0.0.1:9/" };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _api = builder.Build();
        _api.MapPost("/messages", (HttpContext http) =>
        {
            var n = Interlocked.Increment(ref _received);
            http.Response.Headers["X-Message-Id"] = "msg-" + n;
            return Results.StatusCode((int)HttpStatusCode.Accepted);
        });
        await _api.StartAsync();
        _url = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
    }

    public async Task DisposeAsync()
    {
        if (_api is not null) await _api.DisposeAsync();
    }
}
