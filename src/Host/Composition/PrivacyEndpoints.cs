using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Platform;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Host.Composition;

/// <summary>
/// <c>/api/privacy/*</c> (admins): data-subject export and erasure composed from every module's own privacy messages (like
/// <c>GET /api/kpis</c>), the suppression list (kept by Outreach) and the audit log (kept here). docs/compliance.md.
/// </summary>
internal static class PrivacyEndpoints
{
    /// <summary>At most this many identifiers per erasure or suppression file.</summary>
    public const int MaxIdentifiers = 100_000;

    public static void MapPrivacyEndpoints(this RouteGroupBuilder api)
    {
        var privacy = api.MapGroup("/privacy").WithTags("Privacy").RequireAuthorization("admin");
        privacy.MapGet("/subjects", ExportAsync).WithName("ExportPersonalData")
            .WithSummary("Everything every module holds about a person (by email or phone), as one JSON document (GDPR art. 15, 20)")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        privacy.MapPost("/subjects/erase", EraseAsync).WithName("ErasePersonalData")
            .WithSummary("Erase people in every module ({\"email\"|\"phone\"}, or a text file of identifiers, one per line); a hashed entry keeps them from coming back")
            .Accepts<ErasureRequest>("application/json", "text/plain", "text/csv").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024 * 1024));
        privacy.MapPost("/suppressions", SuppressAsync).WithName("AddSuppression")
            .WithSummary("Put an email, phone or domain on the suppression list ({\"kind\",\"value\",\"reason\"?})").ProducesProblem(StatusCodes.Status400BadRequest);
        privacy.MapPost("/suppressions/import", ImportSuppressionsAsync).WithName("ImportSuppressions")
            .WithSummary("Import an opposition list: a text file of email addresses, phone numbers or @domains, one per line")
            .Accepts<string>("text/plain", "text/csv").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024 * 1024));
        privacy.MapGet("/audit", AuditAsync).WithName("GetPrivacyAudit")
            .WithSummary("Blocked and deferred steps, consent changes, suppressions, unsubscribes, exports and erasures, with who and when")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<Ok<SubjectExport>> ExportAsync(ISender sender, PlatformDbContext platform, HttpContext http, TimeProvider clock,
        CancellationToken ct, string? email = null, string? phone = null) =>
        TypedResults.Ok(await ExportCoreAsync(sender, platform, clock, email, phone, By(http), ct));

    /// <summary>The export of one person from every module, recorded in the audit log (the API and the web app's admin page).</summary>
    internal static async Task<SubjectExport> ExportCoreAsync(ISender sender, PlatformDbContext platform, TimeProvider clock, string? email, string? phone,
        string? by, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone)) throw ValidationFailedException.For("email", "Give email or phone.");
        new ValidationErrors().SingleLine("email", email, Limits.Email).SingleLine("phone", phone, Limits.Phone).ThrowIfAny();
        var unavailable = new List<string>();
        var leads = await sender.Send(new ExportLeadsPersonalData(Listed(email), Listed(phone)), ct);
        var leadIds = leads.Leads.Select(l => l.Id).ToList();
        var prospects = await Try(() => sender.Send(new ExportProspectsPersonalData(leadIds), ct), "prospects", unavailable);
        var content = await Try(() => sender.Send(new ExportContentPersonalData(leadIds), ct), "content", unavailable);
        var prospectIds = prospects?.Prospects.Select(p => p.Id).ToList() ?? [];
        var outreach = await Try(() => sender.Send(new ExportOutreachPersonalData(leadIds, prospectIds, leads.Emails, leads.Phones), ct), "outreach", unavailable);
        var now = clock.GetUtcNow();
        await RecordAsync(platform, PrivacyAuditKinds.Exported, SubjectOf(email, phone), $"Export of {leadIds.Count} leads.", by, now, ct);
        return new SubjectExport(now, leads.Emails, leads.Phones, leads.Erased, leads, content, prospects, outreach, unavailable);
    }

    private static async Task<Accepted<ErasureResult>> EraseAsync(HttpRequest request, ISender sender, PlatformDbContext platform, TimeProvider clock,
        CancellationToken ct)
    {
        var (emails, phones) = await ReadIdentifiersAsync(request, ct);
        return TypedResults.Accepted((string?)null, await EraseCoreAsync(sender, platform, clock, emails, phones, By(request.HttpContext), ct));
    }

    /// <summary>An erasure in every module, recorded in the audit log as requested and completed (the API and the web app's admin page).</summary>
    internal static async Task<ErasureResult> EraseCoreAsync(ISender sender, PlatformDbContext platform, TimeProvider clock, List<string> emails, List<string> phones,
        string? by, CancellationToken ct)
    {
        var requestId = Ids.New();
        var subject = emails.Count + phones.Count == 1 ? SubjectOf(emails.FirstOrDefault(), phones.FirstOrDefault()) : $"request:{requestId}";
        await RecordAsync(platform, PrivacyAuditKinds.ErasureRequested, subject, $"Erasure {requestId} of {emails.Count + phones.Count} identifiers.", by,
            clock.GetUtcNow(), ct);
        var erased = await PrivacyErasure.EraseAsync(sender, emails, phones, "erased", forget: true, ct);
        var done = clock.GetUtcNow();
        await RecordAsync(platform, PrivacyAuditKinds.ErasureCompleted, subject,
            $"Erasure {requestId}: {erased.Describe()}", by, done, ct);
        return new ErasureResult(requestId, "completed", emails.Count + phones.Count, erased.Leads, erased.Prospects, done);
    }

    private static async Task<Ok<SuppressionsAdded>> SuppressAsync(SuppressionBody body, ISender sender, HttpContext http, CancellationToken ct)
    {
        new ValidationErrors().Required("kind", body.Kind).Required("value", body.Value).SingleLine("value", body.Value, Limits.Email).ThrowIfAny();
        var added = await sender.Send(new AddSuppressions([new SuppressionRequest(body.Kind!, body.Value!)], body.Reason ?? "objection", By(http)), ct);
        if (added.Refused is [var refused, ..]) throw ValidationFailedException.For(refused.Message.StartsWith("Kind", StringComparison.Ordinal) ? "kind" : "value", refused.Message);
        return TypedResults.Ok(added);
    }

    private static async Task<Ok<SuppressionsAdded>> ImportSuppressionsAsync(HttpRequest request, ISender sender, CancellationToken ct, string? reason = null)
    {
        new ValidationErrors().SingleLine("reason", reason, Limits.Key).ThrowIfAny();
        var lines = await ReadLinesAsync(request, ct);
        var entries = lines.Select(l => new SuppressionRequest(l.Contains('@') && !l.StartsWith('@') ? PersonalDataHash.Email
            : l.StartsWith('@') || !l.Any(char.IsAsciiDigit) ? PersonalDataHash.Domain : PersonalDataHash.Phone, l)).ToList();
        var added = await sender.Send(new AddSuppressions(entries, reason ?? "opposition-list", By(request.HttpContext)), ct);
        if (added.Added + added.AlreadyPresent == 0 && added.Refused is [var first, ..])
            throw ValidationFailedException.For("file", $"No line could be read (line {first.Line}: {first.Message})");
        return TypedResults.Ok(added);
    }

    private static async Task<Ok<AuditPage>> AuditAsync(PlatformDbContext platform, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null,
        string? kind = null, int? page = null, int? pageSize = null) =>
        TypedResults.Ok(await AuditCoreAsync(platform, from, to, kind, page, pageSize, ct));

    /// <summary>A page of the audit log, newest first (the API and the web app's admin page).</summary>
    internal static async Task<AuditPage> AuditCoreAsync(PlatformDbContext platform, DateTimeOffset? from, DateTimeOffset? to, string? kind, int? page, int? pageSize,
        CancellationToken ct)
    {
        if (kind is not null && !PrivacyAuditKinds.All.Contains(kind)) throw ValidationFailedException.For("kind", "One of: " + string.Join(", ", PrivacyAuditKinds.All) + ".");
        var (p, size) = (Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 100, 1, 1000));
        var query = platform.AuditEntries.AsNoTracking();
        if (from is { } f) query = query.Where(a => a.At >= f);
        if (to is { } t) query = query.Where(a => a.At < t);
        if (kind is not null) query = query.Where(a => a.Kind == kind);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((p - 1) * size).Take(size)
            .Select(a => new AuditItem(a.Kind, a.Subject, a.Detail, a.By, a.Module, a.At)).ToListAsync(ct);
        return new AuditPage(items, total, p, size);
    }

    internal static List<string> Listed(string? value) => string.IsNullOrWhiteSpace(value) ? [] : [value.Trim()];

    /// <summary>How the audit names a person: the hash of the identifier, never the identifier.</summary>
    private static string SubjectOf(string? email, string? phone) =>
        "hash:" + (PersonalDataHash.NormaliseEmail(email) is { } e ? PersonalDataHash.Of(PersonalDataHash.Email, e)
            : PersonalDataHash.Of(PersonalDataHash.Phone, PersonalDataHash.NormalisePhone(phone) ?? phone?.Trim() ?? ""));

    private static string? By(HttpContext http) => http.User.Identity?.Name;

    internal static async Task RecordAsync(PlatformDbContext platform, string kind, string? subject, string detail, string? by, DateTimeOffset at, CancellationToken ct)
    {
        platform.AuditEntries.Add(new AuditEntry { Kind = kind, Subject = subject, Detail = detail, By = by, Module = PlatformDbContext.ModuleName, At = at });
        await platform.SaveChangesAsync(ct);
    }

    private static async Task<(List<string> Emails, List<string> Phones)> ReadIdentifiersAsync(HttpRequest request, CancellationToken ct)
    {
        List<string> identifiers;
        if (request.HasJsonContentType())
        {
            ErasureRequest? body;
            try
            {
                body = await request.ReadFromJsonAsync<ErasureRequest>(ct);
            }
            catch (JsonException)
            {
                throw ValidationFailedException.For("body", "Not valid JSON: give {\"email\"} or {\"phone\"}.");
            }
            new ValidationErrors().SingleLine("email", body?.Email, Limits.Email).SingleLine("phone", body?.Phone, Limits.Phone).ThrowIfAny();
            identifiers = [.. Listed(body?.Email), .. Listed(body?.Phone)];
            if (identifiers.Count == 0) throw ValidationFailedException.For("email", "Give email or phone.");
        }
        else identifiers = await ReadLinesAsync(request, ct);
        var emails = identifiers.Where(i => i.Contains('@')).ToList();
        var phones = identifiers.Where(i => !i.Contains('@')).ToList();
        return (emails, phones);
    }

    /// <summary>A text file of identifiers, one per line (a CSV's first column; a header line without digits nor @ is skipped).</summary>
    private static async Task<List<string>> ReadLinesAsync(HttpRequest request, CancellationToken ct)
    {
        var lines = new List<string>();
        using var reader = new StreamReader(request.Body);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var value = line.Split([',', ';', '\t'], 2)[0].Trim().Trim('"');
            if (value.Length == 0) continue;
            if (lines.Count == 0 && !value.Contains('@') && !value.Any(char.IsAsciiDigit)) continue;
            if (value.Length > Limits.Email) throw ValidationFailedException.For("file", $"Line {lines.Count + 1} is longer than {Limits.Email} characters.");
            lines.Add(value);
            if (lines.Count > MaxIdentifiers) throw ValidationFailedException.For("file", $"At most {MaxIdentifiers} identifiers per file.");
        }
        if (lines.Count == 0) throw ValidationFailedException.For("file", "No identifier found: one email address, phone number or @domain per line.");
        return lines;
    }

    internal static async Task<T?> Try<T>(Func<ValueTask<T>> query, string module, List<string> unavailable) where T : class
    {
        try
        {
            return await query();
        }
        catch (ModuleDisabledException)
        {
            unavailable.Add(module);
            return null;
        }
    }
}

