using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Content.Data;

namespace Tandem.Modules.Content;

internal enum AssetLinkStatus { Valid, Expired, Invalid }

/// <summary>What a signed asset link says, once its signature is checked.</summary>
internal sealed record AssetLink(AssetLinkStatus Status, string? SubmissionId = null, string? AssetId = null, DateTimeOffset? ExpiresAt = null);

/// <summary>
/// Signed, expiring asset links: <c>/d/{payload}.{mac}</c>, the payload being <c>submissionId.assetId.expiresUnixSeconds</c>
/// (base64url) and the mac its HMAC-SHA256. The key is <c>Tandem:Content:LinkSigningKey</c> or, when unset, 256 random bits
/// generated once and kept in the Content database (so that every host on one database signs alike; never in the repository).
/// </summary>
internal sealed class AssetLinks(ContentOptions options, IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string PathPrefix = "/d/";
    private const string KeySetting = "asset-link-signing-key";
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    public async ValueTask<string> IssueAsync(string submissionId, string assetId, CancellationToken ct)
    {
        var expires = clock.GetUtcNow().Add(options.AssetLinkLifetime).ToUnixTimeSeconds();
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{submissionId}.{assetId}.{expires}"));
        var key = await KeyAsync(ct);
        var mac = HMACSHA256.HashData(key, payload);
        return PathPrefix + Base64Url(payload) + "." + Base64Url(mac);
    }

    public async ValueTask<AssetLink> ReadAsync(string token, CancellationToken ct)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryBase64Url(token[..dot], out var payload) || !TryBase64Url(token[(dot + 1)..], out var mac))
            return new AssetLink(AssetLinkStatus.Invalid);
        var key = await KeyAsync(ct);
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(key, payload)))
            return new AssetLink(AssetLinkStatus.Invalid);
        var parts = Encoding.UTF8.GetString(payload).Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return new AssetLink(AssetLinkStatus.Invalid);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        return new AssetLink(clock.GetUtcNow() >= expiresAt ? AssetLinkStatus.Expired : AssetLinkStatus.Valid, parts[0], parts[1], expiresAt);
    }

    private async ValueTask<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } key) return key;
        await _loading.WaitAsync(ct);
        try
        {
            return _key ??= options.LinkSigningKey is { } configured
                ? SHA256.HashData(Encoding.UTF8.GetBytes(configured))
                : Convert.FromBase64String(await StoredKeyAsync(ct));
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The generated key: read it, or store a new one; when another host stored one first, read theirs.</summary>
    private async Task<string> StoredKeyAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            if (await db.Settings.AsNoTracking().Where(s => s.Key == KeySetting).Select(s => s.Value).FirstOrDefaultAsync(ct) is { } stored)
                return stored;
            var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            db.Settings.Add(new ContentSetting { Key = KeySetting, Value = value });
            try
            {
                await db.SaveChangesAsync(ct);
                return value;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another host stored its key at the same moment: use that one.
            }
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length is 0 or > 1024 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4);
        var buffer = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, buffer, out var written)) return false;
        bytes = buffer[..written];
        return true;
    }
}
