using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
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

/// <summary>A key as an administrator sees it: never the secret, nor its hash.</summary>
internal sealed record ApiKeyInfo(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>What became of <c>TANDEM_BOOTSTRAP_API_KEY</c> at start.</summary>
internal enum BootstrapOutcome { NotSet, Stored, AlreadyStored, IgnoredKeysExist, IgnoredRevoked }

/// <summary>A configuration value that prevents the host from starting; the message is one line for the operator.</summary>
internal sealed class StartupConfigurationException(string message) : Exception(message);

internal sealed class ApiKeyService(PlatformDbContext db, TimeProvider clock)
{
    public const string KeyPrefix = "tdm_";
    public const int MinimumBootstrapKeyLength = 16;

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

    /// <summary>The keys that still open the API, oldest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct) =>
        (await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null)
            .Select(k => new ApiKeyInfo(k.Id, k.Name, k.Role, k.CreatedAt, k.LastUsedAt)).ToListAsync(ct))
        .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Revokes a key: its next request is refused, on every host (keys are looked up per request, not cached).
    /// Returns the key, or null when no key has this id. Revoking a revoked key changes nothing.
    /// </summary>
    public async Task<ApiKeyInfo?> RevokeAsync(string id, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return null;
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return new ApiKeyInfo(key.Id, key.Name, key.Role, key.CreatedAt, key.LastUsedAt);
    }

    /// <summary>Refuses a bootstrap key that is set but too short to be a secret (before anything else happens at start).</summary>
    public static void CheckBootstrapKey(string? key)
    {
        if (!string.IsNullOrWhiteSpace(key) && key.Length < MinimumBootstrapKeyLength)
            throw new StartupConfigurationException(
                $"TANDEM_BOOTSTRAP_API_KEY must be at least {MinimumBootstrapKeyLength} characters long (it has {key.Length}); use e.g. the output of 'openssl rand -hex 24'.");
    }

    /// <summary>On a fresh install (no key yet), <c>TANDEM_BOOTSTRAP_API_KEY</c> becomes an admin key; otherwise it is ignored.</summary>
    public async Task<BootstrapOutcome> BootstrapAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key)) return BootstrapOutcome.NotSet;
        CheckBootstrapKey(key);
        var hash = Hash(key);
        var same = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash).Select(k => new { k.RevokedAt }).FirstOrDefaultAsync(ct);
        if (same is not null) return same.RevokedAt is null ? BootstrapOutcome.AlreadyStored : BootstrapOutcome.IgnoredRevoked;
        if (await db.ApiKeys.AnyAsync(ct)) return BootstrapOutcome.IgnoredKeysExist;
        await CreateAsync("bootstrap", Roles.Admin, ct, key);
        return BootstrapOutcome.Stored;
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// Records when each key was last used without a write per request: at most one write per key and host a minute
/// (the read that authenticates the request already tells when it was last recorded).
/// </summary>
internal sealed class ApiKeyUsage(TimeProvider clock)
{
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    /// <summary>Whether this request should record the use (and, if so, it claims the write for this minute).</summary>
    public bool ShouldRecord(string keyId, DateTimeOffset? recorded, out DateTimeOffset now)
    {
        now = clock.GetUtcNow();
        if (recorded is { } last && now - last < Resolution) return false;
        var claimed = _written.GetOrAdd(keyId, DateTimeOffset.MinValue);
        return now - claimed >= Resolution && _written.TryUpdate(keyId, now, claimed);
    }
}

