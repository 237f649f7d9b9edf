namespace Tandem.Plugins.Abstractions;

/// <summary>
/// A source of leads offered by a plugin (a provider's lead forms, a badge scanner, a generic webhook...). A plugin
/// registers one implementation per source in <see cref="ITandemPlugin.ConfigureServices"/>; the leads themselves
/// are handed to the host through <see cref="ILeadSink"/>.
/// </summary>
public interface ILeadSource
{
    /// <summary>The source's name, unique within the plugin (for example <c>"lead-forms"</c>). It is shown to users
    /// as the detail of the lead's source.</summary>
    string Name { get; }
}

/// <summary>
/// Provided by the host: where a plugin hands the leads it collects. Ask for it in a constructor.
/// </summary>
public interface ILeadSink
{
    /// <summary>Captures a lead: the host normalises it, finds the existing person or creates one, and records
    /// consent and source. Delivering the same <see cref="InboundLead.ExternalId"/> again from the same plugin does
    /// not create a second lead.</summary>
    /// <param name="lead">The lead as the plugin received it.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>Whether the lead was created, merged into an existing one, or rejected (and why).</returns>
    ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken);
}

/// <summary>A lead received by a plugin. At least one of <see cref="Email"/>, <see cref="Phone"/> or
/// <see cref="LinkedInUrl"/> is needed.</summary>
public sealed record InboundLead
{
    /// <summary>The lead's id at the provider (form response id, scan id...), unique within the plugin; it makes
    /// a repeated delivery of the same lead harmless.</summary>
    public required string ExternalId { get; init; }

    /// <summary>E-mail address as received; the host normalises it.</summary>
    public string? Email { get; init; }

    /// <summary>Phone number as received (any format); the host normalises it to E.164.</summary>
    public string? Phone { get; init; }

    /// <summary>Given name.</summary>
    public string? FirstName { get; init; }

    /// <summary>Family name.</summary>
    public string? LastName { get; init; }

    /// <summary>Company the person works for.</summary>
    public string? Company { get; init; }

    /// <summary>Job title, used to match personas.</summary>
    public string? JobTitle { get; init; }

    /// <summary><c>"consumer"</c> (a private person) or <c>"professional"</c> (someone acting for a business); the
    /// rules for consent and cold outreach differ between them.</summary>
    public required string Kind { get; init; }

    /// <summary>Free text that says where exactly the lead came from (form name, event, campaign...).</summary>
    public string? SourceDetail { get; init; }

    /// <summary>True when the data was not collected from the person directly (bought list, partner, scraped
    /// profile): the person must then be informed within a month (GDPR article 14).</summary>
    public bool CollectedIndirectly { get; init; }

    /// <summary>The consent choices the person made, each with the text they were shown.</summary>
    public IReadOnlyList<LeadConsent> Consents { get; init; } = [];

    /// <summary>True when the person explicitly asked to be called back (a separate choice, not implied by any
    /// consent); it allows a call even where cold calls are banned.</summary>
    public bool CallbackRequested { get; init; }

    /// <summary>When the person gave their details, with offset.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The acquisition channel to record as the lead's source (<c>event</c>, <c>social</c>, <c>paid</c>...,
    /// as the API's campaign channels); null: <c>plugin</c>. Since 1.1.</summary>
    public string? SourceChannel { get; init; }

    /// <summary>The Tandem campaign the lead is attributed to (for example the trade show's campaign); null: none.
    /// Since 1.1.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The person's LinkedIn profile URL as received (<c>https://www.linkedin.com/in/&lt;name&gt;</c>); the
    /// host normalises it and uses it as an identity after email and phone, so a lead known by its profile alone is
    /// accepted. Since 1.2.</summary>
    public string? LinkedInUrl { get; init; }
}

/// <summary>One consent choice made by a lead.</summary>
public sealed record LeadConsent
{
    /// <summary>What the consent is for (for example <c>"marketing-email"</c>, <c>"phone-contact"</c>).</summary>
    public required string Purpose { get; init; }

    /// <summary>True when the person agreed, false when they refused.</summary>
    public required bool Granted { get; init; }

    /// <summary>The wording the person was shown, kept as proof of consent.</summary>
    public string? Text { get; init; }
}

/// <summary>What became of a lead handed to <see cref="ILeadSink.SubmitAsync"/>.</summary>
public enum LeadSubmissionOutcome
{
    /// <summary>A new lead was created.</summary>
    Created,

    /// <summary>The person was already known; the lead was merged into the existing record.</summary>
    Merged,

    /// <summary>The lead was not accepted; <see cref="LeadSubmissionResult.Error"/> says why.</summary>
    Rejected,
}

/// <summary>The answer of <see cref="ILeadSink.SubmitAsync"/>.</summary>
public sealed record LeadSubmissionResult
{
    /// <summary>Created, merged or rejected.</summary>
    public required LeadSubmissionOutcome Outcome { get; init; }

    /// <summary>The id of the lead created or merged into; null when rejected.</summary>
    public string? LeadId { get; init; }

    /// <summary>Why the lead was rejected, in words a person understands; null otherwise.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// A lead source that fetches from its provider on a schedule (since 1.1): the host calls <see cref="PollAsync"/>
/// once soon after start-up (a backfill, when the plugin keeps no cursor yet) and then every <see cref="Interval"/>,
/// under the same time limit and circuit breaker as any call into the plugin. Keep the cursor in
/// <see cref="IPluginState"/> so that a restart resumes where the last poll ended.
/// </summary>
public interface IPollingLeadSource : ILeadSource
{
    /// <summary>How long to wait between two polls.</summary>
    TimeSpan Interval { get; }

    /// <summary>Fetches what is new since the last poll and hands it to <see cref="ILeadSink"/>.</summary>
    /// <param name="cancellationToken">Cancelled when the host stops or gives up on the call.</param>
    /// <returns>How many leads were handed over.</returns>
    ValueTask<int> PollAsync(CancellationToken cancellationToken);
}
