using System.Text.Json;
using Mediator;
using Tandem.Host.Access;
using Tandem.Host.Platform;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;
using Tandem.Web.Platform;

namespace Tandem.Host.Composition;

/// <summary>
/// The admin pages' view of the host's own parts: API keys, the compliance settings in force, data-subject requests and the
/// audit log. Each call runs in its own scope (a page lives as long as its browser tab; a DbContext must not), and does
/// what the matching API endpoint does (the same code: <see cref="ApiKeyService"/>, <see cref="PrivacyEndpoints"/>).
/// </summary>
internal sealed class WebAdministration(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<WebAdministration> logger)
    : IApiKeyAdministration, IComplianceSettingsView, IDataSubjectRequests, IAuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public IReadOnlyList<string> Roles => Access.Roles.All;

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return [.. (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().ListAsync(ct)).Select(Summary)];
    }

    public async Task<CreatedApiKey> CreateAsync(string name, string role, string? by, CancellationToken ct)
    {
        var errors = new ValidationErrors().Required("name", name).SingleLine("name", name, Limits.Name).Required("role", role).OneOf("role", role, Access.Roles.All);
        errors.ThrowIfAny();
        await using var scope = scopes.CreateAsyncScope();
        var (record, key) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name.Trim(), role, ct);
        logger.LogInformation("API key {KeyId} with role {Role} was created on the web app", record.Id, record.Role);
        return new CreatedApiKey(new ApiKeySummary(record.Id, record.Name, record.Role, record.CreatedAt, null), key);
    }

    public async Task<bool> RevokeAsync(string id, string? by, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var revoked = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(id, ct);
        if (revoked is not null) logger.LogInformation("API key {KeyId} was revoked on the web app", revoked.Id);
        return revoked is not null;
    }

    private static ApiKeySummary Summary(ApiKeyInfo k) => new(k.Id, k.Name, k.Role, k.CreatedAt, k.LastUsedAt);

    /// <summary>As Outreach's contact policy and the telephony plugin read them (docs/compliance.md, "Settings").</summary>
    public IReadOnlyList<ComplianceSetting> Settings()
    {
        var pack = configuration["Tandem:Compliance:Pack"];
        var sector = configuration["Tandem:Compliance:OfferSector"];
        var greyZone = configuration["Tandem:Compliance:AllowOptedInNewsletterInEnergyRenovation"];
        var callerId = configuration["Tandem:Plugins:telephony:FromNumber"];
        var effectivePack = pack ?? CompliancePacks.France;
        return
        [
            new("Tandem:Compliance:Pack", effectivePack, pack is null),
            new("Tandem:Compliance:OfferSector", sector, sector is null),
            new("Tandem:Compliance:AllowOptedInNewsletterInEnergyRenovation", greyZone ?? "false", greyZone is null),
            // French telemarketing: the caller ID must be in the ARCEP ranges (checked only under the French pack).
            new("Tandem:Plugins:telephony:FromNumber", callerId, callerId is null,
                effectivePack == CompliancePacks.France && callerId is { Length: > 0 } ? CallerIds.Problem(callerId) : null),
        ];
    }

    public async Task<SubjectExportFile> ExportAsync(string? email, string? phone, string? by, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var export = await PrivacyEndpoints.ExportCoreAsync(services.GetRequiredService<ISender>(), services.GetRequiredService<PlatformDbContext>(),
            services.GetRequiredService<TimeProvider>(), email, phone, by, ct);
        return new SubjectExportFile(export.Leads.Leads.Count, export.Prospects?.Prospects.Count ?? 0, export.Erased, export.Unavailable,
            JsonSerializer.Serialize(export, Json));
    }

    public async Task<SubjectErasure> EraseAsync(string? email, string? phone, string? by, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone)) throw ValidationFailedException.For("email", "Give email or phone.");
        new ValidationErrors().SingleLine("email", email, Limits.Email).SingleLine("phone", phone, Limits.Phone).ThrowIfAny();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var erased = await PrivacyEndpoints.EraseCoreAsync(services.GetRequiredService<ISender>(), services.GetRequiredService<PlatformDbContext>(),
            services.GetRequiredService<TimeProvider>(), PrivacyEndpoints.Listed(email), PrivacyEndpoints.Listed(phone), by, ct);
        return new SubjectErasure(erased.RequestId, erased.Leads, erased.Prospects, erased.CompletedAt);
    }

    public IReadOnlyList<string> Kinds => PrivacyAuditKinds.All;

    public async Task<AuditLogPage> PageAsync(string? kind, int page, int pageSize, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var audit = await PrivacyEndpoints.AuditCoreAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), null, null, kind, page, pageSize, ct);
        return new AuditLogPage([.. audit.Items.Select(a => new AuditLogEntry(a.Kind, a.Subject, a.Detail, a.By, a.Module, a.At))], audit.Total, audit.Page, audit.PageSize);
    }
}
