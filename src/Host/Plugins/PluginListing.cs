namespace Tandem.Host.Plugins;

/// <summary><c>tandem plugins list</c>: the catalog as a table, without starting the web server.</summary>
internal static class PluginListing
{
    /// <summary>Loads the plugins (if not yet loaded) and prints them; returns the process exit code (0).</summary>
    public static int Run(IServiceProvider services, TextWriter output)
    {
        Write(services.LoadTandemPlugins(), output);
        return 0;
    }

    public static void Write(PluginCatalog catalog, TextWriter output)
    {
        var plugins = catalog.Plugins;
        if (plugins.Count == 0)
        {
            output.WriteLine("No plugins found.");
            return;
        }

        string[] headers = ["ID", "VERSION", "STATUS", "CAPABILITIES", "REASON"];
        var rows = plugins.Select(p => new[]
        {
            p.Id, p.Version ?? "-", p.Status.ToString(), p.Capabilities.Count == 0 ? "-" : string.Join(", ", p.Capabilities), p.Reason ?? "",
        }).ToList();
        var widths = Enumerable.Range(0, headers.Length - 1)
            .Select(i => Math.Max(headers[i].Length, rows.Max(r => r[i].Length)))
            .ToArray();

        void Line(string[] cells) =>
            output.WriteLine((string.Join("  ", cells.Take(widths.Length).Select((c, i) => c.PadRight(widths[i]))) + "  " + cells[^1]).TrimEnd());

        Line(headers);
        foreach (var row in rows) Line(row);
    }
}
