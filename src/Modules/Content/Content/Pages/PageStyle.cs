using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tandem.Modules.Content.Pages;

/// <summary>
/// The pages' one stylesheet, inline (no extra request, no framework), built once from the branding colour. The page CSP
/// allows it by its SHA-256 hash, so no other inline style can run. Colours are chosen for a contrast of at least 4.5:1.
/// </summary>
internal sealed class PageStyle
{
    public PageStyle(Branding branding)
    {
        var primary = branding.PrimaryColor;
        var onPrimary = Contrast(primary, "#ffffff") >= Contrast(primary, "#111111") ? "#ffffff" : "#111111";
        // Links and accents in the primary colour only when it is readable on white; otherwise near-black.
        var accent = Contrast(primary, "#ffffff") >= 4.5 ? primary : "#1a1a1a";
        Css = string.Create(CultureInfo.InvariantCulture, $$"""
            *,*::before,*::after{box-sizing:border-box}
            body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f7}
            a{color:{{accent}}}
            header.brand{background:#fff;border-top:4px solid {{primary}};padding:.75rem 1rem;display:flex;align-items:center;gap:.75rem}
            header.brand img{max-height:40px;max-width:60%}
            header.brand .name{font-weight:700;font-size:1.1rem}
            main{max-width:64rem;margin:0 auto;padding:1rem}
            .intro h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
            .promise{background:#fff;border-left:4px solid {{primary}};padding:.75rem 1rem;font-weight:600}
            .card{background:#fff;border-radius:8px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.15);margin-top:1rem}
            .card h2{margin-top:0;font-size:1.25rem}
            .field{margin:0 0 1rem}
            label{display:block;font-weight:600;margin-bottom:.25rem}
            input[type=text],input[type=email],input[type=tel],select{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #6b6b6b;border-radius:6px;background:#fff;color:#1a1a1a}
            .check{display:flex;gap:.6rem;align-items:flex-start;margin:0 0 .75rem}
            .check input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none}
            .check label{font-weight:400;margin:0}
            fieldset{border:0;padding:0;margin:0 0 1rem}
            legend{font-weight:700;margin-bottom:.5rem;padding:0}
            .req{color:#b00020}
            .note,.hint,.legal{font-size:.9rem;color:#4a4a4a}
            .hint{margin:-.5rem 0 .75rem 1.85rem}
            .error{color:#b00020;font-size:.9rem;margin:.25rem 0 0}
            [aria-invalid=true]{border-color:#b00020;border-width:2px}
            .errors{border:2px solid #b00020;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem;background:#fff}
            .errors h2{font-size:1rem;margin:0 0 .25rem;color:#b00020}
            button,.button{display:inline-block;width:100%;font:inherit;font-weight:700;padding:.8rem 1rem;border:0;border-radius:6px;background:{{primary}};color:{{onPrimary}};text-align:center;text-decoration:none;cursor:pointer}
            a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,.button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 5px #fff}
            .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
            .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
            footer{max-width:64rem;margin:0 auto;padding:1rem;font-size:.9rem;color:#4a4a4a}
            footer a{margin-right:1rem}
            @media (min-width:48rem){main{display:grid;grid-template-columns:1fr 24rem;gap:2rem;align-items:start}.card{margin-top:.5rem}.intro h1{font-size:2rem} }
            """).Replace("\r", "").Replace("\n", "");
        Hash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css))) + "'";
    }

    public string Css { get; }

    /// <summary>The CSP source that allows exactly this stylesheet.</summary>
    public string Hash { get; }

    /// <summary>WCAG contrast ratio between two #rgb/#rrggbb colours.</summary>
    public static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(string hex)
    {
        var h = hex.TrimStart('#');
        if (h.Length == 3) h = string.Concat(h.Select(c => new string(c, 2)));
        double Channel(int i)
        {
            var c = int.Parse(h.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
    }
}
