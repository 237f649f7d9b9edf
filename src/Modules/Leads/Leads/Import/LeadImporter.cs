using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Leads.Scoring;
using Tandem.Modules.Leads.Search;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads.Import;

/// <summary>
/// This process, as the holder of import leases, and how long a lease lasts (<c>Tandem:Leads:Import:LeaseSeconds</c>,
/// default 120): each committed batch renews it; an import whose process died is taken over once its lease has expired.
/// </summary>
internal sealed class ImportWorkerIdentity(IConfiguration configuration)
{
    public string Id { get; } = $"{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The imports this process is running now: the lease keeps other processes out, this keeps a second runner
    /// of the same process (the background worker and a direct <c>RunLeadImport</c>) out.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> Running { get; } = new(StringComparer.Ordinal);

    public TimeSpan Lease { get; } = TimeSpan.FromSeconds(configuration.GetValue("Tandem:Leads:Import:LeaseSeconds", 120) is var s && s is >= 1 and <= 3600
        ? s : throw new InvalidOperationException($"Tandem:Leads:Import:LeaseSeconds is {s}; use 1 to 3600 seconds (default 120)."));

    /// <summary>Rows per committed batch (<c>Tandem:Leads:Import:BatchSize</c>): one transaction, one progress update.</summary>
    public int BatchSize { get; } = configuration.GetValue("Tandem:Leads:Import:BatchSize", LeadImporter.DefaultBatchSize) is var b && b is >= 1 and <= 100_000
        ? b : throw new InvalidOperationException($"Tandem:Leads:Import:BatchSize is {b}; use 1 to 100000 rows (default {LeadImporter.DefaultBatchSize}).");

    /// <summary>
    /// SQLite only: the page cache of the module writer's connection while an import runs, in MB
    /// (<c>Tandem:Leads:Import:SqliteCacheMegabytes</c>; 0 leaves SQLite's default of 2 MB). Put back when the import ends.
    /// </summary>
    public int SqliteCacheMegabytes { get; } = configuration.GetValue("Tandem:Leads:Import:SqliteCacheMegabytes", LeadImporter.DefaultSqliteCacheMegabytes) is var m && m is >= 0 and <= 4096
        ? m : throw new InvalidOperationException($"Tandem:Leads:Import:SqliteCacheMegabytes is {m}; use 0 to 4096 (default {LeadImporter.DefaultSqliteCacheMegabytes}).");

    /// <summary>
    /// An import of about this many rows or more, into a table holding no more leads than that, drops the search indexes
    /// before its first batch and builds them at its end (<c>Tandem:Leads:Import:DeferSearchIndexesFromRows</c>, default
    /// 100,000; 0 never defers; <see cref="SearchIndexes"/>).
    /// </summary>
    public int DeferSearchIndexesFromRows { get; } = configuration.GetValue("Tandem:Leads:Import:DeferSearchIndexesFromRows", LeadImporter.DefaultDeferSearchIndexesFromRows) is var d && d >= 0
        ? d : throw new InvalidOperationException($"Tandem:Leads:Import:DeferSearchIndexesFromRows is {d}; use 0 (never) or a number of rows (default {LeadImporter.DefaultDeferSearchIndexesFromRows}).");

    /// <summary>SQLite only: WAL pages between automatic checkpoints while an import runs (<c>Tandem:Leads:Import:SqliteWalAutocheckpoint</c>; 0 leaves the connection's).</summary>
    public int SqliteWalAutocheckpoint { get; } = configuration.GetValue("Tandem:Leads:Import:SqliteWalAutocheckpoint", LeadImporter.DefaultSqliteWalAutocheckpoint) is var w && w is >= 0 and <= 1_000_000
        ? w : throw new InvalidOperationException($"Tandem:Leads:Import:SqliteWalAutocheckpoint is {w}; use 0 to 1000000 pages (default {LeadImporter.DefaultSqliteWalAutocheckpoint}).");
}

/// <summary>One row read from the file: its number, and the contact or why it is refused.</summary>
/// <remarks>
/// <see cref="Keys"/> is what the writer would otherwise compute per row on its own thread (the folded search keys of a lead
/// made from the contact, the erased-identifier hashes): the reader computes them beside the writer (docs/performance.md,
/// "Lead import").
/// </remarks>
internal readonly record struct ImportRow(int Row, CapturedContact? Contact, string? Error, ImportKeys? Keys = null);

