namespace Tandem.Modules.Content.Contracts;

/// <summary>The kinds of gated content asset.</summary>
public static class AssetKinds
{
    /// <summary>A guide.</summary>
    public const string Guide = "guide";
    /// <summary>A white paper.</summary>
    public const string Whitepaper = "whitepaper";
    /// <summary>A customer case study.</summary>
    public const string CaseStudy = "case-study";
    /// <summary>A (recorded) webinar.</summary>
    public const string Webinar = "webinar";
    /// <summary>A checklist.</summary>
    public const string Checklist = "checklist";
    /// <summary>A video.</summary>
    public const string Video = "video";

    /// <summary>Every kind, in the order the API documents them.</summary>
    public static readonly IReadOnlyList<string> All = [Guide, Whitepaper, CaseStudy, Webinar, Checklist, Video];
}

/// <summary>Buying-journey stages an asset is aimed at.</summary>
public static class JourneyStages
{
    /// <summary>The person is discovering the problem.</summary>
    public const string Awareness = "awareness";
    /// <summary>The person compares ways to solve it.</summary>
    public const string Consideration = "consideration";
    /// <summary>The person is choosing a supplier.</summary>
    public const string Decision = "decision";

    /// <summary>Every stage, in journey order.</summary>
    public static readonly IReadOnlyList<string> All = [Awareness, Consideration, Decision];
}

/// <summary>Marketing channels a campaign runs on.</summary>
public static class CampaignChannels
{
    /// <summary>Content marketing.</summary>
    public const string Content = "content";
    /// <summary>Search engine optimisation.</summary>
    public const string Seo = "seo";
    /// <summary>Social networks.</summary>
    public const string Social = "social";
    /// <summary>Events, fairs, booths.</summary>
    public const string Event = "event";
    /// <summary>Paid advertising.</summary>
    public const string Paid = "paid";
    /// <summary>Email campaigns.</summary>
    public const string Email = "email";
    /// <summary>Referrals.</summary>
    public const string Referral = "referral";
    /// <summary>Outbound prospecting.</summary>
    public const string Outbound = "outbound";

    /// <summary>Every channel.</summary>
    public static readonly IReadOnlyList<string> All = [Content, Seo, Social, Event, Paid, Email, Referral, Outbound];
}

/// <summary>Types of form field, each validated on the server.</summary>
public static class FieldTypes
{
    /// <summary>One line of text.</summary>
    public const string Text = "text";
    /// <summary>An email address.</summary>
    public const string Email = "email";
    /// <summary>A phone number.</summary>
    public const string Tel = "tel";
    /// <summary>One of the declared options.</summary>
    public const string Select = "select";
    /// <summary>A box to tick (sent as <c>on</c>).</summary>
    public const string Checkbox = "checkbox";
    /// <summary>A postal code (3 to 10 letters, digits, spaces or hyphens).</summary>
    public const string PostalCode = "postal-code";

    /// <summary>Every field type.</summary>
    public static readonly IReadOnlyList<string> All = [Text, Email, Tel, Select, Checkbox, PostalCode];
}

/// <summary>Languages a landing page can be written in (all its chrome text follows).</summary>
public static class PageLanguages
{
    /// <summary>French.</summary>
    public const string French = "fr";
    /// <summary>English.</summary>
    public const string English = "en";

    /// <summary>Every language.</summary>
    public static readonly IReadOnlyList<string> All = [French, English];
}

/// <summary>Names of the form values Tandem adds to every form beside the declared fields.</summary>
public static class FormValueNames
{
    /// <summary>The explicit "call me back" choice.</summary>
    public const string Callback = "callback";
    /// <summary>Prefix of a consent box: <c>consent.{purpose}</c>.</summary>
    public const string ConsentPrefix = "consent.";
    /// <summary>utm_source.</summary>
    public const string UtmSource = "utm_source";
    /// <summary>utm_medium.</summary>
    public const string UtmMedium = "utm_medium";
    /// <summary>utm_campaign (a campaign id attaches the visit and the submission to that campaign).</summary>
    public const string UtmCampaign = "utm_campaign";
    /// <summary>The landing page (slug) the form was sent from.</summary>
    public const string Page = "_page";
    /// <summary>The honeypot: hidden from people; a request that fills it is answered as usual and nothing is stored.</summary>
    public const string Honeypot = "website";
}
