using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Host.Access;

/// <summary>Keys over HTTP, for admins only: <c>GET /api/keys</c> and <c>DELETE /api/keys/{id}</c>. Never the secret.</summary>
internal static class ApiKeyEndpoints
{
    public static void MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Platform").RequireAuthorization("admin");
        keys.MapGet("/", ListAsync).WithName("ListApiKeys")
            .WithSummary("The API keys that are not revoked: id, name, role, when created and when last used (never the secret)");
        keys.MapDelete("/{id}", RevokeAsync).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key: its next request is refused (revoking it again changes nothing)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(new ApiKeyList(await keys.ListAsync(ct)));

    private static async Task<NoContent> RevokeAsync(string id, ApiKeyService keys, ILogger<ApiKeyService> logger, CancellationToken ct)
    {
        var revoked = await keys.RevokeAsync(id, ct) ?? throw new NotFoundException("API key", id);
        logger.LogInformation("API key {KeyId} was revoked through the API", revoked.Id);
        return TypedResults.NoContent();
    }
}

/// <summary>The answer of <c>GET /api/keys</c>.</summary>
internal sealed record ApiKeyList(IReadOnlyList<ApiKeyInfo> Items);
