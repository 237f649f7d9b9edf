using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads.Import;

/// <summary>Where uploaded files wait for their import: <c>{Tandem:DataDirectory}/imports</c>.</summary>
internal sealed class ImportStaging(IConfiguration configuration)
{
    /// <summary>The largest file an import accepts (2 GiB: a million rows are ~100 MB).</summary>
    public const long MaxFileBytes = 2L << 30;

    public string Directory { get; } = Path.GetFullPath(Path.Combine(configuration["Tandem:DataDirectory"] ?? "data", "imports"));

    /// <summary>Streams <paramref name="content"/> to a new staged file (never the whole file in memory); returns its path.</summary>
    public async Task<string> StageAsync(Stream content, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, Ids.New() + ".csv");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await content.CopyToAsync(file, 1 << 16, ct);
        return path;
    }
}

/// <summary>Wakes the import worker when an import is queued in this process.</summary>
internal sealed class ImportSignal
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Notify()
    {
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

internal static class ImportEndpoints
{
    public static void MapImports(this IEndpointRouteBuilder api)
    {
        api.MapPost("/imports", StartAsync)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitMetadata(ImportStaging.MaxFileBytes))
            .WithFormOptions(multipartBodyLengthLimit: ImportStaging.MaxFileBytes)
            .Accepts<IFormFile>("multipart/form-data")
            .WithName("StartLeadImport").WithSummary("Import leads from a CSV file (multipart field 'file'; optional 'source' channel and 'kind'): 202 with the import's id");
        api.MapGet("/imports/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new GetLeadImport(id), ct)))
            .WithName("GetLeadImport").WithSummary("An import's progress or result, with the refused rows (row number and reason)");
    }

    private static async Task<IResult> StartAsync(HttpRequest request, ClaimsPrincipal user, ImportStaging staging, ISender sender, CancellationToken ct)
    {
        if (!request.HasFormContentType) throw ValidationFailedException.For("file", "Send the CSV as multipart/form-data in the field 'file'.");
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) throw ValidationFailedException.For("file", "Attach a non-empty CSV file in the field 'file'.");
        string staged;
        await using (var content = file.OpenReadStream()) staged = await staging.StageAsync(content, ct);
        try
        {
            var started = await sender.Send(new StartLeadImport(staged, Path.GetFileName(file.FileName), form["source"].FirstOrDefault(), form["kind"].FirstOrDefault(), Callers.Of(user)), ct);
            return TypedResults.Accepted($"/api/leads/imports/{started.Id}", started);
        }
        catch
        {
            File.Delete(staged);
            throw;
        }
    }
}

internal sealed class RequestSizeLimitMetadata(long size) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = size;
}

internal sealed class StartLeadImportValidator : IValidator<StartLeadImport>
{
    public void Validate(StartLeadImport m, ValidationErrors errors) =>
        errors.OneOf("source", m.Source, LeadChannel.All.ToArray()).OneOf("kind", m.Kind, LeadKind.All.ToArray())
            .SingleLine("fileName", m.FileName, Limits.Name);
}

internal sealed class StartLeadImportHandler(LeadsDbContext db, ImportSignal signal, TimeProvider clock) : ICommandHandler<StartLeadImport, LeadImportStarted>
{
    public async ValueTask<LeadImportStarted> Handle(StartLeadImport command, CancellationToken cancellationToken)
    {
        var import = new LeadImport
        {
            Id = Ids.New(), Status = ImportStatus.Queued, FileName = command.FileName, StagedFile = command.StagedFile,
            Source = command.Source ?? "import", Kind = LeadKinds.Normalize(command.Kind), CreatedBy = Callers.Describe(command.Caller),
            CreatedAt = clock.GetUtcNow(),
        };
        // Before the worker is woken: a running import deletes its staged file when it ends.
        long estimate;
        try { estimate = CsvFile.EstimateRows(import.StagedFile); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { estimate = 0; } // the import itself reports the file
        db.Imports.Add(import);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return new LeadImportStarted(import.Id, estimate);
    }
}

internal sealed class GetLeadImportHandler(LeadsDbContext db) : IQueryHandler<GetLeadImport, LeadImportState>
{
    public const int ErrorsShown = 1000;

    public async ValueTask<LeadImportState> Handle(GetLeadImport query, CancellationToken cancellationToken)
    {
        var import = await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == query.Id, cancellationToken) ?? throw new NotFoundException("Import", query.Id);
        var errors = await db.ImportErrors.AsNoTracking().Where(e => e.ImportId == query.Id).OrderBy(e => e.Row).Take(ErrorsShown)
            .Select(e => new ImportRowError(e.Row, e.Message)).ToListAsync(cancellationToken);
        return new LeadImportState(import.Id, import.Status, import.FileName, import.Rows, import.Created, import.Merged, import.Rejected,
            errors, import.Rejected, import.Encoding, import.Delimiter, import.CreatedAt, import.FinishedAt, import.Failure);
    }
}

internal sealed class RunLeadImportHandler(LeadImporter importer) : ICommandHandler<RunLeadImport, bool>
{
    public async ValueTask<bool> Handle(RunLeadImport command, CancellationToken cancellationToken)
    {
        if (!await importer.ClaimAsync(command.Id, cancellationToken)) return false;
        await importer.RunAsync(command.Id, cancellationToken);
        return true;
    }
}

/// <summary>
/// Runs queued imports in the background, and takes over interrupted ones whose lease expired (a restart, another host
/// that died): each resumes after its last committed row. One import at a time per host.
/// </summary>
internal sealed class LeadImportWorker(IServiceScopeFactory scopes, IModuleState modules, ImportSignal signal, IBackgroundStart start, TimeProvider clock,
    ILogger<LeadImportWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!modules.IsEnabled(LeadsModule.ModuleName)) return;
        // An import left running by a stopped host resumes a few seconds after start (IBackgroundStart); a new one opens it at once.
        try { await start.WaitAsync(stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        var check = true; // at start, and after an import ran
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextAsync(stoppingToken)) check = true;
                if (check) await BuildSearchIndexesWhenIdleAsync(stoppingToken);
                check = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A lead import failed; it is retried from its last committed row");
            }
            try { await signal.WaitAsync(Poll, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Builds the search indexes a large import dropped (<see cref="SearchIndexes"/>) when no import is queued or running
    /// any more: an import stopped for good (its host killed, then the module switched off, or the import failing on every
    /// try) must not leave search without its indexes. Instant when they exist.
    /// </summary>
    private async Task BuildSearchIndexesWhenIdleAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        if (await db.Imports.AnyAsync(i => i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running, ct)) return;
        var missing = await new SearchIndexes(db).BuildMissingAsync(null, ct);
        if (missing > 0)
            logger.LogInformation("{Count} search indexes of Leads that an interrupted import had dropped were built again", missing);
    }

    private async Task<bool> RunNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var now = clock.GetUtcNow();
        var candidates = await db.Imports.AsNoTracking()
            .Where(i => (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running) && (i.LockedUntil == null || i.LockedUntil < now))
            .OrderBy(i => i.CreatedAt).Select(i => i.Id).Take(5).ToListAsync(ct);
        foreach (var id in candidates)
        {
            var importer = scope.ServiceProvider.GetRequiredService<LeadImporter>();
            if (!await importer.ClaimAsync(id, ct)) continue;
            await importer.RunAsync(id, ct);
            return true;
        }
        return false;
    }
}
