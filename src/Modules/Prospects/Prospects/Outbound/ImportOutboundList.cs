using System.Diagnostics;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Prospects.Personas;
using Tandem.Modules.Prospects.Qualification;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Outbound;

/// <summary>Where uploaded outbound lists wait: <c>{Tandem:DataDirectory}/imports</c>, next to Leads' own imports.</summary>
internal sealed class OutboundStaging(IConfiguration configuration)
{
    /// <summary>The largest list accepted (256 MiB: a million companies with their contacts are ~150 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    public string Directory { get; } = Path.GetFullPath(Path.Combine(configuration["Tandem:DataDirectory"] ?? "data", "imports"));

    public async Task<string> StageAsync(Stream content, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, Ids.New() + ".csv");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await content.CopyToAsync(file, 1 << 16, ct);
        return path;
    }
}

internal static class OutboundEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/imports", async (HttpRequest request, OutboundStaging staging, ISender sender, CancellationToken ct) =>
            {
                if (!request.HasFormContentType) throw ValidationFailedException.For("file", "Send the CSV as multipart/form-data in the field 'file'.");
                var form = await request.ReadFormAsync(ct);
                var file = form.Files.GetFile("file");
                if (file is null || file.Length == 0) throw ValidationFailedException.For("file", "Attach a non-empty CSV file in the field 'file'.");
                string staged;
                await using (var content = file.OpenReadStream()) staged = await staging.StageAsync(content, ct);
                try
                {
                    return Results.Ok(await sender.Send(new ImportOutboundList(staged, Path.GetFileName(file.FileName)), ct));
                }
                finally
                {
                    File.Delete(staged); // the import deletes it once read; this covers a refusal before it ran
                }
            })
            .DisableAntiforgery()
            .WithMetadata(new OutboundSizeLimit(OutboundStaging.MaxFileBytes))
            .WithFormOptions(multipartBodyLengthLimit: OutboundStaging.MaxFileBytes)
            .Accepts<IFormFile>("multipart/form-data")
            .WithName("ImportOutboundList")
            .WithSummary("Import a researched outbound list (CSV of companies and contacts): leads with source outbound, accounts, ICP fit, fitting rows qualified");

    private sealed class OutboundSizeLimit(long size) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize { get; } = size;
    }
}

internal sealed class ImportOutboundListValidator : IValidator<ImportOutboundList>
{
    public void Validate(ImportOutboundList m, ValidationErrors errors) =>
        errors.Required("file", m.StagedFile).SingleLine("fileName", m.FileName, Limits.Name);
}

