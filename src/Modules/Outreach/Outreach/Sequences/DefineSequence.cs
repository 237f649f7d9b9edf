using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Templates;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Sequences;

internal sealed class DefineSequenceValidator : IValidator<DefineSequence>
{
    public static readonly IReadOnlyList<string> BranchConditions = Contracts.BranchConditions.All;

    public void Validate(DefineSequence m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name);
        if (m.Steps is null || m.Steps.Count == 0) { errors.Add("steps", "At least one step."); return; }
        errors.MaxCount("steps", m.Steps, 50);
        for (var i = 0; i < m.Steps.Count; i++)
        {
            var s = m.Steps[i];
            var at = $"steps[{i}]";
            if (s is null) { errors.Add(at, "A step is required."); continue; }
            errors.Required($"{at}.kind", s.Kind).OneOf($"{at}.kind", s.Kind, StepKinds.All)
                .SingleLine($"{at}.subject", s.Subject, Limits.Title).MultiLine($"{at}.body", s.Body, Limits.Body)
                .MultiLine($"{at}.instructions", s.Instructions, Limits.Text);
            if (s.WaitDays is < 0 or > 365) errors.Add($"{at}.waitDays", "Between 0 and 365 business days.");
            if (s.Kind == StepKinds.Email && string.IsNullOrWhiteSpace(s.Body)) errors.Add($"{at}.body", "An email step needs a body.");
            if (TemplateRenderer.Problem(s.Subject) is { } sp) errors.Add($"{at}.subject", sp);
            if (TemplateRenderer.Problem(s.Body) is { } bp) errors.Add($"{at}.body", bp);
            ValidateVariants(s, at, errors);
            if (s.Branches is null) continue;
            for (var j = 0; j < s.Branches.Count; j++)
            {
                var b = s.Branches[j];
                if (b is null) { errors.Add($"{at}.branches[{j}]", "A branch is required."); continue; }
                errors.Required($"{at}.branches[{j}].when", b.When).OneOf($"{at}.branches[{j}].when", b.When, BranchConditions);
                // Forward only: a sequence always ends.
                if (b.GoTo is { } to && (to <= i || to >= m.Steps.Count))
                    errors.Add($"{at}.branches[{j}].goTo", $"A later step's index ({i + 1}..{m.Steps.Count - 1}), or null to stop.");
            }
        }
    }

    private static void ValidateVariants(SequenceStepDefinition s, string at, ValidationErrors errors)
    {
        if (s.Variants is not { Count: > 0 } variants) return;
        if (s.Kind is not (StepKinds.Email or StepKinds.LinkedIn))
        {
            errors.Add($"{at}.variants", "Only email and LinkedIn steps have templates to vary.");
            return;
        }
        if (variants.Count < 2) errors.Add($"{at}.variants", "An A/B test needs at least two variants.");
        if (variants.Count > VariantRules.MaxVariants) { errors.Add($"{at}.variants", $"At most {VariantRules.MaxVariants} variants."); return; }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var k = 0; k < variants.Count; k++)
        {
            var v = variants[k];
            var vat = $"{at}.variants[{k}]";
            if (v is null) { errors.Add(vat, "A variant is required."); continue; }
            errors.Required($"{vat}.name", v.Name).SingleLine($"{vat}.name", v.Name, Limits.Key)
                .SingleLine($"{vat}.subject", v.Subject, Limits.Title).MultiLine($"{vat}.body", v.Body, Limits.Body);
            if (!string.IsNullOrWhiteSpace(v.Name) && !names.Add(v.Name.Trim())) errors.Add($"{vat}.name", $"Another variant of this step is named '{v.Name}'.");
            if (v.Weight is < 1 or > VariantRules.MaxWeight) errors.Add($"{vat}.weight", $"Between 1 and {VariantRules.MaxWeight}.");
            if (v.Subject is not null && s.Kind != StepKinds.Email) errors.Add($"{vat}.subject", "Only email steps have a subject.");
            if (v.Body is not null && string.IsNullOrWhiteSpace(v.Body)) errors.Add($"{vat}.body", "Leave it out to use the step's body; not blank.");
            if (TemplateRenderer.Problem(v.Subject) is { } sp) errors.Add($"{vat}.subject", sp);
            if (TemplateRenderer.Problem(v.Body) is { } bp) errors.Add($"{vat}.body", bp);
        }
    }
}

/// <summary>A/B variants (docs/outbound.md, "A/B variants"): only where there are templates to vary, two or more, named once, weighted.</summary>
file static class VariantRules
{
    public const int MaxVariants = 10;
    public const int MaxWeight = 1000;
}

internal sealed class DefineSequenceHandler(OutreachDbContext db, TimeProvider clock) : ICommandHandler<DefineSequence, SequenceCreated>
{
    public async ValueTask<SequenceCreated> Handle(DefineSequence command, CancellationToken cancellationToken)
    {
        var sequence = new Sequence
        {
            Id = Ids.New(), Name = command.Name, StopOnReply = command.StopOnReply, IsDefault = command.AutoEnroll, CreatedAt = clock.GetUtcNow(),
            Steps = command.Steps.Select(s => new SequenceStep(s.Kind, s.WaitDays, s.Subject, s.Body, s.Instructions, s.Branches?.ToList(),
                s.Variants is { Count: > 0 } v ? v.Select(x => new StepVariant(x.Name.Trim(), x.Weight, x.Subject, x.Body)).ToList() : null)).ToList(),
        };
        db.Sequences.Add(sequence);
        await db.SaveChangesAsync(cancellationToken);
        return new SequenceCreated(sequence.Id);
    }
}