/// <summary>Per-row work done by the import's reader: a new lead's folded keys and the contact's erased-identifier hashes.</summary>
internal sealed record ImportKeys(LeadKeys Lead, string? EmailHash, string? PhoneHash)
{
    public static ImportKeys Of(CapturedContact c) => new(LeadKeys.Of(c.FirstName, c.LastName, c.Company, c.Email),
        c.Email is null ? null : PersonalDataHash.Of(PersonalDataHash.Email, c.Email),
        c.Phone is null ? null : PersonalDataHash.Of(PersonalDataHash.Phone, c.Phone));
}

/// <summary>The derived, indexed keys of a lead (<see cref="LeadSearch"/>, <see cref="ContactNormalizer.CompanyKey"/>).</summary>
internal sealed record LeadKeys(string SearchText, string? NameKey, string? CompanyKey)
{
    public static LeadKeys Of(string? firstName, string? lastName, string? company, string? email) =>
        new(LeadSearch.TextOf(firstName, lastName, company, email), LeadSearch.NameKeyOf(firstName, lastName), ContactNormalizer.CompanyKey(company));

    public static LeadKeys Of(Lead l) => Of(l.FirstName, l.LastName, l.Company, l.Email);
}

/// <summary>
/// Runs one CSV import to its end (docs/leads.md, "Import"). A reader task parses and normalises rows into batches of
/// <see cref="ImportWorkerIdentity.BatchSize"/>; each batch is resolved against the database with two lookups (a dictionary of its
/// normalised emails and phones, not a query per row) and its duplicates merged by the capture's rules while the previous
/// batch is being written; then the batch is committed — leads, merges, sources, row errors and the import's progress with
/// its last committed row — in one group-commit write (<c>db.WriteAsync</c>). A restarted import skips the rows up to its last committed row, so no row is imported twice.
/// </summary>
internal sealed class LeadImporter(LeadsDbContext db, ContactNormalizer normalizer, ImportWorkerIdentity worker, TimeProvider clock, ILogger<LeadImporter> logger,
    IServiceScopeFactory scopes)
{
    public const int DefaultBatchSize = 20_000;
    public const int DefaultSqliteCacheMegabytes = 512;
    public const int DefaultSqliteWalAutocheckpoint = 0;
    public const int DefaultDeferSearchIndexesFromRows = 100_000;
    public const int MaxStoredErrors = 10_000;

    /// <summary>Takes the import's lease; false when another worker holds it or it is finished.</summary>
    public async Task<bool> ClaimAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + worker.Lease;
        var me = worker.Id;
        if (!worker.Running.TryAdd(id, true)) return false; // already running in this process
        try
        {
            var claimed = await db.WriteAsync(c => db.Imports
                .Where(i => i.Id == id && (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running) && (i.LockedUntil == null || i.LockedUntil < now || i.LockedBy == me))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.LockedBy, me).SetProperty(i => i.LockedUntil, until).SetProperty(i => i.Status, ImportStatus.Running), c), ct);
            if (claimed == 1) return true;
        }
        catch
        {
            worker.Running.TryRemove(id, out _);
            throw;
        }
        worker.Running.TryRemove(id, out _);
        return false;
    }

    /// <summary>Runs a claimed import to its end (or until it fails or is cancelled; then it is resumable).</summary>
    public async Task RunAsync(string id, CancellationToken ct)
    {
        try
        {
            await RunClaimedAsync(id, ct);
        }
        finally
        {
            worker.Running.TryRemove(id, out _);
        }
    }

    private async Task RunClaimedAsync(string id, CancellationToken ct)
    {
        var job = await db.Imports.AsNoTracking().FirstAsync(i => i.Id == id, ct);
        CsvLayout layout;
        try
        {
            layout = CsvFile.Detect(job.StagedFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await FinishAsync(id, ImportStatus.Failed, "The uploaded file cannot be read any more.", ct);
            return;
        }
        var progress = new Progress(job.Rows, job.Created, job.Merged, job.Rejected, job.CommittedRow);
        if (job.StartedAt is null)
            await db.WriteAsync(c => db.Imports.Where(i => i.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.StartedAt, clock.GetUtcNow()).SetProperty(i => i.Encoding, layout.EncodingName)
                .SetProperty(i => i.Delimiter, layout.Delimiter.ToString()), c), ct);

        var batches = Channel.CreateBounded<List<ImportRow>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        string? failure = null;
        var reading = Task.Run(async () =>
        {
            try
            {
                failure = await ReadAsync(job, layout, progress.CommittedRow, batches.Writer, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A file that cannot be read on (a record over 4 MB, bytes the detected encoding cannot hold) stops here,
                // with what was committed kept; retrying would fail the same way.
                logger.LogWarning("Import {ImportId} stopped: the file cannot be read past row {Row} ({Error})", id, progress.CommittedRow, ex.GetType().Name);
                failure = $"The file cannot be read after row {progress.CommittedRow}: {ex.GetType().Name}. The rows before it are imported.";
            }
            finally
            {
                batches.Writer.TryComplete();
            }
        }, ct);
        var writes = new ImportWrites(db);
        var indexes = new SearchIndexes(db);
        await DeferSearchIndexesAsync(job, indexes, ct);
        // Batch N is resolved (lookups, merge decisions) on a context of its own while batch N-1 is being written: the
        // writer is the import's bottleneck, and resolving took a third of its time when the two ran one after the other.
        // Batch N's lookups see what was committed up to N-2; what N-1 did comes from N-1's own dictionaries (Carry).
        await using var lookupScope = scopes.CreateAsyncScope();
        var lookups = lookupScope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        Task? writing = null;
        try
        {
            Carry? carry = null;
            var rejectedSoFar = progress.Rejected;
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                var resolved = await ResolveAsync(lookups, job, batch, carry, rejectedSoFar, ct);
                rejectedSoFar += resolved.Rejected;
                if (writing is not null) await writing;
                carry = resolved.Carry;
                writing = CommitAsync(job, resolved, progress, writes, ct);
            }
            if (writing is not null) await writing;
            await reading;
            // Before the writer's cache is put back: the sort reads the whole table. Also when this run did not defer them
            // (an earlier run of the same import that was stopped may have): instant for the indexes that exist.
            await BuildSearchIndexesAsync(id, writes, indexes, ct);
        }
        finally
        {
            if (writing is { IsCompleted: false })
                try { await writing; }
                catch (Exception ex) when (ex is not OutOfMemoryException) { logger.LogDebug("Import {ImportId}: the batch in flight failed too ({Error})", id, ex.GetType().Name); }
            await RestoreWriterAsync(writes);
        }
        await FinishAsync(id, failure is null ? ImportStatus.Completed : ImportStatus.Failed, failure, ct);
        logger.LogInformation("Import {ImportId} finished: {Rows} rows, {Created} created, {Merged} merged, {Rejected} rejected; this run's batches: {ResolveSeconds:F1} s resolving, {WriteSeconds:F1} s writing; {Reapplied} leads changed meanwhile merged again",
            id, progress.Rows, progress.Created, progress.Merged, progress.Rejected, progress.Resolving.TotalSeconds, progress.Writing.TotalSeconds, writes.Reapplied);
        TryDelete(job.StagedFile);
    }

    /// <summary>
    /// Drops the search indexes when this import is large against what the table holds (<see cref="SearchIndexes"/>): its
    /// rows estimated from the file's size and first lines, against the leads stored.
    /// </summary>
    private async Task DeferSearchIndexesAsync(LeadImport job, SearchIndexes indexes, CancellationToken ct)
    {
        if (worker.DeferSearchIndexesFromRows == 0) return;
        var rows = CsvFile.EstimateRows(job.StagedFile) - job.CommittedRow;
        if (rows < worker.DeferSearchIndexesFromRows) return;
        var stored = await db.Leads.LongCountAsync(ct);
        if (rows < stored) return;
        await db.WriteAsync(async c => { await indexes.DropAsync(c); return 0; }, ct);
        logger.LogInformation("Import {ImportId}: about {Rows} rows into {Stored} leads; the search indexes are built at its end (search and duplicate proposals scan the table until then)",
            job.Id, rows, stored);
    }

    private async Task BuildSearchIndexesAsync(string id, ImportWrites writes, SearchIndexes indexes, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var missing = await indexes.BuildMissingAsync(c => writes.TuneWriterAsync(worker.SqliteCacheMegabytes, 0, c), ct);
        if (missing > 0)
            logger.LogInformation("Import {ImportId}: {Count} search indexes built in {Seconds:F1} s", id, missing, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private async Task<string?> ReadAsync(LeadImport job, CsvLayout layout, int committedRow, ChannelWriter<List<ImportRow>> output, CancellationToken ct)
    {
        using var csv = CsvFile.Open(job.StagedFile, layout);
        var fields = CsvFile.MapHeaders(csv);
        if (!fields.Contains("email") && !fields.Contains("phone"))
            return "No email or phone column: the header must name one (E-mail, Email, Courriel, Téléphone, Phone, Mobile…).";
        var size = worker.BatchSize;
        var batch = new List<ImportRow>(size);
        var row = 1; // the header is row 1, as a spreadsheet shows it
        while (await csv.ReadAsync(ct))
        {
            row++;
            if (row <= committedRow) continue;
            var parsed = Parse(csv, fields, row, job.Kind, job.Source);
            if (parsed is null) continue; // an empty line
            batch.Add(parsed.Value);
            if (batch.Count == size)
            {
                await output.WriteAsync(batch, ct);
                batch = new List<ImportRow>(size);
            }
        }
        if (batch.Count > 0) await output.WriteAsync(batch, ct);
        return null;
    }

    private ImportRow? Parse(Sylvan.Data.Csv.CsvDataReader csv, string?[] fields, int row, string defaultKind, string channel)
    {
        string? email = null, phone = null, first = null, last = null, company = null, job = null, postal = null, kind = null;
        var any = false;
        for (var i = 0; i < fields.Length && i < csv.FieldCount; i++)
        {
            var field = fields[i];
            if (field is null) continue;
            var value = csv.GetString(i);
            if (string.IsNullOrWhiteSpace(value)) continue;
            any = true;
            if (ValidationErrors.TextProblem(value, multiLine: true) is { } problem) return new ImportRow(row, null, $"{field}: {problem}");
            switch (field)
            {
                case "email": email = value; break;
                case "phone": phone = value; break;
                case "firstName": first = value; break;
                case "lastName": last = value; break;
                case "company": company = value; break;
                case "jobTitle": job = value; break;
                case "postalCode": postal = value; break;
                case "kind": kind = value; break;
            }
        }
        if (!any) return csv.FieldCount <= 1 || AllEmpty(csv) ? null : new ImportRow(row, null, "No email address or phone number.");
        var normalisedEmail = ContactNormalizer.Email(email);
        if (email is not null && normalisedEmail is null) return new ImportRow(row, null, "email: not a valid email address.");
        var normalisedPhone = normalizer.Phone(phone);
        if (normalisedEmail is null && !normalisedPhone.Valid)
            return new ImportRow(row, null, phone is null ? "No email address or phone number." : "phone: not a valid phone number, and no email address.");
        if (postal is not null && postal.Trim().Length > Limits.PostalCode) return new ImportRow(row, null, $"postalCode: at most {Limits.PostalCode} characters.");
        var contact = new CapturedContact(normalisedEmail, normalisedPhone.E164, normalisedPhone.AsTyped,
            ContactNormalizer.Name(first, Limits.Name), ContactNormalizer.Name(last, Limits.Name), ContactNormalizer.Company(company, Limits.Name),
            ContactNormalizer.Text(job, Limits.Name), ContactNormalizer.PostalCode(postal), CsvFile.KindOf(kind) ?? defaultKind, channel, null);
        return new ImportRow(row, contact, null, ImportKeys.Of(contact));
    }

    private static bool AllEmpty(Sylvan.Data.Csv.CsvDataReader csv)
    {
        for (var i = 0; i < csv.FieldCount; i++) if (!string.IsNullOrWhiteSpace(csv.GetString(i))) return false;
        return true;
    }

    private sealed class Progress(int rows, int created, int merged, int rejected, int committedRow)
    {
        public int Rows = rows, Created = created, Merged = merged, Rejected = rejected, CommittedRow = committedRow;
        /// <summary>Where this run's batches spent their time: the lookups and merge decisions, and the group-commit write (they overlap).</summary>
        public TimeSpan Resolving, Writing;
    }


    /// <summary>What one batch will write, decided before its write; <see cref="Carry"/> is the state after it.</summary>
    private sealed record Resolved(List<ImportRow> Batch, DateTimeOffset Now, List<PendingLead> Touched, List<LeadSourceEntry> Sources, List<LeadMerge> Merges,
        List<ImportRowError> StoredErrors, int Created, int Merged, int Rejected, Carry Carry, TimeSpan Took);

    /// <summary>
    /// The leads a batch knows after its decisions, by email, phone and id: the next batch, resolved while this one is being
    /// written, reads them instead of what its own lookup returned (which may not see this batch's rows yet).
    /// </summary>
    private sealed class Carry(Dictionary<string, PendingLead> byEmail, Dictionary<string, PendingLead> byPhone)
    {
        public Dictionary<string, PendingLead> ByEmail { get; } = byEmail;
        public Dictionary<string, PendingLead> ByPhone { get; } = byPhone;
        public Dictionary<string, PendingLead> ById { get; } = byEmail.Values.Concat(byPhone.Values).DistinctBy(p => p.Lead.Id).ToDictionary(p => p.Lead.Id, StringComparer.Ordinal);
    }

    private async Task<Resolved> ResolveAsync(LeadsDbContext lookups, LeadImport job, List<ImportRow> batch, Carry? carry, int rejectedSoFar, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        // Two lookups per batch: every lead that has one of the batch's emails or phones.
        var emails = batch.Where(r => r.Contact?.Email is not null).Select(r => r.Contact!.Email!).Distinct().ToList();
        var phones = batch.Where(r => r.Contact?.Phone is not null).Select(r => r.Contact!.Phone!).Distinct().ToList();
        // One lookup per batch: rows naming a person who asked to be forgotten are refused (docs/compliance.md).
        // The hashes were computed by the reader (ImportKeys).
        var erased = await Privacy.ErasedIdentifiers.AmongAsync(lookups,
            [.. batch.Where(r => r.Keys?.EmailHash is not null).Select(r => r.Keys!.EmailHash!), .. batch.Where(r => r.Keys?.PhoneHash is not null).Select(r => r.Keys!.PhoneHash!)], ct);
        var known = new Dictionary<string, PendingLead>(StringComparer.Ordinal);
        foreach (var lead in await lookups.Leads.AsNoTracking().Where(l => emails.Contains(l.Email!)).ToListAsync(ct)) known.TryAdd(lead.Id, new PendingLead(lead, false));
        foreach (var lead in await lookups.Leads.AsNoTracking().Where(l => phones.Contains(l.Phone!)).ToListAsync(ct)) known.TryAdd(lead.Id, new PendingLead(lead, false));
        if (carry is not null)
        {
            // The previous batch's state wins over the lookup's (its write may still be running): a copy, which this batch
            // may fill without touching what the previous batch's write is reading.
            foreach (var leadId in known.Keys.ToList())
                if (carry.ById.TryGetValue(leadId, out var carried)) known[leadId] = new PendingLead(carried.Lead.Copy(), false);
            foreach (var e in emails)
                if (carry.ByEmail.TryGetValue(e, out var carried) && !known.ContainsKey(carried.Lead.Id)) known[carried.Lead.Id] = new PendingLead(carried.Lead.Copy(), false);
            foreach (var p in phones)
                if (carry.ByPhone.TryGetValue(p, out var carried) && !known.ContainsKey(carried.Lead.Id)) known[carried.Lead.Id] = new PendingLead(carried.Lead.Copy(), false);
        }
        var byEmail = new Dictionary<string, PendingLead>(StringComparer.Ordinal);
        var byPhone = new Dictionary<string, PendingLead>(StringComparer.Ordinal);
        foreach (var pending in known.Values)
        {
            if (pending.Lead.Email is { } e) byEmail[e] = pending;
            if (pending.Lead.Phone is { } p) byPhone[p] = pending;
        }

        var touched = new List<PendingLead>();
        var sources = new List<LeadSourceEntry>(batch.Count);
        var merges = new List<LeadMerge>();
        var errors = new List<ImportRowError>();
        int created = 0, merged = 0, rejected = 0;
        var detail = $"import:{job.Id}";
        foreach (var row in batch)
        {
            if (row.Contact is not { } contact)
            {
                rejected++;
                errors.Add(new ImportRowError(row.Row, row.Error!));
                continue;
            }
            if (erased.Count > 0 && row.Keys is { } hashes && (hashes.EmailHash is { } eh && erased.Contains(eh) || hashes.PhoneHash is { } ph && erased.Contains(ph)))
            {
                rejected++;
                errors.Add(new ImportRowError(row.Row, Privacy.ErasedIdentifiers.Refusal));
                continue;
            }
            var matchedOn = new List<string>();
            PendingLead? target = null;
            if (contact.Email is { } email && byEmail.TryGetValue(email, out var found)) { target = found; matchedOn.Add(MatchKey.Email); }
            var phoneTaken = false;
            if (contact.Phone is { } phone && byPhone.TryGetValue(phone, out var byNumber))
            {
                if (target is null || ReferenceEquals(target, byNumber)) { target ??= byNumber; matchedOn.Add(MatchKey.Phone); }
                else phoneTaken = true;
            }
            string? mergeId = null;
            var reference = $"import:{job.Id}:{row.Row}";
            if (target is null)
            {
                target = new PendingLead(LeadCapture.NewLead(contact, now), true) { Keys = row.Keys?.Lead };
                target.Lead.Channel = job.Source;
                touched.Add(target);
                created++;
            }
            else
            {
                mergeId = Ids.New();
                // What the lead was before this batch filled it: the writer updates it only if it is still so (a rep's
                // edit in between is never overwritten; ImportWrites).
                if (!target.IsNew) target.Seen ??= target.Lead.Copy();
                var applied = contact with { Phone = phoneTaken ? null : contact.Phone };
                var filled = LeadCapture.Fill(target.Lead, applied);
                if (filled.Count > 0) target.Keys = null; // the keys follow the filled names (computed again by the writer)
                if (filled.Count > 0 && !target.Dirty && !target.IsNew) { target.Dirty = true; touched.Add(target); }
                var merge = new LeadMerge
                {
                    Id = mergeId, LeadId = target.Lead.Id, MatchedOn = string.Join(',', matchedOn), FilledFields = filled.Count == 0 ? null : string.Join(',', filled),
                    Captured = JsonSerializer.Serialize(contact, MqlDefinitions.Json), Reference = reference, At = now,
                };
                merges.Add(merge);
                (target.Applied ??= []).Add((merge, applied));
                merged++;
            }
            if (target.Lead.Email is { } le) byEmail[le] = target;
            if (target.Lead.Phone is { } lp) byPhone[lp] = target;
            sources.Add(new LeadSourceEntry
            {
                LeadId = target.Lead.Id, Channel = job.Source, Detail = detail, Reference = reference, At = now, MergeId = mergeId,
            });
        }

        var storeErrors = errors.Take(Math.Max(0, MaxStoredErrors - rejectedSoFar)).ToList();
        return new Resolved(batch, now, touched, sources, merges, storeErrors, created, merged, rejected, new Carry(byEmail, byPhone),
            System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private async Task CommitAsync(LeadImport job, Resolved resolved, Progress progress, ImportWrites writes, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (batch, now, touched, sources, merges, storeErrors, created, merged, rejected, _, _) = resolved;
        var lastRow = batch[^1].Row;
        var me = worker.Id;
        var leaseUntil = now + worker.Lease;
        await db.WriteAsync(async c =>
        {
            await writes.TuneWriterAsync(worker.SqliteCacheMegabytes, worker.SqliteWalAutocheckpoint, c);
            await writes.RunAsync(touched, sources, merges, storeErrors, job.Id, c);
            // Progress commits with the rows: a restart resumes after lastRow. A lost lease rolls the batch back.
            var owned = await db.Imports.Where(i => i.Id == job.Id && i.LockedBy == me).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.CommittedRow, lastRow)
                .SetProperty(i => i.Rows, i => i.Rows + batch.Count)
                .SetProperty(i => i.Created, i => i.Created + created)
                .SetProperty(i => i.Merged, i => i.Merged + merged)
                .SetProperty(i => i.Rejected, i => i.Rejected + rejected)
                .SetProperty(i => i.LockedUntil, leaseUntil), c);
            if (owned != 1) throw new InvalidOperationException($"Import {job.Id}: the lease was taken over; this batch is not committed.");
            return owned;
        }, ct);
        progress.Rows += batch.Count;
        progress.Created += created;
        progress.Merged += merged;
        progress.Rejected += rejected;
        progress.CommittedRow = lastRow;
        progress.Resolving += resolved.Took;
        progress.Writing += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Gives the module writer's connection back its own cache and checkpoint settings (best effort: a stopping host's writer is gone).</summary>
    private async Task RestoreWriterAsync(ImportWrites writes)
    {
        if (!writes.Tuned) return;
        try
        {
            await db.WriteAsync(async c => { await writes.RestoreWriterAsync(c); return 0; }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or DbException)
        {
            logger.LogDebug("The import's writer settings were not put back ({Error})", ex.GetType().Name);
        }
    }

    private async Task FinishAsync(string id, string status, string? failure, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.WriteAsync(c => db.Imports.Where(i => i.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, status).SetProperty(i => i.Failure, failure).SetProperty(i => i.FinishedAt, now)
            .SetProperty(i => i.LockedBy, (string?)null).SetProperty(i => i.LockedUntil, (DateTimeOffset?)null), c), ct);
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException ex) { logger.LogWarning(ex, "The staged import file could not be deleted"); }
    }
}

