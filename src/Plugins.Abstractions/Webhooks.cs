using System.Collections.ObjectModel;

namespace Tandem.Plugins.Abstractions;

/// <summary>
/// Handles the calls a provider makes to Tandem (lead notifications, call status callbacks...). The host mounts each
/// handler, without authentication, at <c>/hooks/{pluginId}/{Name}</c> for GET and POST: the handler must check the
/// provider's signature itself and answer 401 when it does not match.
/// </summary>
public interface IWebhookHandler
{
    /// <summary>The last segment of the webhook's URL: lower case letters, digits and dashes (for example
    /// <c>"leads"</c>, <c>"status"</c>).</summary>
    string Name { get; }

    /// <summary>Handles one call. The host cuts off a call that does not finish in time and answers the provider
    /// with an error itself; an exception thrown here becomes a 502 answer.</summary>
    /// <param name="request">The call as the provider made it.</param>
    /// <param name="cancellationToken">Cancelled when the provider disconnects or the host gives up.</param>
    /// <returns>The answer to send back to the provider.</returns>
    ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>A call made by a provider to a webhook, without any web-framework type.</summary>
public sealed record WebhookRequest
{
    /// <summary>The HTTP method, upper case (<c>"GET"</c> or <c>"POST"</c>).</summary>
    public required string Method { get; init; }

    /// <summary>The full URL as the provider called it, query string included: <c>Tandem:PublicBaseUrl</c> followed
    /// by the request's path when that setting is present, else the URL the host received. Signatures that cover
    /// the URL are checked against this.</summary>
    public required Uri PublicUrl { get; init; }

    /// <summary>The request headers; names are case-insensitive and repeated values are joined with a comma.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The query string parameters, decoded; repeated values are joined with a comma.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The raw request body, exactly as received (signatures are computed over these bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The form fields, decoded, when the body is <c>application/x-www-form-urlencoded</c>; null
    /// otherwise. Repeated values are joined with a comma; <see cref="Body"/> has the exact bytes.</summary>
    public IReadOnlyDictionary<string, string>? Form { get; init; }
}

/// <summary>The answer a webhook sends back to the provider.</summary>
public sealed record WebhookResponse
{
    /// <summary>The HTTP status code, 100 to 599.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The media type of <see cref="Body"/> (for example <c>"application/json"</c>); null when there is no
    /// body.</summary>
    public string? ContentType { get; init; }

    /// <summary>The response body; empty for none.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}