/// <summary>
/// Failed authentication per client address: the first <c>PermitLimit</c> failures in a window are answered 401, then
/// every request carrying a key from that address is answered 429 until the window ends (a right guess included, so
/// that guessing teaches nothing). Failures are logged with the address, never with the key.
/// </summary>
internal sealed class FailedAuthenticationLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ILogger<FailedAuthenticationLimiter> _logger;

    public FailedAuthenticationLimiter(IConfiguration configuration, ILogger<FailedAuthenticationLimiter> logger)
    {
        _logger = logger;
        PermitLimit = Math.Max(1, configuration.GetValue("Tandem:RateLimits:FailedAuthentication:PermitLimit", 10));
        Window = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Tandem:RateLimits:FailedAuthentication:WindowSeconds", 60)));
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    public int PermitLimit { get; }
    public TimeSpan Window { get; }

    /// <summary>Whether the address has used up its failures for this window; if so, when to come back.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        using var probe = _limiter.AttemptAcquire(address, 0);
        retryAfter = probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        return !probe.IsAcquired;
    }

    /// <summary>Counts a failure. Returns false when this one went past the limit (answer 429).</summary>
    public bool RecordFailure(string address, string reason, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(address, 1);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        if (!lease.IsAcquired) return false;
        _logger.LogWarning("API key authentication failed from {ClientAddress}: {Reason}", address, reason);
        if (_limiter.GetStatistics(address)?.CurrentAvailablePermits == 0)
            _logger.LogWarning("{ClientAddress} reached {Limit} failed authentications; its requests with a key are answered 429 for up to {Window} s",
                address, PermitLimit, (int)Window.TotalSeconds);
        return true;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>. Every request looks its key up (one indexed read of the platform
/// database), so that a key revoked from the API, the CLI or another host is refused on its next request.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyUsage usage,
    FailedAuthenticationLimiter failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Why authentication failed, for the challenge: a wrong key and a missing one are different problems.</summary>
    private enum Failure { None, InvalidKey, TooManyFailures }

    private Failure _failure;
    private TimeSpan _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        var remote = Context.Connection.RemoteIpAddress;
        var address = (remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote)?.ToString() ?? "unknown";
        if (failures.IsBlocked(address, out _retryAfter)) return Fail(Failure.TooManyFailures, "Too many failed authentications from this address.");

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return RecordFailure(address, "the Authorization header is not 'Bearer <api key>'");
        var hash = ApiKeyService.Hash(header["Bearer ".Length..].Trim());
        var db = Context.RequestServices.GetRequiredService<PlatformDbContext>();
        var found = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Name, k.Role, k.LastUsedAt }).FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return RecordFailure(address, "unknown or revoked key");

        if (usage.ShouldRecord(found.Id, found.LastUsedAt, out var now)) await RecordUseAsync(db, found.Id, now);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, found.Id), new Claim(ClaimTypes.Name, found.Name), new Claim(ClaimTypes.Role, found.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult RecordFailure(string address, string reason) =>
        failures.RecordFailure(address, reason, out _retryAfter)
            ? Fail(Failure.InvalidKey, "Unknown or revoked API key.")
            : Fail(Failure.TooManyFailures, "Too many failed authentications from this address.");

    private AuthenticateResult Fail(Failure failure, string message)
    {
        _failure = failure;
        return AuthenticateResult.Fail(message);
    }

    /// <summary>Last use is bookkeeping: a failure to record it is logged, never fails the request.</summary>
    private async Task RecordUseAsync(PlatformDbContext db, string id, DateTimeOffset now)
    {
        try
        {
            // In the platform database's group commit, like every set-based write (ModuleDbContext.WriteAsync).
            await db.WriteAsync(ct => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct),
                Context.RequestAborted);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            Logger.LogWarning(ex, "Could not record the last use of API key {KeyId}", id);
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => _failure switch
    {
        Failure.TooManyFailures => WriteTooManyFailures(),
        Failure.InvalidKey => WriteProblem(401, "invalid-api-key", "The API key is not valid.",
            "The key is unknown or was revoked. An admin can list the keys with 'tandem apikey list' and create one with 'tandem apikey create --name N --role R'."),
        _ => WriteProblem(401, "unauthorized", "An API key is required.",
            "Send 'Authorization: Bearer <api key>'; create one with 'tandem apikey create --name N --role R'."),
    };

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(403, "forbidden", "This API key's role may not do that.", "Ask an admin for a key with a suitable role (admin, marketing, sales).");

    private Task WriteTooManyFailures()
    {
        Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(_retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteProblem(429, "rate-limited", "Too many failed authentications.",
            "This address sent too many invalid API keys; wait before trying again (see Retry-After).");
    }

    private Task WriteProblem(int status, string type, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == 401) Response.Headers.WWWAuthenticate = type == "invalid-api-key" ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Results.Problem(statusCode: status, type: $"https://tandem.dev/problems/{type}", title: title, detail: detail).ExecuteAsync(Context);
    }
}