/// <summary>A lead touched by an import batch: new (inserted) or existing (updated when a merge filled something).</summary>
internal sealed class PendingLead(Lead lead, bool isNew)
{
    public Lead Lead { get; } = lead;
    public bool IsNew { get; } = isNew;
    public bool Dirty { get; set; }
    /// <summary>The lead's derived keys when the reader computed them and nothing changed them since; null: the writer computes them.</summary>
    public LeadKeys? Keys { get; set; }
    /// <summary>An existing lead as it was before this batch's first merge into it (the writer's guard).</summary>
    public Lead? Seen { get; set; }
    /// <summary>This batch's merges into the lead, in row order, with what each merged (to apply again to the lead as it is now).</summary>
    public List<(LeadMerge Merge, CapturedContact Contact)>? Applied { get; set; }
}

/// <summary>The statements of one batch, on the writer's connection and transaction (raw SQL: EF change tracking costs ~4× more per row).</summary>
internal sealed class ImportWrites(LeadsDbContext db)
{
    /// <summary>A time as the provider stores it (SQLite: EF's sortable binary; PostgreSQL: timestamptz).</summary>
    /// <remarks>A batch's rows share one time: the last conversion is kept (one boxed value per batch, not three per row).</remarks>
    private object? Time(DateTimeOffset? at)
    {
        if (at is null) return null;
        if (_lastTime is { } last && last.At == at.Value && last.At.Offset == at.Value.Offset) return last.Value;
        var value = _timeConverter is null ? at.Value : _timeConverter.ConvertToProvider(at.Value);
        _lastTime = (at.Value, value);
        return value;
    }

