using System.Globalization;

namespace Tandem.Host.Plugins;

/// <summary>Host settings for plugins, read once from configuration.</summary>
internal sealed record PluginOptions
{
    /// <summary>Absolute path of the folder scanned for <c>*/plugin.json</c> (<c>Tandem:Plugins:Directory</c>).</summary>
    public required string Directory { get; init; }

    /// <summary>Absolute path under which each plugin gets its own data folder (<c>Tandem:DataDirectory</c>/plugins).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The public address providers call (<c>Tandem:PublicBaseUrl</c>); null: the request's own URL.</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>How long one call into a plugin may take before the host gives up on it.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failed calls after which a plugin's circuit opens.</summary>
    public int FailureThreshold { get; init; } = 5;

    /// <summary>How long an open circuit refuses calls before one trial call is let through.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long loading one plugin (its types, ConfigureServices, its services) may take at start-up.</summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest interval at which a polling source is polled, whatever it asks for
    /// (<c>Tandem:Plugins:MinimumPollSeconds</c>, default 10).</summary>
    public TimeSpan MinimumPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest webhook or plugin endpoint body accepted, in bytes (<c>Tandem:Plugins:MaxBodyBytes</c>, default
    /// 1 MiB; an uploaded file such as a Connections.csv export counts).</summary>
    public int MaxWebhookBodyBytes { get; init; } = 1024 * 1024;

    public static PluginOptions From(IConfiguration configuration)
    {
        var directory = configuration["Tandem:Plugins:Directory"];
        var dataDirectory = configuration["Tandem:DataDirectory"];
        var publicBaseUrl = configuration["Tandem:PublicBaseUrl"];
        Uri? publicBase = null;
        if (!string.IsNullOrWhiteSpace(publicBaseUrl)
            && (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out publicBase) || publicBase.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"Tandem:PublicBaseUrl '{publicBaseUrl}' must be an absolute http(s) URL such as https://crm.example.com.");
        }

        var guard = configuration.GetSection("Tandem:Plugins:Guard");
        return new PluginOptions
        {
            Directory = Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? Path.Combine(AppContext.BaseDirectory, "plugins") : directory),
            DataDirectory = Path.GetFullPath(Path.Combine(string.IsNullOrWhiteSpace(dataDirectory) ? "data" : dataDirectory, "plugins")),
            PublicBaseUrl = publicBase,
            CallTimeout = Seconds(guard, "TimeoutSeconds", 10),
            FailureThreshold = Positive(guard, "FailureThreshold", 5),
            BreakDuration = Seconds(guard, "BreakSeconds", 30),
            LoadTimeout = Seconds(guard, "LoadTimeoutSeconds", 30),
            MinimumPollInterval = Seconds(configuration.GetSection("Tandem:Plugins"), "MinimumPollSeconds", 10),
            MaxWebhookBodyBytes = Positive(configuration.GetSection("Tandem:Plugins"), "MaxBodyBytes", 1024 * 1024),
        };
    }

    private static TimeSpan Seconds(IConfigurationSection section, string key, double fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return TimeSpan.FromSeconds(fallback);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"{section.Path}:{key} '{text}' must be a positive number of seconds.");
    }

    private static int Positive(IConfigurationSection section, string key, int fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"{section.Path}:{key} '{text}' must be a positive whole number.");
    }
}
