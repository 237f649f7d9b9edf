using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Sequences;

internal sealed class ListSequencesValidator : IValidator<ListSequences>
{
    public void Validate(ListSequences m, ValidationErrors errors) => errors.Page(m.Page, m.PageSize);
}

/// <summary>Newest first. (Enrolments per sequence are not counted here: Enrollments has no index by sequence.)</summary>
internal sealed class ListSequencesHandler(OutreachDbContext db) : IQueryHandler<ListSequences, SequencePage>
{
    public async ValueTask<SequencePage> Handle(ListSequences query, CancellationToken cancellationToken)
    {
        var total = await db.Sequences.CountAsync(cancellationToken);
        var page = await db.Sequences.AsNoTracking().OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new SequencePage(page.Select(s => s.ToDetails()).ToList(), total, query.Page, query.PageSize);
    }
}

internal sealed class GetSequenceValidator : IValidator<GetSequence>
{
    public void Validate(GetSequence m, ValidationErrors errors) => errors.Required("id", m.Id).SingleLine("id", m.Id, Limits.Id);
}

internal sealed class GetSequenceHandler(OutreachDbContext db) : IQueryHandler<GetSequence, SequenceDetails>
{
    public async ValueTask<SequenceDetails> Handle(GetSequence query, CancellationToken cancellationToken)
    {
        var sequence = await db.Sequences.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Sequence", query.Id);
        return sequence.ToDetails();
    }
}

internal static class SequenceMapping
{
    public static SequenceDetails ToDetails(this Sequence s) =>
        new(s.Id, s.Name, s.Steps.Select(x => new SequenceStepDefinition(x.Kind, x.WaitDays, x.Subject, x.Body, x.Instructions, x.Branches,
                x.Variants?.Select(v => new StepVariantDefinition(v.Name, v.Weight, v.Subject, v.Body)).ToList())).ToList(),
            s.StopOnReply, s.IsDefault, s.CreatedAt);
}