    private (DateTimeOffset At, object? Value)? _lastTime;

    private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _timeConverter =
        db.Model.FindEntityType(typeof(Lead))!.FindProperty(nameof(Lead.CreatedAt))!.GetTypeMapping().Converter;

    private (long Cache, long Checkpoint)? _saved;

    /// <summary>Whether <see cref="TuneWriterAsync"/> changed the writer connection's settings.</summary>
    public bool Tuned => _saved is not null;

    /// <summary>
    /// SQLite: a page cache on the writer's connection big enough for the index B-trees a large import keeps updating
    /// (SQLite's default of 2 MB makes every insert read index pages back through system calls once the file is large),
    /// and fewer WAL checkpoints. Per connection; the first call remembers the connection's own values.
    /// </summary>
    public async Task TuneWriterAsync(int cacheMegabytes, int walAutocheckpoint, CancellationToken ct)
    {
        if (!db.Database.IsSqlite() || (cacheMegabytes == 0 && walAutocheckpoint == 0)) return;
        _saved ??= (await PragmaAsync("PRAGMA cache_size", ct), await PragmaAsync("PRAGMA wal_autocheckpoint", ct));
        if (cacheMegabytes > 0) await PragmaAsync($"PRAGMA cache_size = {-1024L * cacheMegabytes}", ct);
        if (walAutocheckpoint > 0) await PragmaAsync($"PRAGMA wal_autocheckpoint = {walAutocheckpoint}", ct);
    }

