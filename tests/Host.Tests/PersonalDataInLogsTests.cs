using System.Net;
using System.Text.RegularExpressions;
using Tandem.Host.Logging;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// No email address or phone number in the host's logs (docs/compliance.md §5): a host at Debug level goes through the
/// whole inbound path, bad input, searches by email and phone (whose query strings ASP.NET Core logs) and the privacy
/// paths (export, opposition list, erasure, a refused re-capture), then its
/// whole output is searched for the person's data in every form it was given.
/// </summary>
public sealed class PersonalDataInLogsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_inbound_run_at_debug_level_logs_no_email_address_or_phone_number()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Information");
        var content = await TandemApi.SeedContentAsync(host.Http);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"Claire.Dupont.{tag}@Exemple-Solaire.fr";
        const string phone = "06 12 34 56 78";

        using (var json = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new Dictionary<string, object>
               { ["email"] = email, ["phone"] = phone, ["callback"] = "on", ["consent.newsletter"] = "on" }))
            Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        using (var browser = await TandemApi.SubmitBrowserFormAsync(host.Anonymous, content.FormId, ("email", email.ToUpperInvariant()), ("phone", "+33 (0)6 12 34 56 78")))
            Assert.True((int)browser.StatusCode < 400, $"browser submission: {(int)browser.StatusCode}");
        // Bad input that quotes personal data back (an invalid email, a phone in a wrong field).
        using (var bad = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new Dictionary<string, object> { ["email"] = $"{tag}@@exemple.fr", ["phone"] = "+336123" }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // Searches put the person's data in the query string, which the hosting layer logs at Debug.
        await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(host.Http, email), leads => leads.Count == 1, TimeSpan.FromSeconds(60), leads => $"{leads.Count} leads");
        using (var byPhone = await host.Http.GetAsync("/api/leads?phone=%2B33612345678"))
            Assert.Equal(HttpStatusCode.OK, byPhone.StatusCode);
        // The privacy paths: an export by email and by phone (query strings), an opposition list, an erasure (docs/compliance.md).
        using (var export = await host.Http.GetAsync($"/api/privacy/subjects?email={Uri.EscapeDataString(email)}"))
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using (var export = await host.Http.GetAsync("/api/privacy/subjects?phone=%2B33612345678"))
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using (var list = await host.Http.PostAsync("/api/privacy/suppressions/import", new StringContent($"{phone}\n{email}\n", System.Text.Encoding.UTF8, "text/plain")))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var erase = await host.Http.PostAsync("/api/privacy/subjects/erase", System.Net.Http.Json.JsonContent.Create(new { email })))
            Assert.Equal(HttpStatusCode.Accepted, erase.StatusCode);
        using (var again = await host.Http.PostAsync("/api/leads", System.Net.Http.Json.JsonContent.Create(new { email, source = new { channel = "api" } })))
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // refused, quoting nothing of the person into the logs

        var logs = string.Join('\n', host.LogEntries);
        Assert.Contains("dbug:", logs);   // the level asked for is in force: the search below covers Debug entries
        string[] forms = [email, email.ToLowerInvariant(), Uri.EscapeDataString(email), $"{tag}@@exemple.fr", phone, "0612345678", "+33612345678", "%2B33612345678", "+33 (0)6 12 34 56 78", "612345678"];
        foreach (var form in forms)
            Assert.False(logs.Contains(form, StringComparison.OrdinalIgnoreCase), $"The logs contain '{form}':\n{Excerpt(logs, form)}");
    }

    [Theory]
    [InlineData("GET /api/leads?email=claire%40exemple.fr&page=1", "GET /api/leads?email=[email]&page=1")]
    [InlineData("lead claire.dupont@exemple-solaire.fr merged", "lead [email] merged")]
    [InlineData("phone +33612345678 invalid", "phone [phone] invalid")]
    [InlineData("phone=%2B33612345678", "phone=[phone]")]
    [InlineData("called 06 12 34 56 78 and 06.12.34.56.78", "called [phone] and [phone]")]
    [InlineData("+33 (0)6 12 34 56 78", "[phone]")]
    [InlineData("handled in 12.5 ms at 2026-11-30 02:57:15, id 0192f7a1c2d34e5f8a9b0c1d2e3f4a5b", "handled in 12.5 ms at 2026-11-30 02:57:15, id 0192f7a1c2d34e5f8a9b0c1d2e3f4a5b")]
    [InlineData("Outbox message 01937b2e-5c1a-7d4e-9f00-123456789012 failed (attempt 3)", "Outbox message 01937b2e-5c1a-7d4e-9f00-123456789012 failed (attempt 3)")]
    public void The_console_format_redacts_emails_and_phones_and_nothing_else(string message, string logged) =>
        Assert.Equal(logged, RedactingConsoleFormatter.Redact(message));

    private static string Excerpt(string logs, string value)
    {
        var at = logs.IndexOf(value, StringComparison.OrdinalIgnoreCase);
        return Regex.Replace(logs.Substring(Math.Max(0, at - 300), Math.Min(600, logs.Length - Math.Max(0, at - 300))), @"\s+", " ");
    }
}
