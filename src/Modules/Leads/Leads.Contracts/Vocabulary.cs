namespace Tandem.Modules.Leads.Contracts;

/// <summary>Where a lead is in its life: new → mql → accepted | rejected → customer.</summary>
public static class LeadStatus
{
    /// <summary>Captured, not (yet) qualified.</summary>
    public const string New = "new";
    /// <summary>Marketing-qualified: its score reached the shared MQL threshold.</summary>
    public const string Mql = "mql";
    /// <summary>Sales accepted it.</summary>
    public const string Accepted = "accepted";
    /// <summary>Sales rejected it, with a reason.</summary>
    public const string Rejected = "rejected";
    /// <summary>It bought.</summary>
    public const string Customer = "customer";

    /// <summary>Every status.</summary>
    public static readonly IReadOnlyList<string> All = [New, Mql, Accepted, Rejected, Customer];
}

/// <summary>The person's kind, which decides the compliance rules: consumer (B2C) or professional (B2B).</summary>
public static class LeadKind
{
    /// <summary>A private person; also the kind of anyone whose kind is unknown (the stricter rules).</summary>
    public const string Consumer = "consumer";
    /// <summary>Someone reached at their job.</summary>
    public const string Professional = "professional";

    /// <summary>Both kinds.</summary>
    public static readonly IReadOnlyList<string> All = [Consumer, Professional];
}

/// <summary>What a capture ended in.</summary>
public static class CaptureOutcome
{
    /// <summary>A new lead.</summary>
    public const string Created = "created";
    /// <summary>Merged into the same person (see <c>matchedOn</c>).</summary>
    public const string Merged = "merged";
    /// <summary>Not captured (an import row with an error).</summary>
    public const string Rejected = "rejected";
}

/// <summary>The keys on which two captures are the same person.</summary>
public static class MatchKey
{
    /// <summary>The same normalised email address.</summary>
    public const string Email = "email";
    /// <summary>The same phone number in E.164.</summary>
    public const string Phone = "phone";
    /// <summary>The same LinkedIn profile URL, normalised (<c>https://www.linkedin.com/in/&lt;slug&gt;</c>).</summary>
    public const string LinkedIn = "linkedin";
}

/// <summary>The scoring rules the MQL definition gives points to.</summary>
public static class ScoringRule
{
    /// <summary>A form submitted (at most once per form and period).</summary>
    public const string FormSubmitted = "form-submitted";
    /// <summary>The explicit "call me back" choice.</summary>
    public const string CallbackRequested = "callback-requested";
    /// <summary>A gated asset of the awareness stage downloaded.</summary>
    public const string AssetDownloadedAwareness = "asset-downloaded-awareness";
    /// <summary>A gated asset of the consideration stage downloaded.</summary>
    public const string AssetDownloadedConsideration = "asset-downloaded-consideration";
    /// <summary>A gated asset of the decision stage downloaded.</summary>
    public const string AssetDownloadedDecision = "asset-downloaded-decision";
    /// <summary>A landing page visited (at most once per page and period).</summary>
    public const string PageVisited = "page-visited";
    /// <summary>A link clicked in an email (reported by Outreach).</summary>
    public const string EmailClicked = "email-clicked";
    /// <summary>A reply to an email (reported by Outreach).</summary>
    public const string EmailReplied = "email-replied";

    /// <summary>Every rule.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        FormSubmitted, CallbackRequested, AssetDownloadedAwareness, AssetDownloadedConsideration, AssetDownloadedDecision,
        PageVisited, EmailClicked, EmailReplied,
    ];

    /// <summary>The download rule for a journey stage, or null for an unknown stage.</summary>
    public static string? AssetDownloaded(string? stage) => stage switch
    {
        JourneyStage.Awareness => AssetDownloadedAwareness,
        JourneyStage.Consideration => AssetDownloadedConsideration,
        JourneyStage.Decision => AssetDownloadedDecision,
        _ => null,
    };
}

/// <summary>The buying-journey stages.</summary>
public static class JourneyStage
{
    /// <summary>Learning that a problem has a solution.</summary>
    public const string Awareness = "awareness";
    /// <summary>Comparing solutions.</summary>
    public const string Consideration = "consideration";
    /// <summary>Choosing a supplier.</summary>
    public const string Decision = "decision";

    /// <summary>The stages in order.</summary>
    public static readonly IReadOnlyList<string> All = [Awareness, Consideration, Decision];
}

/// <summary>Where an engagement reported by another module comes from.</summary>
public static class EngagementKind
{
    /// <summary>A link clicked in an email.</summary>
    public const string EmailClicked = ScoringRule.EmailClicked;
    /// <summary>A reply to an email.</summary>
    public const string EmailReplied = ScoringRule.EmailReplied;

    /// <summary>Both kinds.</summary>
    public static readonly IReadOnlyList<string> All = [EmailClicked, EmailReplied];
}

/// <summary>The states of a CSV import.</summary>
public static class ImportStatus
{
    /// <summary>Waiting for a worker.</summary>
    public const string Queued = "queued";
    /// <summary>Being imported (resumed after a restart from its last committed row).</summary>
    public const string Running = "running";
    /// <summary>Every row read.</summary>
    public const string Completed = "completed";
    /// <summary>The file could not be read at all (no header, unknown encoding).</summary>
    public const string Failed = "failed";
}

/// <summary>The channels a lead comes from.</summary>
public static class LeadChannel
{
    /// <summary>Every channel a source may name.</summary>
    public static readonly IReadOnlyList<string> All = ["content", "seo", "social", "event", "paid", "email", "referral", "outbound", "api", "plugin", "import"];
}

/// <summary>The channels a consent covers.</summary>
public static class ConsentChannel
{
    /// <summary>Email.</summary>
    public const string Email = "email";
    /// <summary>Telephone.</summary>
    public const string Phone = "phone";
    /// <summary>SMS.</summary>
    public const string Sms = "sms";
    /// <summary>Post.</summary>
    public const string Post = "post";
    /// <summary>Any channel (a purpose that names none).</summary>
    public const string Any = "any";

    /// <summary>Every channel.</summary>
    public static readonly IReadOnlyList<string> All = [Email, Phone, Sms, Post, Any];

    /// <summary>The channel a purpose implies when none is given: <c>phone-callback</c> → phone, <c>commercial-email</c> → email.</summary>
    public static string FromPurpose(string purpose) =>
        purpose.Contains("email", StringComparison.OrdinalIgnoreCase) || purpose.Contains("newsletter", StringComparison.OrdinalIgnoreCase) ? Email
        : purpose.Contains("phone", StringComparison.OrdinalIgnoreCase) || purpose.Contains("call", StringComparison.OrdinalIgnoreCase) ? Phone
        : purpose.Contains("sms", StringComparison.OrdinalIgnoreCase) ? Sms
        : Any;
}
