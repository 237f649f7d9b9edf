using System.Text;
using Tandem.Plugins.Abstractions;
using Xunit;

namespace Tandem.Plugins.Conformance;

/// <summary>A plugin broke the contract; the message says which rule and how.</summary>
/// <param name="message">What is wrong.</param>
public sealed class ConformanceException(string message) : Exception(message);

/// <summary>
/// The conformance checks, each runnable on its own (<see cref="PluginConformanceTests"/> runs them as tests). Describe
/// the plugin by overriding the members below; a check answers null when it passed, the reason when it does not apply
/// to this plugin (no channel, no webhook), and throws <see cref="ConformanceException"/> when the plugin fails it.
/// </summary>
public abstract class PluginConformance
{
    /// <summary>The plugin's built folder (its <c>plugin.json</c>, entry assembly and dependencies).</summary>
    protected abstract string PluginFolder { get; }

    /// <summary>Settings with which the plugin is usable (keys under its section, such as <c>AuthToken</c>), pointing at
    /// the fake or real provider the test runs.</summary>
    protected abstract IReadOnlyDictionary<string, string?> ValidSettings { get; }

    /// <summary>Keys whose absence must keep the plugin <c>Unconfigured</c> with a reason naming the key (not a crash).
    /// Every setting under the key (<c>Key</c> and <c>Key:…</c>) is removed.</summary>
    protected virtual IEnumerable<string> RequiredSettings => [];

    /// <summary>The clock lent to the plugin; null: the system clock.</summary>
    protected virtual TimeProvider? Time => null;

    /// <summary>What the plugin reads as <c>Tandem:PublicBaseUrl</c> (signatures over the URL use it).</summary>
    protected virtual Uri? PublicBaseUrl => null;

    /// <summary>A message the plugin's channels can send to the test's provider (its <c>MessageId</c> is replaced).</summary>
    protected virtual OutboundMessage? SampleMessage => null;

    /// <summary>How many messages the test's provider has received so far (to prove that a repeated send went out once).</summary>
    /// <returns>The count.</returns>
    protected virtual Task<int> ProviderSendCountAsync() =>
        throw new ConformanceException("The plugin has a channel: override ProviderSendCountAsync to count what the provider received.");

    /// <summary>Settings with which the plugin loads but its provider cannot be reached (a closed port).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? UnreachableSettings => null;

    /// <summary>A request the provider would make to <paramref name="webhook"/>, correctly signed.</summary>
    /// <param name="webhook">The webhook's name.</param>
    /// <returns>The request; null when the test cannot make one (the check then fails).</returns>
    protected virtual WebhookRequest? SignedRequest(string webhook) => null;

    /// <summary>Loads the plugin with the given settings.</summary>
    /// <param name="settings">Settings under the plugin's section.</param>
    /// <returns>The loaded plugin; dispose it.</returns>
    protected PluginUnderTest Load(IReadOnlyDictionary<string, string?> settings) => PluginUnderTest.Load(PluginFolder, settings, Time, PublicBaseUrl);

    /// <summary><c>plugin.json</c> is valid: id, name, a semantic version, an abstractions range that includes the
    /// version built against, the entry assembly present, and no private copy of the contract.</summary>
    /// <returns>Null: passed.</returns>
    public Task<string?> CheckManifestAsync()
    {
        var problems = PluginUnderTest.CheckManifest(PluginFolder);
        if (problems.Count > 0) throw new ConformanceException("Manifest: " + string.Join(" ", problems));
        return Task.FromResult<string?>(null);
    }

    /// <summary>With <see cref="ValidSettings"/> the plugin loads <c>Active</c> and offers something.</summary>
    /// <returns>Null: passed.</returns>
    public async Task<string?> CheckLoadsAsync()
    {
        await using var plugin = Load(ValidSettings);
        if (plugin.Status != LoadStatus.Active)
            throw new ConformanceException($"Load: with the valid settings the plugin is {plugin.Status}: {plugin.Reason}");
        if (plugin.All<IOutboundChannel>().Count + plugin.All<IWebhookHandler>().Count + plugin.All<ILeadSource>().Count
            + plugin.All<IApiEndpointHandler>().Count + plugin.All<IChannelEventSource>().Count == 0)
            throw new ConformanceException("Load: the plugin registers no channel, lead source, webhook, endpoint or event source.");
        return null;
    }

