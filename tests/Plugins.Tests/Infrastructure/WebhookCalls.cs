using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Plugins;

namespace Tandem.Plugins.Tests.Infrastructure;

/// <summary>Calls the host's webhook endpoint handler in-process (no socket), so that a test can hold a call open
/// while it moves the fake clock.</summary>
internal static class WebhookCalls
{
    public sealed record Answer(int Status, string Body, IHeaderDictionary Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public static Task<Answer> CallAsync(PluginHost host, string pluginId, string name, string body = "") =>
        Start(host, pluginId, name, body).CompleteAsync();

    public static Pending Start(
        PluginHost host, string pluginId, string name, string body = "", string? contentType = null,
        IDictionary<string, string>? headers = null, string method = "POST", string? query = null, bool endpoint = false)
    {
        var http = new DefaultHttpContext { RequestServices = host.Services };
        http.Request.Method = method;
        if (contentType is not null) http.Request.ContentType = contentType;
        foreach (var (key, value) in headers ?? new Dictionary<string, string>()) http.Request.Headers[key] = value;
        if (query is not null) http.Request.QueryString = new QueryString(query);
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("tandem.test");
        http.Request.Path = $"/hooks/{pluginId}/{name}";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();
        var task = (endpoint ? (Func<string, string, HttpContext, PluginCatalog, PluginInvoker, PluginOptions, Task<IResult>>)PluginEndpoints.HandleEndpointAsync : PluginEndpoints.HandleWebhookAsync)(
            pluginId, name, http, host.Catalog, host.Invoker, host.Services.GetRequiredService<PluginOptions>());
        return new Pending(task, http);
    }

    public sealed record Pending(Task<IResult> Task, HttpContext Http)
    {
        public async Task<Answer> CompleteAsync()
        {
            var result = await Task;
            await result.ExecuteAsync(Http);
            Http.Response.Body.Position = 0;
            var text = await new StreamReader(Http.Response.Body).ReadToEndAsync();
            return new Answer(Http.Response.StatusCode, text, Http.Response.Headers);
        }
    }
}
