using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tandem.Host.Platform;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Host.Access;

internal static class Roles
{
    public const string Admin = "admin";
    public const string Marketing = "marketing";
    public const string Sales = "sales";
    public static readonly string[] All = [Admin, Marketing, Sales];
}

internal sealed class ApiKeyService(PlatformDbContext db, TimeProvider clock)
{
    public const string KeyPrefix = "tdm_";

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Creates a key and returns it in clear, once. Keys are 256 random bits, so a fast hash is enough to store them.</summary>
    public async Task<(ApiKey Record, string Key)> CreateAsync(string name, string role, CancellationToken ct, string? key = null)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"Unknown role '{role}'; use one of: {string.Join(", ", Roles.All)}.");
        key ??= KeyPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKey
        {
            Id = Ids.New(), Name = name, Role = role, Hash = Hash(key), Prefix = key[..Math.Min(10, key.Length)], CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(ct);
        return (record, key);
    }

    /// <summary>On a fresh install (no key yet), <c>TANDEM_BOOTSTRAP_API_KEY</c> becomes an admin key.</summary>
    public async Task<bool> BootstrapAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key)) return false;
        if (key.Length < 16) throw new InvalidOperationException("TANDEM_BOOTSTRAP_API_KEY must be at least 16 characters long.");
        if (await db.ApiKeys.AnyAsync(ct)) return false;
        await CreateAsync("bootstrap", Roles.Admin, ct, key);
        return true;
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary><c>Authorization: Bearer &lt;api key&gt;</c>. Lookups are cached briefly so that a busy integration does not hit the database per request.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMemoryCache cache) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Use 'Authorization: Bearer <api key>'.");
        var key = header["Bearer ".Length..].Trim();
        var hash = ApiKeyService.Hash(key);
        var found = await cache.GetOrCreateAsync("apikey:" + hash, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30);
            var db = Context.RequestServices.GetRequiredService<PlatformDbContext>();
            return await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAt == null)
                .Select(k => new { k.Id, k.Name, k.Role }).FirstOrDefaultAsync(Context.RequestAborted);
        });
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, found.Id), new Claim(ClaimTypes.Name, found.Name), new Claim(ClaimTypes.Role, found.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblem(401, "unauthorized", "An API key is required.", "Send 'Authorization: Bearer <api key>'; create one with 'tandem apikey create --name N --role R'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(403, "forbidden", "This API key's role may not do that.", "Ask an admin for a key with a suitable role (admin, marketing, sales).");

    private Task WriteProblem(int status, string type, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == 401) Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: status, type: $"https://tandem.dev/problems/{type}", title: title, detail: detail).ExecuteAsync(Context);
    }
}