    /// <summary>Puts back what <see cref="TuneWriterAsync"/> changed (a smaller cache frees its pages).</summary>
    public async Task RestoreWriterAsync(CancellationToken ct)
    {
        if (_saved is not { } saved) return;
        await PragmaAsync($"PRAGMA cache_size = {saved.Cache}", ct);
        await PragmaAsync($"PRAGMA wal_autocheckpoint = {saved.Checkpoint}", ct);
        _saved = null;
    }

    private async Task<long> PragmaAsync(string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Conflicting updates met by this import (a rep's edit, or a capture, between a batch's lookup and its write).</summary>
    public int Reapplied { get; private set; }

    /// <summary>
    /// A lead changed after the resolver read it: the batch's merges into it are applied again, in row order and by the same
    /// fill-only rule, to the lead as it is now (read in the writer's transaction, so nothing changes it meanwhile), and each
    /// merge's record names what it filled on that lead — an undo then clears only what the import wrote.
    /// </summary>
    private async Task ReapplyAsync(PendingLead pending, CancellationToken ct)
    {
        var id = pending.Lead.Id;
        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        if (lead is null) return; // erased meanwhile (a privacy request): its source rows then fail their foreign key, and the retried batch refuses its rows
        foreach (var (merge, contact) in pending.Applied ?? [])
            merge.FilledFields = LeadCapture.Fill(lead, contact) is { Count: > 0 } filled ? string.Join(',', filled) : null;
        var (search, nameKey, companyKey) = LeadKeys.Of(lead);
        var updatedAt = pending.Lead.UpdatedAt;
        await db.Leads.Where(l => l.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.Email, lead.Email).SetProperty(l => l.Phone, lead.Phone).SetProperty(l => l.PhoneAsTyped, lead.PhoneAsTyped)
            .SetProperty(l => l.FirstName, lead.FirstName).SetProperty(l => l.LastName, lead.LastName).SetProperty(l => l.Company, lead.Company)
            .SetProperty(l => l.CompanyKey, companyKey).SetProperty(l => l.JobTitle, lead.JobTitle).SetProperty(l => l.PostalCode, lead.PostalCode)
            .SetProperty(l => l.Kind, lead.Kind).SetProperty(l => l.SearchText, search).SetProperty(l => l.NameKey, nameKey)
            .SetProperty(l => l.UpdatedAt, updatedAt), ct);
        Reapplied++;
    }

