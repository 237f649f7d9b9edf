using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Personas;

internal sealed class DefinePersonaValidator : IValidator<DefinePersona>
{
    public void Validate(DefinePersona m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name)
            .SingleLine("function", m.Function, Limits.Name).MultiLine("callScript", m.CallScript, Limits.Text)
            .SingleLine("templateVariant", m.TemplateVariant, Limits.Key);
        if (m.TitleKeywords is null || m.TitleKeywords.Count == 0) errors.Add("titleKeywords", "At least one job-title keyword (French or English).");
        else
        {
            errors.MaxCount("titleKeywords", m.TitleKeywords, 100);
            for (var i = 0; i < m.TitleKeywords.Count; i++) errors.Required($"titleKeywords[{i}]", m.TitleKeywords[i]).SingleLine($"titleKeywords[{i}]", m.TitleKeywords[i], Limits.Name);
        }
        if (m.Seniorities is not null)
            for (var i = 0; i < m.Seniorities.Count; i++) errors.OneOf($"seniorities[{i}]", m.Seniorities[i], PersonaMatcher.SeniorityLevels);
    }
}

internal sealed class DefinePersonaHandler(ProspectsDbContext db, TimeProvider clock) : ICommandHandler<DefinePersona, PersonaCreated>
{
    public async ValueTask<PersonaCreated> Handle(DefinePersona command, CancellationToken cancellationToken)
    {
        var persona = new Persona
        {
            Id = Ids.New(), Name = command.Name, TitleKeywords = command.TitleKeywords.ToList(), Seniorities = command.Seniorities?.ToList() ?? [],
            Function = command.Function, CallScript = command.CallScript, TemplateVariant = command.TemplateVariant, CreatedAt = clock.GetUtcNow(),
        };
        db.Personas.Add(persona);
        await db.SaveChangesAsync(cancellationToken);
        return new PersonaCreated(persona.Id);
    }
}

internal sealed class ListPersonasHandler(ProspectsDbContext db) : IQueryHandler<ListPersonas, IReadOnlyList<PersonaDetails>>
{
    public async ValueTask<IReadOnlyList<PersonaDetails>> Handle(ListPersonas query, CancellationToken cancellationToken) =>
        (await db.Personas.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken))
        .Select(p => new PersonaDetails(p.Id, p.Name, p.TitleKeywords, p.Seniorities, p.Function, p.CallScript, p.TemplateVariant)).ToList();
}

/// <summary>
/// Matches a job title to the best persona: each keyword found in the title (ignoring case and accents) counts 2, the
/// title's seniority being one the persona targets counts 1; at least one keyword must match; ties go to the older persona.
/// </summary>
internal static class PersonaMatcher
{
    public static readonly string[] SeniorityLevels = ["executive", "director", "manager", "individual"];

    private static readonly (string Level, string[] Words)[] SeniorityWords =
    [
        ("executive", ["ceo", "pdg", "president", "fondateur", "founder", "owner", "gerant", "directeur general", "dg", "chief", "cfo", "coo", "cto"]),
        ("director", ["directeur", "directrice", "director", "head", "vp", "vice-president"]),
        ("manager", ["responsable", "manager", "chef", "lead"]),
    ];

    public static string SeniorityOf(string? title)
    {
        var words = Words(CompiledIcp.Normalize(title));
        foreach (var (level, candidates) in SeniorityWords)
            if (candidates.Any(c => c.Contains(' ', StringComparison.Ordinal) ? string.Join(' ', words).Contains(c, StringComparison.Ordinal) : words.Any(w => w.StartsWith(c, StringComparison.Ordinal)))) return level;
        return "individual";
    }

    public static Persona? Best(IReadOnlyList<Persona> personas, string? title)
    {
        if (string.IsNullOrWhiteSpace(title)) return null;
        var normalized = " " + string.Join(' ', Words(CompiledIcp.Normalize(title))) + " ";
        var seniority = SeniorityOf(title);
        Persona? best = null;
        var bestScore = 0;
        foreach (var p in personas)
        {
            // A keyword matches at the start of a word, so that "gérant" finds "Gérante" and "manager" finds "managers".
            var hits = p.TitleKeywords.Count(k => normalized.Contains(" " + string.Join(' ', Words(CompiledIcp.Normalize(k))), StringComparison.Ordinal));
            if (hits == 0) continue;
            var score = hits * 2 + (p.Seniorities.Contains(seniority) ? 1 : 0);
            if (score > bestScore) (best, bestScore) = (p, score);
        }
        return best;
    }

    private static string[] Words(string normalized) =>
        normalized.Split([' ', ',', ';', '/', '(', ')', '.', '&', '\'', '’'], StringSplitOptions.RemoveEmptyEntries);
}
