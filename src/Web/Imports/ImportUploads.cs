using Microsoft.Extensions.Configuration;

namespace Tandem.Web.Imports;

/// <summary>A file staged for Leads' import, and about how many data rows it holds (its lines less the header).</summary>
public sealed record StagedUpload(string Path, long Bytes, long ExpectedRows);

/// <summary>
/// Stages a CSV uploaded in the browser where Leads' import takes it from (<c>{Tandem:DataDirectory}/imports</c>, as
/// <c>POST /api/leads/imports</c> does), streaming it (never the whole file in memory) and counting its line breaks on the
/// way, so the page can show a progress bar against the rows the import commits. The count is an estimate: a quoted
/// field may hold a line break; the bar stays below 100 % until Leads says the import completed.
/// </summary>
public sealed class ImportUploads(IConfiguration configuration)
{
    /// <summary>The largest file the page accepts (100 MB, about a million rows); larger files go through the API or <c>tandem import leads</c>.</summary>
    public const long MaxBytes = 100L * 1024 * 1024;

    public string Directory { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(configuration["Tandem:DataDirectory"] ?? "data", "imports"));

    public async Task<StagedUpload> StageAsync(Stream content, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = System.IO.Path.Combine(Directory, Guid.CreateVersion7().ToString("N") + ".csv");
        long bytes = 0, lines = 0;
        var last = (byte)'\n';
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                last = buffer[read - 1];
                bytes += read;
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        if (bytes > 0 && last != (byte)'\n') lines++; // the last line without its line break
        return new StagedUpload(path, bytes, Math.Max(0, lines - 1));
    }

    /// <summary>How far the import is, 0 to 100: rows committed against the rows expected; 100 only once completed.</summary>
    public static double Percent(string status, int rows, long expectedRows) =>
        status == Modules.Leads.Contracts.ImportStatus.Completed ? 100
        : expectedRows <= 0 ? 0
        : Math.Min(99, Math.Floor(100.0 * rows / expectedRows));
}
