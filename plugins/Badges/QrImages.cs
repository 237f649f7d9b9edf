using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace Tandem.Plugins.Badges;

/// <summary>Decodes the QR code in a PNG or JPEG image (the photo a booth device took of a badge).</summary>
internal static class QrImages
{
    /// <summary>The QR code's text, or null when the bytes are not an image or hold no readable QR code.</summary>
    public static string? Decode(byte[] image)
    {
        ImageResult pixels;
        try
        {
            pixels = ImageResult.FromMemory(image, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            return null;
        }
        if (pixels?.Data is null || pixels.Width <= 0 || pixels.Height <= 0) return null;

        var source = new RGBLuminanceSource(pixels.Data, pixels.Width, pixels.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true, CharacterSet = "UTF-8" },
        };
        return reader.Decode(source)?.Text;
    }
}
