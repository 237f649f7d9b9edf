using System.Text;

namespace Tandem.Plugins.Shared;

/// <summary>
/// A CSV file uploaded to a plugin endpoint, as <c>multipart/form-data</c> (the first part that carries a file) or as
/// the raw body (<c>text/csv</c>). Compiled into each plugin that imports files (linked source, no shared assembly:
/// plugins stay self-contained).
/// </summary>
internal static class CsvUpload
{
    /// <summary>The file's bytes, or null when a multipart body holds no file part.</summary>
    public static byte[]? FileOf(IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body)
    {
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type : "";
        if (!contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return body.ToArray();
        var boundary = contentType.Split(';').Select(p => p.Trim())
            .FirstOrDefault(p => p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))?["boundary=".Length..].Trim('"');
        if (string.IsNullOrEmpty(boundary)) return null;
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.Span;
        var start = span.IndexOf(delimiter);
        while (start >= 0)
        {
            var partStart = start + delimiter.Length;
            if (span[partStart..].StartsWith("--"u8)) return null; // the closing delimiter
            var next = span[partStart..].IndexOf(delimiter);
            if (next < 0) return null;
            var part = span.Slice(partStart, next);
            var headerEnd = part.IndexOf("\r\n\r\n"u8);
            if (headerEnd >= 0)
            {
                var partHeaders = Encoding.UTF8.GetString(part[..headerEnd]);
                if (partHeaders.Contains("filename=", StringComparison.OrdinalIgnoreCase))
                {
                    var content = part[(headerEnd + 4)..];
                    if (content.EndsWith("\r\n"u8)) content = content[..^2];
                    return content.ToArray();
                }
            }
            start = partStart + next;
        }
        return null;
    }

    /// <summary>The text of the file: UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as Windows-1252's
    /// subset Latin-1 (old Excel exports), so accents are never lost to replacement characters.</summary>
    public static string Text(byte[] file)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(file).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(file);
        }
    }

    /// <summary>RFC 4180 records: commas (or semicolons, when the header line has more of them), double quotes with
    /// <c>""</c> escapes, line breaks inside quotes, CRLF or LF. Each record with its first line number (1-based).</summary>
    public static IEnumerable<(int Line, List<string> Fields)> Records(string text, char separator = ',')
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var recordLine = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            if (c == '"' && field.Length == 0) quoted = true;
            else if (c == separator) { fields.Add(field.ToString()); field.Clear(); }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString());
                field.Clear();
                yield return (recordLine, fields);
                fields = [];
                line++;
                recordLine = line;
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields);
        }
    }

    /// <summary>The separator of a file whose header holds <paramref name="marker"/>: a semicolon when that line has more
    /// semicolons than commas (French Excel), else a comma.</summary>
    public static char SeparatorOf(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return ',';
        var start = text.LastIndexOf('\n', at) + 1;
        var end = text.IndexOf('\n', at);
        var header = text[start..(end < 0 ? text.Length : end)];
        return header.Count(c => c == ';') > header.Count(c => c == ',') ? ';' : ',';
    }
}
