using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.LinkedIn;

/// <summary>
/// Turns form responses into leads, each once: a response id is claimed in the plugin's state before the lead is
/// handed over (so a push delivered twice, or a push and a poll of the same response, create one lead), and released
/// again when handing over failed, so that the next delivery retries.
/// </summary>
internal sealed partial class LeadIntake(LeadSyncApi api, LinkedInSettings settings, ILeadSink leads, IPluginState state, TimeProvider time)
{
    /// <summary>Handles a response the caller already holds (a poll); true when a lead was handed over now.</summary>
    public async Task<bool> TakeAsync(JsonElement response, CancellationToken cancellationToken)
    {
        if (!response.TryGetProperty("id", out var id) || id.GetString() is not { Length: > 0 } responseId) return false;
        if (!await state.TryAddAsync("response:" + responseId, "taken", cancellationToken)) return false;
        try
        {
            await leads.SubmitAsync(await ToLeadAsync(responseId, response, cancellationToken), cancellationToken);
            return true;
        }
        catch
        {
            await state.DeleteAsync("response:" + responseId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Handles a response known by id only (a push): fetched once, when not taken yet.</summary>
    public async Task<bool> TakeByIdAsync(string responseId, CancellationToken cancellationToken)
    {
        if (await state.GetAsync("response:" + responseId, cancellationToken) is not null) return false;
        return await TakeAsync(await api.GetResponseAsync(responseId, cancellationToken), cancellationToken);
    }

    private async Task<InboundLead> ToLeadAsync(string responseId, JsonElement response, CancellationToken cancellationToken)
    {
        var formId = response.TryGetProperty("versionedLeadGenFormUrn", out var urn) && urn.GetString() is { } text
            && FormUrn().Match(text) is { Success: true } match ? match.Groups[1].Value : null;
        var form = formId is null ? new LeadForm(new Dictionary<long, string>(), new Dictionary<long, string?>()) : await api.GetFormAsync(formId, cancellationToken);

        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var consents = new List<LeadConsent>();
        if (response.TryGetProperty("formResponse", out var formResponse))
        {
            if (formResponse.TryGetProperty("answers", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var answer in list.EnumerateArray())
                    if (answer.TryGetProperty("questionId", out var q) && q.TryGetInt64(out var questionId)
                        && form.PredefinedFields.TryGetValue(questionId, out var field)
                        && answer.TryGetProperty("answerDetails", out var details)
                        && details.TryGetProperty("textQuestionAnswer", out var textAnswer)
                        && textAnswer.TryGetProperty("answer", out var value) && value.GetString() is { Length: > 0 } given)
                        answers[field] = given.Trim();

            if (formResponse.TryGetProperty("consentResponses", out var consentList) && consentList.ValueKind == JsonValueKind.Array)
                foreach (var consent in consentList.EnumerateArray())
                    if (consent.TryGetProperty("consentId", out var c) && c.TryGetInt64(out var consentId)
                        && consent.TryGetProperty("accepted", out var accepted) && accepted.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        consents.Add(new LeadConsent
                        {
                            Purpose = "linkedin-form-consent-" + consentId.ToString(CultureInfo.InvariantCulture),
                            Granted = accepted.GetBoolean(),
                            Text = form.Consents.GetValueOrDefault(consentId),
                        });
        }

        var campaign = response.TryGetProperty("leadMetadata", out var metadata)
            && metadata.TryGetProperty("sponsoredLeadMetadata", out var sponsored)
            && sponsored.TryGetProperty("campaign", out var campaignUrn) ? campaignUrn.GetString() : null;
        var submittedAt = response.TryGetProperty("submittedAt", out var at) && at.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : time.GetUtcNow();

        return new InboundLead
        {
            ExternalId = responseId,
            Email = answers.GetValueOrDefault("WORK_EMAIL") ?? answers.GetValueOrDefault("EMAIL"),
            Phone = answers.GetValueOrDefault("PHONE_NUMBER") ?? answers.GetValueOrDefault("WORK_PHONE_NUMBER"),
            FirstName = answers.GetValueOrDefault("FIRST_NAME"),
            LastName = answers.GetValueOrDefault("LAST_NAME"),
            Company = answers.GetValueOrDefault("COMPANY_NAME"),
            JobTitle = answers.GetValueOrDefault("JOB_TITLE"),
            Kind = settings.Kind,
            SourceDetail = "LinkedIn lead form" + (formId is null ? "" : " " + formId) + (campaign is null ? "" : ", campaign " + campaign),
            Consents = consents,
            OccurredAt = submittedAt,
        };
    }

    [GeneratedRegex(@"urn:li:leadGenForm:(\d+)")]
    private static partial Regex FormUrn();
}
