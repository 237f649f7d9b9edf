using Microsoft.Extensions.Configuration;

namespace Tandem.Modules.Prospects.Qualification;

/// <summary>A sales rep and the départements of their territory (empty: no territory, takes the round-robin share).</summary>
internal sealed record Rep(string Name, IReadOnlySet<string> Departements);

/// <summary>
/// Who gets a new prospect: the reps whose territory holds its département (round-robin among them), otherwise
/// round-robin among all reps (<c>Tandem:Prospects:Reps</c>; the older <c>Tandem:Prospects:Owners</c> list still works).
/// Unassigned when no rep is configured.
/// </summary>
internal sealed class OwnerAssignment(IReadOnlyList<Rep> reps)
{
    public bool HasOwners => reps.Count > 0;
    public IReadOnlyList<Rep> Reps => reps;

    public string? Next(int prospectsSoFar, string? departement)
    {
        if (reps.Count == 0) return null;
        var territory = departement is null ? [] : reps.Where(r => r.Departements.Contains(departement)).ToList();
        var pool = territory.Count > 0 ? territory : reps;
        return pool[prospectsSoFar % pool.Count].Name;
    }

    public static OwnerAssignment FromConfiguration(IConfiguration configuration)
    {
        var reps = new List<Rep>();
        foreach (var child in configuration.GetSection("Tandem:Prospects:Reps").GetChildren())
        {
            // Either "Reps:0=alice" or "Reps:0:Name=alice" with "Reps:0:Departements:0=69".
            var name = child.Value ?? child["Name"];
            if (string.IsNullOrWhiteSpace(name)) continue;
            var departements = child.GetSection("Departements").GetChildren().Select(d => d.Value).OfType<string>();
            reps.Add(new Rep(name, departements.ToHashSet(StringComparer.OrdinalIgnoreCase)));
        }
        if (reps.Count == 0)
            reps.AddRange((configuration.GetSection("Tandem:Prospects:Owners").Get<string[]>() ?? []).Select(o => new Rep(o, new HashSet<string>())));
        return new OwnerAssignment(reps);
    }
}