/// <summary>
/// The outbound list, set-based from end to end: Leads imports the people (its bulk import, source <c>outbound</c>, kind
/// professional); this side reads the firmographics of the same file, upserts the accounts (loaded and written by
/// batches, never per row), scores every row with the compiled ICPs in memory and creates the fitting prospects in
/// batches of <see cref="Batch"/>, each with its <see cref="ProspectQualified"/> (so Outreach enrols them).
/// </summary>
internal sealed partial class ImportOutboundListHandler(ProspectsDbContext db, ISender sender, IcpCache icps, OwnerAssignment owners, TimeProvider clock,
    ILogger<ImportOutboundListHandler> logger)
    : ICommandHandler<ImportOutboundList, OutboundListImported>
{
    /// <summary>The lead source of a researched list (one of Leads' channels).</summary>
    public const string OutboundSource = "outbound";
    private const int Batch = 5_000;
    private const int InChunk = 500;
    private const int ErrorsShown = 1_000;
    private static readonly TimeSpan LeadImportDeadline = TimeSpan.FromMinutes(30);

    public async ValueTask<OutboundListImported> Handle(ImportOutboundList command, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        List<OutboundRow> rows;
        string leadImportId;
        try
        {
            rows = await OutboundCsv.ReadAsync(command.StagedFile, cancellationToken);
            // Leads owns its copy (and deletes it when done); this side keeps nothing.
            var forLeads = Path.Combine(Path.GetDirectoryName(command.StagedFile)!, Ids.New() + ".csv");
            File.Copy(command.StagedFile, forLeads);
            leadImportId = (await sender.Send(new StartLeadImport(forLeads, command.FileName, OutboundSource, LeadKind.Professional), cancellationToken)).Id;
        }
        finally
        {
            File.Delete(command.StagedFile);
        }
        var read = watch.ElapsedMilliseconds;
        await WaitForLeadImportAsync(leadImportId, cancellationToken);
        var leads = watch.ElapsedMilliseconds;
        var leadOfRow = (await sender.Send(new GetImportedLeads(leadImportId), cancellationToken)).ToDictionary(r => r.Row, r => r.LeadId);

        var errors = new List<OutboundRow>();
        var usable = new List<(OutboundRow Row, string LeadId)>(rows.Count);
        foreach (var row in rows)
        {
            if (!leadOfRow.TryGetValue(row.Row, out var leadId)) errors.Add(row with { Error = row.Error ?? "Not imported as a lead (see the lead import's errors)." });
            else if (row.Error is not null) errors.Add(row);
            else usable.Add((row, leadId));
        }

        var accounts = await UpsertAccountsAsync(usable.Select(u => u.Row), cancellationToken);
        var accountsDone = watch.ElapsedMilliseconds;
        var compiled = await icps.GetAsync(db, cancellationToken);
        var personas = await db.Personas.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        var prospectsSoFar = owners.HasOwners ? await db.Prospects.CountAsync(cancellationToken) : 0;
        int scored = 0, fitting = 0, qualified = 0, already = 0;
        for (var start = 0; start < usable.Count; start += Batch)
        {
            var batch = usable.GetRange(start, Math.Min(Batch, usable.Count - start));
            var existing = await ExistingProspectsAsync(batch.Select(b => b.LeadId), cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var (row, leadId) in batch)
            {
                accounts.TryGetValue(CompiledIcp.Normalize(row.Company), out var account);
                var facts = FactsOf(row, account);
                var fit = IcpScoring.Best(compiled, facts);
                scored++;
                if (!fit.Fits) continue;
                fitting++;
                if (!existing.Add(leadId)) { already++; continue; }
                var persona = PersonaMatcher.Best(personas, row.JobTitle);
                var prospect = new Prospect
                {
                    Id = Ids.New(), LeadId = leadId, Kind = LeadKind.Professional, FitScore = fit.Score, FitReasons = [.. fit.Reasons], IcpId = fit.IcpId,
                    PersonaId = persona?.Id, Owner = owners.Next(prospectsSoFar++, facts.Departement), Stage = ProspectStages.Awareness,
                    Outcome = ProspectOutcomes.Open, CreatedAt = now,
                };
                db.Prospects.Add(prospect);
                db.Publish(new ProspectQualified(prospect.Id, leadId, prospect.Kind, prospect.FitScore, prospect.Owner, prospect.Stage, false, null, now));
                qualified++;
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        LogDone(logger, leadImportId, rows.Count, qualified, read, leads - read, accountsDone - leads, watch.ElapsedMilliseconds - accountsDone);
        return new OutboundListImported(leadImportId, rows.Count, errors.Count, accounts.Count, scored, fitting, qualified, already,
            errors.Take(ErrorsShown).Select(e => new OutboundRowError(e.Row, e.Error!)).ToList(), watch.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbound list (lead import {LeadImportId}): {Rows} rows, {Qualified} qualified; " +
        "read {ReadMs} ms, Leads' import {LeadsMs} ms, accounts {AccountsMs} ms, scoring and prospects {ProspectsMs} ms")]
    private static partial void LogDone(ILogger logger, string leadImportId, int rows, int qualified, long readMs, long leadsMs, long accountsMs, long prospectsMs);

    /// <summary>
    /// Waits for Leads' import worker, which starting the import woke, to end it. (Not <c>RunLeadImport</c> here: the
    /// worker of the same process may already hold it, and the lease does not keep the same process out.)
    /// </summary>
    private async Task WaitForLeadImportAsync(string id, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + LeadImportDeadline;
        while ((await sender.Send(new GetLeadImport(id), ct)).Status is ImportStatus.Queued or ImportStatus.Running)
        {
            if (clock.GetUtcNow() > deadline) throw new ConflictException("The lead import is still running.", $"Lead import {id} did not end in time; see GET /api/leads/imports/{id}.");
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct);
        }
        var state = await sender.Send(new GetLeadImport(id), ct);
        if (state.Status == ImportStatus.Failed) throw ValidationFailedException.For("file", state.Failure ?? "The file could not be imported.");
    }

    private static ProspectFacts FactsOf(OutboundRow row, Account? account)
    {
        var departement = ProspectFacts.DepartementOf(row.PostalCode) ?? row.Departement ?? account?.Departement;
        return new ProspectFacts
        {
            Kind = LeadKind.Professional, Company = row.Company, JobTitle = row.JobTitle, PostalCode = row.PostalCode, Departement = departement,
            Country = row.Country ?? account?.Country ?? (departement is not null ? "FR" : null), Region = row.Region, NafCode = row.NafCode ?? account?.NafCode,
            HeadcountBand = row.HeadcountBand ?? account?.HeadcountBand, RevenueBand = row.RevenueBand ?? account?.RevenueBand, Source = OutboundSource,
        };
    }

    /// <summary>One account per company name (the file's values win over what was known); existing ones read by chunks of names.</summary>
    private async Task<Dictionary<string, Account>> UpsertAccountsAsync(IEnumerable<OutboundRow> rows, CancellationToken ct)
    {
        var byName = new Dictionary<string, OutboundRow>(StringComparer.Ordinal);
        foreach (var row in rows) byName[CompiledIcp.Normalize(row.Company)] = row;
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        foreach (var chunk in byName.Keys.Chunk(InChunk))
            foreach (var a in await db.Accounts.Where(a => chunk.Contains(a.NormalizedName)).ToListAsync(ct))
                accounts[a.NormalizedName] = a;
        var written = 0;
        foreach (var (name, row) in byName)
        {
            if (!accounts.TryGetValue(name, out var account))
                db.Accounts.Add(accounts[name] = account = new Account { Id = Ids.New(), Name = row.Company!, NormalizedName = name });
            account.Name = row.Company!;
            account.Siren = row.Siren ?? account.Siren;
            account.NafCode = row.NafCode ?? account.NafCode;
            account.HeadcountBand = row.HeadcountBand ?? account.HeadcountBand;
            account.RevenueBand = row.RevenueBand ?? account.RevenueBand;
            account.Country = row.Country ?? account.Country;
            account.Departement = row.Departement ?? ProspectFacts.DepartementOf(row.PostalCode) ?? account.Departement;
            if (++written % Batch == 0) await db.SaveChangesAsync(ct);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return accounts;
    }

    private async Task<HashSet<string>> ExistingProspectsAsync(IEnumerable<string> leadIds, CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in leadIds.Distinct().Chunk(InChunk))
            existing.UnionWith(await db.Prospects.AsNoTracking().Where(p => chunk.Contains(p.LeadId)).Select(p => p.LeadId).ToListAsync(ct));
        return existing;
    }
}