/// <summary>Records the audit facts modules publish through their outbox (once per message: the inbox).</summary>
internal sealed class PrivacyAuditRecorder(PlatformDbContext platform) : INotificationHandler<PrivacyAuditRecorded>
{
    public async ValueTask Handle(PrivacyAuditRecorded notification, CancellationToken cancellationToken)
    {
        if (!await platform.BeginConsumeAsync(nameof(PrivacyAuditRecorder), cancellationToken)) return;
        platform.AuditEntries.Add(new AuditEntry
        {
            Kind = notification.Kind, Subject = notification.Subject, Detail = notification.Detail?[..Math.Min(2000, notification.Detail.Length)],
            By = notification.By, Module = notification.Module, At = notification.At,
        });
        await platform.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>The body of <c>POST /api/privacy/subjects/erase</c> as JSON.</summary>
internal sealed record ErasureRequest(string? Email, string? Phone);

/// <summary>The answer of an erasure: done in the request (every module), recorded in the audit log.</summary>
internal sealed record ErasureResult(string RequestId, string Status, int Identifiers, int Leads, int Prospects, DateTimeOffset CompletedAt);

/// <summary>The body of <c>POST /api/privacy/suppressions</c>.</summary>
internal sealed record SuppressionBody(string? Kind, string? Value, string? Reason);

/// <summary>The answer of <c>GET /api/privacy/subjects</c>: one document, one part per module (null and named in <c>unavailable</c> when switched off).</summary>
internal sealed record SubjectExport(DateTimeOffset GeneratedAt, IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, bool Erased,
    LeadsPersonalData Leads, ContentPersonalData? Content, ProspectsPersonalData? Prospects, OutreachPersonalData? Outreach, IReadOnlyList<string> Unavailable);

/// <summary>A page of the audit log, newest first.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditItem> Items, int Total, int Page, int PageSize);

/// <summary>One audit fact.</summary>
internal sealed record AuditItem(string Kind, string? Subject, string? Detail, string? By, string Module, DateTimeOffset At);
