using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Tandem.Host.Logging;

/// <summary>
/// The console log format of the host (the same layout as ASP.NET Core's simple format: <c>info: Category[id]</c>, then
/// the message indented) with personal data redacted: email addresses and phone numbers in any message or exception —
/// plain, URL-encoded (<c>%40</c>, <c>%2B</c>) or as typed in France (<c>06 12 34 56 78</c>) — become <c>[email]</c>
/// and <c>[phone]</c>. Handlers never log personal data on purpose; this is the safety net for what a framework or a
/// library writes (a request path with a query string, an exception message quoting a value). docs/compliance.md.
/// </summary>
internal sealed partial class RedactingConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "tandem";
    private const string Indent = "      ";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "none",
        });
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.WriteLine(']');
        if (!string.IsNullOrEmpty(message)) WriteIndented(textWriter, Redact(message));
        if (logEntry.Exception is { } exception) WriteIndented(textWriter, Redact(exception.ToString()));
    }

    private static void WriteIndented(TextWriter writer, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            writer.Write(Indent);
            writer.WriteLine(line.TrimEnd('\r'));
        }
    }

    /// <summary>Replaces email addresses and phone numbers in <paramref name="text"/>.</summary>
    public static string Redact(string text)
    {
        if (text.Contains('@') || text.Contains("%40", StringComparison.OrdinalIgnoreCase)) text = Email().Replace(text, "[email]");
        return Phone().Replace(text, "[phone]");
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    // E.164 (+33612345678, also %2B-encoded), international with spaces (+33 6 12 34 56 78, +33 (0)6…), and French
    // national numbers (06 12 34 56 78, 06.12.34.56.78, 0612345678). Not digits inside longer tokens (ids, hashes).
    [GeneratedRegex(@"(?<![\w%])(?:(?:\+|%2B|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?\d(?:[ .\-]?\d){6,12}|0[1-9](?:[ .\-]?\d{2}){4})(?![\w])", RegexOptions.IgnoreCase)]
    private static partial Regex Phone();
}
