using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tandem.Plugins.LinkedIn;

/// <summary>The Marketing API's Lead Sync resources: form responses (one, or a page by owner and time range) and forms.</summary>
internal sealed class LeadSyncApi(HttpClient http, LinkedInSettings settings)
{
    private readonly ConcurrentDictionary<string, LeadForm> _forms = new(StringComparer.Ordinal);

    public async Task<JsonElement> GetResponseAsync(string responseId, CancellationToken cancellationToken) =>
        await GetAsync($"rest/leadFormResponses/{Uri.EscapeDataString(responseId)}", cancellationToken);

    /// <summary>One page of the account's sponsored form responses submitted in [start, end] (epoch milliseconds).</summary>
    public async Task<(IReadOnlyList<JsonElement> Elements, int? Total)> ListResponsesAsync(
        string account, long startMs, long endMs, int start, int count, CancellationToken cancellationToken)
    {
        var owner = Uri.EscapeDataString($"urn:li:sponsoredAccount:{account}");
        var path = string.Create(CultureInfo.InvariantCulture,
            $"rest/leadFormResponses?q=owner&owner=(sponsoredAccount:{owner})&leadType=(leadType:SPONSORED)&submittedAtTimeRange=(start:{startMs},end:{endMs})&count={count}&start={start}");
        var page = await GetAsync(path, cancellationToken);
        var elements = page.TryGetProperty("elements", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.Clone()).ToList() : [];
        int? total = page.TryGetProperty("paging", out var paging) && paging.TryGetProperty("total", out var t) && t.TryGetInt32(out var n) ? n : null;
        return (elements, total);
    }

    /// <summary>The form's questions and consents (kept in memory: a form version does not change).</summary>
    public async Task<LeadForm> GetFormAsync(string formId, CancellationToken cancellationToken)
    {
        if (_forms.TryGetValue(formId, out var known)) return known;
        var form = LeadForm.Parse(await GetAsync($"rest/leadForms/{Uri.EscapeDataString(formId)}", cancellationToken));
        _forms[formId] = form;
        return form;
    }

    private async Task<JsonElement> GetAsync(string relative, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(settings.ApiBaseUrl.AbsoluteUri.TrimEnd('/') + "/"), relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
        request.Headers.Add("LinkedIn-Version", settings.ApiVersion);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"LinkedIn answered {(int)response.StatusCode} to GET {relative.Split('?')[0]}.", null, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return json.RootElement.Clone();
    }
}

/// <summary>What a form's definition says: each question's predefined field (when it has one) and each consent's text.</summary>
internal sealed record LeadForm(IReadOnlyDictionary<long, string> PredefinedFields, IReadOnlyDictionary<long, string?> Consents)
{
    public static LeadForm Parse(JsonElement form)
    {
        // The questions and legal info sit under "content" in the API; accept them at the top level too.
        var content = form.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Object ? c : form;
        var fields = new Dictionary<long, string>();
        if (content.TryGetProperty("questions", out var questions) && questions.ValueKind == JsonValueKind.Array)
            foreach (var question in questions.EnumerateArray())
                if (question.TryGetProperty("questionId", out var id) && id.TryGetInt64(out var questionId)
                    && question.TryGetProperty("predefinedField", out var field) && field.GetString() is { Length: > 0 } name)
                    fields[questionId] = name;

        var consents = new Dictionary<long, string?>();
        if (content.TryGetProperty("legalInfo", out var legal) && legal.TryGetProperty("consents", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var consent in list.EnumerateArray())
                if (consent.TryGetProperty("id", out var id) && id.TryGetInt64(out var consentId))
                    consents[consentId] = consent.TryGetProperty("consent", out var text) ? Localized(text) : null;
        return new LeadForm(fields, consents);
    }

    /// <summary>A plain string, or the first value of a <c>{"localized": {"fr_FR": "…"}}</c> object.</summary>
    private static string? Localized(JsonElement text) => text.ValueKind switch
    {
        JsonValueKind.String => text.GetString(),
        JsonValueKind.Object when text.TryGetProperty("localized", out var localized) && localized.ValueKind == JsonValueKind.Object =>
            localized.EnumerateObject().Select(p => p.Value.GetString()).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
        _ => null,
    };
}