    public async Task RunAsync(List<PendingLead> touched, List<LeadSourceEntry> sources, List<LeadMerge> merges, List<ImportRowError> errors, string importId, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        string[] leadColumns = ["Id", "Email", "Phone", "PhoneAsTyped", "FirstName", "LastName", "Company", "CompanyKey", "JobTitle", "PostalCode",
            "Kind", "Status", "Score", "JourneyStage", "Channel", "CampaignId", "SearchText", "NameKey", "CreatedAt", "UpdatedAt"];
        using var insertLead = BulkCommand.Insert<Lead>(db, transaction, leadColumns);
        string[] updateColumns = ["Email", "Phone", "PhoneAsTyped", "FirstName", "LastName", "Company", "CompanyKey", "JobTitle", "PostalCode", "Kind", "SearchText", "NameKey", "UpdatedAt"];
        // Fill-only against the lead as it is, not as it was read: the update applies only where the fields a merge may fill,
        // and the rep's edit marks, are still what the resolver saw (batch N is resolved while N-1 is written, and a rep
        // may edit the lead meanwhile). A lead changed since is merged again by ReapplyAsync below.
        string[] guardColumns = ["Email", "Phone", "PhoneAsTyped", "FirstName", "LastName", "Company", "JobTitle", "PostalCode", "Kind", "EditedFields"];
        var same = db.Database.IsSqlite() ? "IS" : "IS NOT DISTINCT FROM";
        using var updateLead = new BulkCommand(connection, transaction,
            $"UPDATE {db.QuotedTable<Lead>()} SET {string.Join(", ", updateColumns.Select(c => $"\"{c}\" = @{c}"))} WHERE \"Id\" = @Id" +
            string.Concat(guardColumns.Select(c => $" AND \"{c}\" {same} @Seen{c}")),
            [.. updateColumns, "Id", .. guardColumns.Select(c => "Seen" + c)]);
        string[] sourceColumns = ["LeadId", "Channel", "Detail", "Reference", "At", "MergeId"];
        using var insertSource = BulkCommand.Insert<LeadSourceEntry>(db, transaction, sourceColumns);
        string[] mergeColumns = ["Id", "LeadId", "MatchedOn", "FilledFields", "Captured", "Reference", "At"];
        using var insertMerge = BulkCommand.Insert<LeadMerge>(db, transaction, mergeColumns);
        string[] errorColumns = ["ImportId", "Row", "Message"];
        using var insertError = BulkCommand.Insert<LeadImportError>(db, transaction, errorColumns);

        // In the order of the largest index keyed at random (SearchText, Id): consecutive inserts land on neighbouring leaves
        // of that B-tree instead of anywhere in it.
        var ordered = touched.Select(p => (Pending: p, Keys: p.Keys ?? LeadKeys.Of(p.Lead)))
            .OrderBy(t => t.Keys.SearchText, StringComparer.Ordinal).ThenBy(t => t.Pending.Lead.Id, StringComparer.Ordinal);
        foreach (var (pending, keys) in ordered)
        {
            var l = pending.Lead;
            var (search, nameKey, companyKey) = keys;
            if (pending.IsNew)
                await insertLead.RunAsync([l.Id, l.Email, l.Phone, l.PhoneAsTyped, l.FirstName, l.LastName, l.Company, companyKey, l.JobTitle, l.PostalCode,
                    l.Kind, l.Status, l.Score, l.JourneyStage, l.Channel, l.CampaignId, search, nameKey, Time(l.CreatedAt), Time(l.UpdatedAt)], ct);
            else
            {
                var seen = pending.Seen ?? l;
                await updateLead.RunAsync([l.Email, l.Phone, l.PhoneAsTyped, l.FirstName, l.LastName, l.Company, companyKey, l.JobTitle, l.PostalCode,
                    l.Kind, search, nameKey, Time(l.UpdatedAt), l.Id,
                    seen.Email, seen.Phone, seen.PhoneAsTyped, seen.FirstName, seen.LastName, seen.Company, seen.JobTitle, seen.PostalCode, seen.Kind, seen.EditedFields], ct);
            }
        }
        await insertLead.FlushAsync(ct);
        await updateLead.FlushAsync(ct);
        if (updateLead.Unchanged.Count > 0)
        {
            var byId = touched.Where(p => !p.IsNew).ToDictionary(p => p.Lead.Id, StringComparer.Ordinal);
            var id = updateColumns.Length; // @Id follows the SET values
            foreach (var values in updateLead.Unchanged) await ReapplyAsync(byId[(string)values[id]!], ct);
        }
        foreach (var s in sources) await insertSource.RunAsync([s.LeadId, s.Channel, s.Detail, s.Reference, Time(s.At), s.MergeId], ct);
        foreach (var m in merges) await insertMerge.RunAsync([m.Id, m.LeadId, m.MatchedOn, m.FilledFields, m.Captured, m.Reference, Time(m.At)], ct);
        foreach (var e in errors) await insertError.RunAsync([importId, e.Row, e.Message], ct);
        await insertSource.FlushAsync(ct);
        await insertMerge.FlushAsync(ct);
        await insertError.FlushAsync(ct);
    }
}
