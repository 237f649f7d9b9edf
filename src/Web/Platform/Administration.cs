namespace Tandem.Web.Platform;

/// <summary>An API key as the admin page lists it: never the secret.</summary>
public sealed record ApiKeySummary(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A key just created: <paramref name="Secret"/> is shown once and never stored in clear.</summary>
public sealed record CreatedApiKey(ApiKeySummary Key, string Secret);

/// <summary>The host's API keys (machines), as <c>tandem apikey</c> and <c>/api/keys</c> manage them; the host implements it.</summary>
public interface IApiKeyAdministration
{
    /// <summary>The roles a key can have.</summary>
    IReadOnlyList<string> Roles { get; }

    Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken ct);

    /// <summary>Creates a key; throws <c>ValidationFailedException</c> naming <c>name</c> or <c>role</c> when they are not acceptable.</summary>
    Task<CreatedApiKey> CreateAsync(string name, string role, string? by, CancellationToken ct);

    /// <summary>Revokes a key (its next request is refused); false when no key has this id.</summary>
    Task<bool> RevokeAsync(string id, string? by, CancellationToken ct);
}

/// <summary>One compliance setting in force: its configuration key, the effective value, whether it is the default, and a problem if any.</summary>
public sealed record ComplianceSetting(string Key, string? Value, bool IsDefault, string? Problem = null);

/// <summary>
/// The compliance settings in force (read-only: they are configuration, changed in <c>appsettings.json</c>, environment
/// variables or the command line, then a restart); the host implements it.
/// </summary>
public interface IComplianceSettingsView
{
    /// <summary>The pack, the offer sector, the newsletter grey-zone switch and the telephony caller ID, as the host reads them.</summary>
    IReadOnlyList<ComplianceSetting> Settings();
}

/// <summary>What an export found, and the document itself (JSON, the same as <c>GET /api/privacy/subjects</c>).</summary>
public sealed record SubjectExportFile(int Leads, int Prospects, bool Erased, IReadOnlyList<string> Unavailable, string Json);

/// <summary>What an erasure did (the same as <c>POST /api/privacy/subjects/erase</c>).</summary>
public sealed record SubjectErasure(string RequestId, int Leads, int Prospects, DateTimeOffset CompletedAt);

/// <summary>
/// Data-subject requests (GDPR art. 15, 17, 20) composed by the host from every module's privacy messages, recorded in the
/// audit log with who asked; the host implements it.
/// </summary>
public interface IDataSubjectRequests
{
    /// <summary>Everything every module holds about the person with this email or phone; throws <c>ValidationFailedException</c> without either.</summary>
    Task<SubjectExportFile> ExportAsync(string? email, string? phone, string? by, CancellationToken ct);

    /// <summary>Erases the person in every module and remembers them hashed so that they do not come back.</summary>
    Task<SubjectErasure> EraseAsync(string? email, string? phone, string? by, CancellationToken ct);
}

/// <summary>One audit fact: what, to whom (an id or a hash, never an address), why, who, which module, when.</summary>
public sealed record AuditLogEntry(string Kind, string? Subject, string? Detail, string? By, string Module, DateTimeOffset At);

/// <summary>A page of the audit log, newest first.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogEntry> Items, int Total, int Page, int PageSize);

/// <summary>The privacy audit log kept by the host (<c>GET /api/privacy/audit</c>); the host implements it.</summary>
public interface IAuditLog
{
    /// <summary>The kinds of fact, for the filter.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>A page, newest first, optionally of one kind; throws <c>ValidationFailedException</c> for an unknown kind.</summary>
    Task<AuditLogPage> PageAsync(string? kind, int page, int pageSize, CancellationToken ct);
}