    /// <summary>Without settings the plugin does not crash (it is <c>Unconfigured</c> or works without them), and each of
    /// <see cref="RequiredSettings"/> missing makes it <c>Unconfigured</c> with a reason that names the key.</summary>
    /// <returns>Null: passed.</returns>
    public async Task<string?> CheckSettingsValidationAsync()
    {
        await using (var bare = Load(new Dictionary<string, string?>()))
        {
            if (bare.Status == LoadStatus.Failed)
                throw new ConformanceException($"Settings: without settings the plugin crashed instead of reporting what is missing: {bare.Reason}");
        }
        foreach (var key in RequiredSettings)
        {
            var without = ValidSettings.Where(s => !string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)
                                                   && !s.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(s => s.Key, s => s.Value);
            await using var plugin = Load(without);
            if (plugin.Status != LoadStatus.Unconfigured || plugin.Reason?.Contains(key, StringComparison.OrdinalIgnoreCase) != true)
                throw new ConformanceException(
                    $"Settings: without {key} the plugin must be Unconfigured with a reason naming {key}; it is {plugin.Status}: {plugin.Reason}");
        }
        return null;
    }

    /// <summary>Each channel sends a message once even when asked twice with the same <c>MessageId</c> (both answers
    /// Sent with the same provider id), and another message is sent.</summary>
    /// <returns>Null: passed; the reason when the plugin has no channel.</returns>
    public async Task<string?> CheckIdempotencyAsync()
    {
        await using var plugin = Load(ValidSettings);
        var channels = plugin.All<IOutboundChannel>();
        if (channels.Count == 0) return "The plugin has no outbound channel.";
        var sample = SampleMessage ?? throw new ConformanceException("Idempotency: the plugin has a channel: override SampleMessage.");
        foreach (var channel in channels)
        {
            var id = $"conformance-{Guid.NewGuid():N}";
            var before = await ProviderSendCountAsync();
            var first = await channel.SendAsync(sample with { MessageId = id }, CancellationToken.None);
            var second = await channel.SendAsync(sample with { MessageId = id }, CancellationToken.None);
            var after = await ProviderSendCountAsync();
            if (first.Outcome != ChannelSendOutcome.Sent)
                throw new ConformanceException($"Idempotency: channel {channel.Channel} did not send the sample: {first.Outcome} {first.Error}");
            if (second.Outcome != ChannelSendOutcome.Sent || second.ProviderMessageId != first.ProviderMessageId)
                throw new ConformanceException(
                    $"Idempotency: channel {channel.Channel} answered the same MessageId twice differently ({first.ProviderMessageId} then {second.Outcome} {second.ProviderMessageId}).");
            if (after - before != 1)
                throw new ConformanceException($"Idempotency: channel {channel.Channel} sent the same MessageId {after - before} times to the provider (once expected).");
            await channel.SendAsync(sample with { MessageId = id + "-next" }, CancellationToken.None);
            if (await ProviderSendCountAsync() - after != 1)
                throw new ConformanceException($"Idempotency: channel {channel.Channel} did not send a second, different message.");
        }
        return null;
    }

    /// <summary>Each webhook accepts the provider's signed request and refuses (401 or 403) the same request tampered
    /// with or without its signature, recording nothing for them.</summary>
    /// <returns>Null: passed; the reason when the plugin has no webhook.</returns>
    public async Task<string?> CheckWebhookSignaturesAsync()
    {
        await using var plugin = Load(ValidSettings);
        var webhooks = plugin.All<IWebhookHandler>();
        if (webhooks.Count == 0) return "The plugin has no webhook.";
        foreach (var webhook in webhooks)
        {
            var signed = SignedRequest(webhook.Name)
                ?? throw new ConformanceException($"Webhook {webhook.Name}: override SignedRequest to give a correctly signed request.");
            foreach (var (what, forged) in new[] { ("tampered with", Tampered(signed)), ("without its signature", Unsigned(signed)) })
            {
                var (leads, events) = (plugin.Leads.Count, plugin.Events.Count);
                var answer = await webhook.HandleAsync(forged, CancellationToken.None);
                if (answer.StatusCode is not (401 or 403))
                    throw new ConformanceException($"Webhook {webhook.Name}: a request {what} was answered {answer.StatusCode} (401 or 403 expected).");
                if (plugin.Leads.Count != leads || plugin.Events.Count != events)
                    throw new ConformanceException($"Webhook {webhook.Name}: a request {what} was refused but still recorded a lead or an event.");
            }
            var accepted = await webhook.HandleAsync(signed, CancellationToken.None);
            if (accepted.StatusCode is < 200 or > 299)
                throw new ConformanceException($"Webhook {webhook.Name}: the correctly signed request was answered {accepted.StatusCode}.");
        }
        return null;
    }

