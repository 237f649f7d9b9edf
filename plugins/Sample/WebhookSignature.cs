using System.Security.Cryptography;
using System.Text;

namespace Tandem.Plugins.Sample;

/// <summary><c>X-Tandem-Signature: sha256=&lt;hex&gt;</c>, an HMAC-SHA256 of the raw body keyed with the shared
/// secret (the same scheme as GitHub's <c>X-Hub-Signature-256</c>).</summary>
internal static class WebhookSignature
{
    public const string Header = "X-Tandem-Signature";
    private const string Prefix = "sha256=";

    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? headerValue)
    {
        if (headerValue is null || !headerValue.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = headerValue.AsSpan(Prefix.Length).Trim();
        if (hex.Length != HMACSHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        Span<byte> provided = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(hex, provided, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != provided.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, provided);
    }
}
