using System.Text;
using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using StbImageWriteSharp;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;
using ZXing;
using ZXing.QrCode;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled badges plugin, loaded from its real build: batches posted to its authenticated endpoint.</summary>
public sealed class BadgesPluginTests
{
    private const string Campaign = "cmp-salon-2026";

    private static async Task<(WebhookCalls.Answer Answer, RecordingLeadSink Leads)> PostAsync(PluginHost host, RecordingLeadSink leads, object batch)
    {
        var answer = await WebhookCalls.Start(host, "badges", "scans", JsonSerializer.Serialize(batch), "application/json", endpoint: true).CompleteAsync();
        return (answer, leads);
    }

    private static object Batch(params object[] scans) => new { eventCampaignId = Campaign, device = "booth-tablet-1", scans };

    private static object Scan(string payload, string at = "2026-03-01T10:00:00Z", string? notes = null, int? rating = null) =>
        new { payload, scannedAt = at, notes, rating };

    private static async Task<InboundLead> OneLeadAsync(string payload)
    {
        using var folder = new PluginFolder().With(Built.Badges);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, leadSink: leads);
        var (answer, _) = await PostAsync(host, leads, Batch(Scan(payload)));
        Assert.Equal(200, answer.Status);
        Assert.Equal("created", answer.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        return Assert.Single(leads.Received).Lead;
    }

