using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Icp;

internal sealed class DefineIcpValidator : IValidator<DefineIcp>
{
    public static readonly string[] Fields = ["kind", "country", "region", "departement", "postalCode", "nafCode", "headcountBand", "revenueBand",
        "jobTitle", "company", "source", "interest"];
    public static readonly string[] Operators = ["in", "notIn", "between", "equals", "contains"];

    public void Validate(DefineIcp m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name);
        if (m.MinFit is < 0 or > 100) errors.Add("minFit", "Between 0 and 100.");
        if (m.Criteria is null || m.Criteria.Count == 0) { errors.Add("criteria", "At least one criterion."); return; }
        errors.MaxCount("criteria", m.Criteria, 50);
        for (var i = 0; i < m.Criteria.Count; i++)
        {
            var c = m.Criteria[i];
            var at = $"criteria[{i}]";
            if (c is null) { errors.Add(at, "A criterion is required."); continue; }
            errors.Required($"{at}.field", c.Field).SingleLine($"{at}.field", c.Field, Limits.Key);
            if (c.Field is not null && !Fields.Contains(c.Field) && !c.Field.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
                errors.Add($"{at}.field", $"One of {string.Join(", ", Fields)}, or a custom form field's name (letters, digits, _ and -).");
            errors.Required($"{at}.operator", c.Operator).OneOf($"{at}.operator", c.Operator, Operators);
            if (c.Weight is < 0 or > 100) errors.Add($"{at}.weight", "Between 0 and 100 points.");
            if (c.Values is null || c.Values.Count == 0) { errors.Add($"{at}.values", "At least one value."); continue; }
            errors.MaxCount($"{at}.values", c.Values, 200);
            for (var j = 0; j < c.Values.Count; j++) errors.Required($"{at}.values[{j}]", c.Values[j]).SingleLine($"{at}.values[{j}]", c.Values[j], Limits.Name);
            if (c.Operator == "between" && (c.Values.Count != 2 || c.Values.Any(v => !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))))
                errors.Add($"{at}.values", "between takes two numbers: the lowest and the highest.");
        }
    }
}

/// <summary>Creates the ICP, or replaces the one with the same name (PUT semantics).</summary>
internal sealed class DefineIcpHandler(ProspectsDbContext db, TimeProvider clock, IcpCache cache) : ICommandHandler<DefineIcp, IcpDetails>
{
    public async ValueTask<IcpDetails> Handle(DefineIcp command, CancellationToken cancellationToken)
    {
        var icp = await db.Icps.FirstOrDefaultAsync(i => i.Name == command.Name, cancellationToken);
        if (icp is null) db.Icps.Add(icp = new Data.Icp { Id = Ids.New(), Name = command.Name, Criteria = [] });
        icp.Criteria = command.Criteria.ToList();
        icp.MinFit = command.MinFit;
        icp.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        cache.Invalidate();
        return icp.ToDetails();
    }
}

internal sealed class ListIcpsHandler(ProspectsDbContext db) : IQueryHandler<ListIcps, IReadOnlyList<IcpDetails>>
{
    public async ValueTask<IReadOnlyList<IcpDetails>> Handle(ListIcps query, CancellationToken cancellationToken) =>
        (await db.Icps.AsNoTracking().OrderBy(i => i.Name).ToListAsync(cancellationToken)).Select(i => i.ToDetails()).ToList();
}

/// <summary>
/// The compiled ICPs, read once and kept until one changes on this host. Another host sees a change within
/// <see cref="MaxAge"/> (ICPs change a few times a year; qualification must not read them per lead).
/// </summary>
internal sealed class IcpCache(TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private volatile Entry? _entry;

    private sealed record Entry(IReadOnlyList<CompiledIcp> Icps, DateTimeOffset At);

    public void Invalidate() => _entry = null;

    public async Task<IReadOnlyList<CompiledIcp>> GetAsync(ProspectsDbContext db, CancellationToken cancellationToken)
    {
        var entry = _entry;
        if (entry is not null && clock.GetUtcNow() - entry.At < MaxAge) return entry.Icps;
        var icps = await db.Icps.AsNoTracking().OrderBy(i => i.Name).ToListAsync(cancellationToken);
        var compiled = icps.Select(i => new CompiledIcp(i.Id, i.Name, i.Criteria, i.MinFit)).ToList();
        _entry = new Entry(compiled, clock.GetUtcNow());
        return compiled;
    }
}

internal static class IcpMapping
{
    public static IcpDetails ToDetails(this Data.Icp i) => new(i.Id, i.Name, i.Criteria, i.MinFit, i.UpdatedAt);
}
