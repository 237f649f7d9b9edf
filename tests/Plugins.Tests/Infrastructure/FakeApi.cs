using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tandem.Plugins.Tests.Infrastructure;

/// <summary>A provider's API faked by a real Kestrel server on a free 127.0.0.1 port: each test maps the routes it
/// needs, in the provider's documented shapes, and reads back the requests it received.</summary>
internal sealed class FakeApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Every request received: method, path and query, headers, body text.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    public sealed record Received(string Method, string PathAndQuery, IHeaderDictionary Headers, string Body);

    public static async Task<FakeApi> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeApi? self = null;
        app.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            http.Request.Body.Position = 0;
            self!.Requests.Enqueue(new Received(http.Request.Method, http.Request.Path + http.Request.QueryString, new HeaderDictionary(
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
            await next(http);
        });
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeApi(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