    /// <summary>When the provider cannot be reached, each channel answers <c>TransientFailure</c> (the host retries
    /// later) instead of throwing or claiming it sent.</summary>
    /// <returns>Null: passed; the reason when the plugin has no channel.</returns>
    public async Task<string?> CheckFailureBehaviourAsync()
    {
        await using var plugin = Load(UnreachableSettings ?? ValidSettings);
        var channels = plugin.All<IOutboundChannel>();
        if (channels.Count == 0) return "The plugin has no outbound channel.";
        if (UnreachableSettings is null) throw new ConformanceException("Failure: the plugin has a channel: override UnreachableSettings.");
        var sample = SampleMessage ?? throw new ConformanceException("Failure: the plugin has a channel: override SampleMessage.");
        foreach (var channel in channels)
        {
            ChannelSendResult result;
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                result = await channel.SendAsync(sample with { MessageId = $"conformance-{Guid.NewGuid():N}" }, limit.Token);
            }
            catch (Exception e)
            {
                throw new ConformanceException(
                    $"Failure: channel {channel.Channel} threw {e.GetType().Name} when its provider could not be reached (answer TransientFailure instead).");
            }
            if (result.Outcome != ChannelSendOutcome.TransientFailure)
                throw new ConformanceException($"Failure: channel {channel.Channel} answered {result.Outcome} when its provider could not be reached (TransientFailure expected).");
        }
        return null;
    }

    private static WebhookRequest Tampered(WebhookRequest signed)
    {
        if (signed.Form is { } form)
        {
            var changed = form.ToDictionary(f => f.Key, f => f.Value);
            changed["Tampered"] = "1";
            var body = Encoding.UTF8.GetString(signed.Body.Span) + (signed.Body.IsEmpty ? "" : "&") + "Tampered=1";
            return signed with { Form = changed, Body = Encoding.UTF8.GetBytes(body) };
        }
        if (signed.Body.IsEmpty)
        {
            var query = signed.Query.ToDictionary(q => q.Key, q => q.Value);
            query["tampered"] = "1";
            return signed with { Query = query, PublicUrl = new Uri(signed.PublicUrl + (signed.PublicUrl.Query.Length > 0 ? "&" : "?") + "tampered=1") };
        }
        return signed with { Body = signed.Body.ToArray().Concat(" "u8.ToArray()).ToArray() };
    }

    private static WebhookRequest Unsigned(WebhookRequest signed) => signed with
    {
        Headers = signed.Headers.Where(h => !h.Key.Contains("signature", StringComparison.OrdinalIgnoreCase)
                                            && !h.Key.Contains("authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase),
    };
}

/// <summary>
/// The conformance kit as xunit tests: inherit it in the plugin's test project, override <see cref="PluginConformance"/>'s
/// members to describe the plugin and its test provider, and every check runs as a test (skipped where it does not
/// apply, with the reason).
/// </summary>
public abstract class PluginConformanceTests : PluginConformance
{
    /// <summary>Runs <see cref="PluginConformance.CheckManifestAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_manifest() => await CheckManifestAsync();

    /// <summary>Runs <see cref="PluginConformance.CheckLoadsAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_loads_active_with_valid_settings() => await CheckLoadsAsync();

    /// <summary>Runs <see cref="PluginConformance.CheckSettingsValidationAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_missing_settings_are_a_status_reason_not_a_crash() => await CheckSettingsValidationAsync();

    /// <summary>Runs <see cref="PluginConformance.CheckIdempotencyAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_the_same_message_twice_is_sent_once()
    {
        var notApplicable = await CheckIdempotencyAsync();
        Skip.If(notApplicable is not null, notApplicable);
    }

    /// <summary>Runs <see cref="PluginConformance.CheckWebhookSignaturesAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_forged_webhook_calls_are_refused_and_record_nothing()
    {
        var notApplicable = await CheckWebhookSignaturesAsync();
        Skip.If(notApplicable is not null, notApplicable);
    }

    /// <summary>Runs <see cref="PluginConformance.CheckFailureBehaviourAsync"/>.</summary>
    /// <returns>A task.</returns>
    [SkippableFact]
    public async Task Conformance_an_unreachable_provider_is_a_transient_failure()
    {
        var notApplicable = await CheckFailureBehaviourAsync();
        Skip.If(notApplicable is not null, notApplicable);
    }
}
