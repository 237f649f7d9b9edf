using System.Text.Json;
using System.Text.RegularExpressions;
using Semver;

namespace Tandem.Host.Plugins;

/// <summary>
/// The <c>plugin.json</c> beside a plugin's assembly: who the plugin is and which contract it was built against.
/// <code>{ "id": "linkedin", "name": "LinkedIn", "version": "1.2.0", "abstractions": "^1.0", "entryAssembly": "Tandem.Plugins.LinkedIn.dll" }</code>
/// </summary>
internal sealed partial record PluginManifest(
    string Id, string Name, SemVersion Version, SemVersionRange Abstractions, string AbstractionsText, string EntryAssembly)
{
    public const string FileName = "plugin.json";

    /// <summary>Keys of <c>Tandem:Plugins</c> that are host settings, so no plugin may take them as its id.</summary>
    public static readonly IReadOnlySet<string> ReservedIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "directory", "guard" };

    /// <summary>Reads and checks a manifest; on failure <paramref name="problem"/> says what is wrong in words an
    /// administrator can act on.</summary>
    public static PluginManifest? TryRead(string path, out string? problem)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{FileName} cannot be read: {e.Message}";
            return null;
        }
        return TryParse(text, out problem);
    }

    public static PluginManifest? TryParse(string json, out string? problem)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            problem = $"{FileName} is not valid JSON: {e.Message}";
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = $"{FileName} must be a JSON object with id, name, version, abstractions and entryAssembly.";
            return null;
        }

        var problems = new List<string>();
        var id = Text(root, "id", problems);
        var name = Text(root, "name", problems);
        var versionText = Text(root, "version", problems);
        var abstractionsText = Text(root, "abstractions", problems);
        var entryAssembly = Text(root, "entryAssembly", problems);

        if (id is not null && !IdPattern().IsMatch(id))
            problems.Add($"id '{id}' must be lower-case letters, digits and dashes, starting with a letter or digit (it is part of URLs).");
        else if (id is not null && ReservedIds.Contains(id))
            problems.Add($"id '{id}' is reserved for a host setting (Tandem:Plugins:{id}).");

        SemVersion? version = null;
        if (versionText is not null && !SemVersion.TryParse(versionText, SemVersionStyles.Strict, out version))
            problems.Add($"version '{versionText}' is not a semantic version such as 1.0.0.");

        SemVersionRange? abstractions = null;
        if (abstractionsText is not null && !SemVersionRange.TryParseNpm(abstractionsText, out abstractions))
            problems.Add($"abstractions '{abstractionsText}' is not a version range such as ^1.0 or >=1.2 <2.");

        if (entryAssembly is not null
            && (Path.IsPathRooted(entryAssembly) || entryAssembly.Contains("..", StringComparison.Ordinal)
                || !entryAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
            problems.Add($"entryAssembly '{entryAssembly}' must be the file name of a .dll inside the plugin's folder.");

        if (problems.Count > 0)
        {
            problem = $"{FileName}: {string.Join(" ", problems)}";
            return null;
        }

        problem = null;
        return new PluginManifest(id!, name!, version!, abstractions!, abstractionsText!, entryAssembly!);
    }

    private static string? Text(JsonElement root, string property, List<string> problems)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"'{property}' is missing.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Add($"'{property}' must be a non-empty string.");
            return null;
        }
        return value.GetString()!.Trim();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    internal static partial Regex IdPattern();
}