    [Fact]
    public async Task A_folded_quoted_printable_vcard_2_1_in_latin_1_becomes_a_correct_lead()
    {
        var lead = await OneLeadAsync(
            "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
            "N;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:L=E9vy;Ren=E9;;;\r\n" +
            "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Ren=E9 L=E9vy\r\n" +
            "ORG;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Chauffage =C9nergie =\r\nServices;Direction technique\r\n" +
            "TITLE:Directeur\\, achats\r\n" +
            "TEL;WORK;VOICE:+33 1 23 45 67 89\r\n" +
            "TEL;CELL;PREF:+33612345678\r\n" +
            "EMAIL;INTERNET:rene.levy@chauffage-energie.fr\r\n" +
            "END:VCARD\r\n");

        Assert.Equal("René", lead.FirstName);
        Assert.Equal("Lévy", lead.LastName);
        Assert.Equal("Chauffage Énergie Services", lead.Company);
        Assert.Equal("Directeur, achats", lead.JobTitle);
        Assert.Equal("+33612345678", lead.Phone);
        Assert.Equal("rene.levy@chauffage-energie.fr", lead.Email);
        Assert.Equal("event", lead.SourceChannel);
        Assert.Equal(Campaign, lead.CampaignId);
        Assert.True(lead.CollectedIndirectly);
        Assert.Equal("professional", lead.Kind);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), lead.OccurredAt);
    }

    [Fact]
    public async Task A_vcard_3_0_with_folded_lines_escapes_typed_values_and_neither_fn_nor_end_is_read()
    {
        var lead = await OneLeadAsync(
            "BEGIN:VCARD\nVERSION:3.0\nN:Martin;Jeanne;;Mme;\nORG:Dupont\\; Fils;Ventes\n" +
            "item1.EMAIL;TYPE=INTERNET:jeanne.perso@example.fr\nEMAIL;TYPE=work,pref:jeanne.martin@dupont-\n fils.fr\n" +
            "TEL;TYPE=work,voice:+33 1 00 00 00 00\nTEL;TYPE=cell:+33 6 98 76 54 32\nTITLE:Acheteuse\\nsenior\n");

        Assert.Equal("Jeanne", lead.FirstName);
        Assert.Equal("Martin", lead.LastName);
        Assert.Equal("Dupont; Fils", lead.Company);
        Assert.Equal("jeanne.martin@dupont-fils.fr", lead.Email);
        Assert.Equal("+33 6 98 76 54 32", lead.Phone);
        Assert.Equal("Acheteuse\nsenior", lead.JobTitle);
    }

    [Fact]
    public async Task A_vcard_4_0_with_a_tel_uri_and_only_fn_is_read()
    {
        var lead = await OneLeadAsync("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Paul Bernard\r\nTEL;VALUE=uri;TYPE=cell:tel:+33611223344\r\nEND:VCARD");

        Assert.Equal("Paul", lead.FirstName);
        Assert.Equal("Bernard", lead.LastName);
        Assert.Equal("+33611223344", lead.Phone);
        Assert.Null(lead.Email);
    }

    [Fact]
    public async Task A_mecard_becomes_a_correct_lead()
    {
        var lead = await OneLeadAsync("MECARD:N:Doe,John;TEL:+33612345678;TEL:+33100000000;EMAIL:j@x.fr;ORG:Acme\\; Co;ADR:1 rue de Paris;URL:https://acme.fr;NOTE:Salon\\: stand B12;;");

        Assert.Equal("John", lead.FirstName);
        Assert.Equal("Doe", lead.LastName);
        Assert.Equal("+33612345678", lead.Phone);
        Assert.Equal("j@x.fr", lead.Email);
        Assert.Equal("Acme; Co", lead.Company);
    }

    [Fact]
    public async Task A_bizcard_becomes_a_correct_lead()
    {
        var lead = await OneLeadAsync("BIZCARD:N:John;X:Doe;T:CTO;C:Acme;A:1 rue de Paris;B:+33612345678;E:j@x.fr;;");

        Assert.Equal(("John", "Doe", "CTO", "Acme", "+33612345678", "j@x.fr"),
            (lead.FirstName, lead.LastName, lead.JobTitle, lead.Company, lead.Phone, lead.Email));
    }

    [Fact]
    public async Task A_qr_code_in_a_png_photo_is_decoded()
    {
        var payload = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Roux;Claire\r\nEMAIL:claire.roux@example.fr\r\nEND:VCARD";
        using var folder = new PluginFolder().With(Built.Badges);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, leadSink: leads);

        var (answer, _) = await PostAsync(host, leads, Batch(
            new { image = Convert.ToBase64String(QrPng(payload)), scannedAt = "2026-03-01T11:00:00+01:00" },
            new { image = Convert.ToBase64String(QrPng(null)), scannedAt = "2026-03-01T11:01:00+01:00" }));

        Assert.Equal(200, answer.Status);
        var results = answer.Json.GetProperty("results");
        Assert.Equal("created", results[0].GetProperty("outcome").GetString());
        Assert.Equal("rejected", results[1].GetProperty("outcome").GetString());
        Assert.Equal("claire.roux@example.fr", Assert.Single(leads.Received).Lead.Email);
    }

    [Fact]
    public async Task A_re_sent_batch_creates_nothing_new_and_answers_the_same_leads()
    {
        using var folder = new PluginFolder().With(Built.Badges);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, leadSink: leads);
        var batch = Batch(
            Scan("MECARD:N:Doe,John;EMAIL:j@x.fr;;", notes: "Wants a quote for 3 sites", rating: 4),
            Scan("not a card"),
            Scan("BIZCARD:N:Ann;X:Lee;E:ann@lee.fr;;", at: "2026-03-01T10:05:00Z"));

        var (first, _) = await PostAsync(host, leads, batch);
        var (again, _) = await PostAsync(host, leads, batch);

        Assert.Equal(2, leads.Received.Count);
        string[] Outcomes(WebhookCalls.Answer a) => a.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()!).ToArray();
        Assert.Equal(["created", "rejected", "created"], Outcomes(first));
        Assert.Equal(["merged", "rejected", "merged"], Outcomes(again));
        Assert.Equal(first.Json.GetProperty("results")[2].GetProperty("leadId").GetString(), again.Json.GetProperty("results")[2].GetProperty("leadId").GetString());
        Assert.Contains("rating 4/5", leads.Received.First().Lead.SourceDetail);
        Assert.Contains("Wants a quote for 3 sites", leads.Received.First().Lead.SourceDetail);
    }

    [Fact]
    public async Task A_malformed_batch_is_a_400_naming_each_field_and_stores_nothing()
    {
        using var folder = new PluginFolder().With(Built.Badges);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, leadSink: leads);

        var (answer, _) = await PostAsync(host, leads, new
        {
            device = "booth",
            scans = new object[]
            {
                new { payload = "MECARD:N:Doe,John;EMAIL:j@x.fr;;", scannedAt = "yesterday" },
                new { payload = "MECARD:N:Roe,Jane;EMAIL:jane@x.fr;;", scannedAt = "2026-03-01T10:00:00Z", rating = 7 },
                new { scannedAt = "2026-03-01T10:00:00Z" },
            },
        });

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
        var errors = answer.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("eventCampaignId", out _));
        Assert.True(errors.TryGetProperty("scans[0].scannedAt", out _));
        Assert.True(errors.TryGetProperty("scans[1].rating", out _));
        Assert.True(errors.TryGetProperty("scans[2].payload", out _));
        Assert.Empty(leads.Received);
    }

    /// <summary>A PNG photo of a QR code holding <paramref name="text"/> (null: a blank image).</summary>
    private static byte[] QrPng(string? text)
    {
        const int size = 300;
        var pixels = new byte[size * size * 3];
        Array.Fill(pixels, (byte)255);
        if (text is not null)
        {
            var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                new Dictionary<EncodeHintType, object> { [EncodeHintType.CHARACTER_SET] = "UTF-8", [EncodeHintType.MARGIN] = 4 });
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    if (matrix[x, y]) pixels.AsSpan((y * size + x) * 3, 3).Clear();
        }
        using var png = new MemoryStream();
        new ImageWriter().WritePng(pixels, size, size, ColorComponents.RedGreenBlue, png);
        return png.ToArray();
    }
    [Fact]
    public async Task An_opaque_attendee_code_is_resolved_through_a_pretix_compatible_exhibitor_api_once()
    {
        await using var api = await FakeApi.StartAsync(app => app.MapPost("/exhibitors/api/v1/leads/", async (Microsoft.AspNetCore.Http.HttpRequest request) =>
        {
            if (request.Headers.Authorization.ToString() != "Exhibitor exh-key-1") return Microsoft.AspNetCore.Http.Results.StatusCode(401);
            using var body = await JsonDocument.ParseAsync(request.Body);
            if (body.RootElement.GetProperty("code").GetString() != "A7KQ2M9X") return Microsoft.AspNetCore.Http.Results.NotFound(new { detail = "Unknown code." });
            return Microsoft.AspNetCore.Http.Results.Text("""
                {"attendee":{"fields":[
                  {"id":"attendee_name","label":"Nom","value":"Claire Moreau","details":{"given_name":"Claire","family_name":"Moreau"}},
                  {"id":"attendee_email","label":"E-mail","value":"claire.moreau@isolation-ouest.fr","details":{}},
                  {"id":"company","label":"Société","value":"Isolation Ouest","details":{}},
                  {"id":"q_job","label":"Fonction","value":"Gérante","details":{}}]}}
                """, "application/json", statusCode: 201);
        }));
        using var folder = new PluginFolder().With(Built.Badges);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, new Dictionary<string, string?>
        {
            ["Tandem:Plugins:badges:PretixUrl"] = api.Address.AbsoluteUri,
            ["Tandem:Plugins:badges:PretixExhibitorKey"] = "exh-key-1",
        }, leadSink: leads);
        var batch = Batch(Scan("A7KQ2M9X", notes: "Veut un devis", rating: 4), Scan("ZZZZ0000"));

        var (answer, _) = await PostAsync(host, leads, batch);
        var (again, _) = await PostAsync(host, leads, batch);

        Assert.Equal(200, answer.Status);
        var results = answer.Json.GetProperty("results");
        Assert.Equal("created", results[0].GetProperty("outcome").GetString());
        Assert.Equal("rejected", results[1].GetProperty("outcome").GetString());
        Assert.Contains("does not know this attendee code", results[1].GetProperty("error").GetString());
        var lead = Assert.Single(leads.Received).Lead;
        Assert.Equal(("Claire", "Moreau", "claire.moreau@isolation-ouest.fr", "Isolation Ouest", "Gérante"),
            (lead.FirstName, lead.LastName, lead.Email, lead.Company, lead.JobTitle));
        Assert.Equal("event", lead.SourceChannel);
        Assert.True(lead.CollectedIndirectly);
        Assert.Contains("rating 4/5", lead.SourceDetail);
        var sent = JsonDocument.Parse(api.Requests.First().Body).RootElement;
        Assert.Equal(("lead", 4, "Veut un devis", "2026-03-01T10:00:00Z"),
            (sent.GetProperty("scan_type").GetString(), sent.GetProperty("rating").GetInt32(), sent.GetProperty("notes").GetString(), sent.GetProperty("scanned").GetString()));
        // The re-sent batch: the resolved scan is merged without asking the organiser again.
        Assert.Equal("merged", again.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        Assert.Single(leads.Received);
        Assert.Equal(3, api.Requests.Count);
    }
}
