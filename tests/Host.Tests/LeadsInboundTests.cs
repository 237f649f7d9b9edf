using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The Leads half of "inbound, complete" through HTTP against the real host, on SQLite and PostgreSQL: normalised and
/// explained deduplication, the CSV import of a French Excel file, scoring that cannot be farmed, the shared MQL
/// definition, and the sales feedback loop in the numbers.
/// </summary>
public sealed class LeadsInboundTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    static LeadsInboundTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    private static string NewEmail(string who) => $"{who}.{Unique()}@exemple-solaire.fr";

    /// <summary>A French mobile number no other test uses, in a range that exists (not every 06 number does: 0639…, 0690… do not).</summary>
    private static string NewMobile() => "061" + Random.Shared.NextInt64(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string E164(string national) => "+33" + national.Replace(" ", "", StringComparison.Ordinal)[1..];

    private static string Spaced(string national) => string.Join(' ', Enumerable.Range(0, 5).Select(i => national.Substring(i * 2, 2)));

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Second_submission_with_other_case_email_and_national_phone_merges_with_matchedOn(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = NewEmail("Camille.Bernard");
        var mobile = NewMobile();

        using var first = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = email.ToLowerInvariant(), phone = E164(mobile), firstName = "CAMILLE" });
        using var second = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = email.ToUpperInvariant(), phone = Spaced(mobile) });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var leadId = (await TandemApi.ReadJsonAsync(first))!.Str("leadId");
        Assert.Equal(leadId, (await TandemApi.ReadJsonAsync(second))!.Str("leadId"));

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        Assert.Equal(E164(mobile), lead.Str("phone"));
        Assert.Equal("Camille", lead.Str("firstName")); // a name typed in capitals gets a person's casing
        var merge = Assert.Single(lead["merges"]!.AsArray())!;
        Assert.Equal(["email", "phone"], merge["matchedOn"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Null(merge["undoneAt"]);

        // Through the API the answer itself says why: the same person, matched on both keys.
        using var api = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            email = "  " + email.ToUpperInvariant(), phone = $"0033 {mobile[1..]}", kind = "consumer", source = new { channel = "api" },
        });
        var answer = (await TandemApi.ReadJsonAsync(api))!;
        Assert.True(api.StatusCode == HttpStatusCode.Created, api.Describe(answer.ToJsonString()));
        Assert.Equal(leadId, answer.Str("id"));
        Assert.Equal("merged", answer.Str("outcome"));
        Assert.Equal(["email", "phone"], answer["matchedOn"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, email));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_linkedin_profile_alone_identifies_a_lead_normalised_and_matched_as_a_third_key(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var slug = "claire-dupont-" + Unique();

        using var first = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            linkedInUrl = $"http://fr.linkedin.com/in/{slug.ToUpperInvariant()}/?originalSubdomain=fr", firstName = "Claire", kind = "professional",
            source = new { channel = "social" },
        });
        var created = (await TandemApi.ReadJsonAsync(first))!;
        Assert.True(first.StatusCode == HttpStatusCode.Created, first.Describe(created.ToJsonString()));
        Assert.Equal("created", created.Str("outcome"));
        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{created.Str("id")}");
        Assert.Equal($"https://www.linkedin.com/in/{slug}", lead.Str("linkedInUrl"));
        Assert.Null(lead["email"]);

        // The same profile written another way, now with an email: the same person, and the email fills in.
        var email = NewEmail("claire.dupont");
        using var second = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            linkedInUrl = $"https://www.linkedin.com/in/{slug}", email, kind = "professional", source = new { channel = "social" },
        });
        var merged = (await TandemApi.ReadJsonAsync(second))!;
        Assert.True(second.StatusCode == HttpStatusCode.Created, second.Describe(merged.ToJsonString()));
        Assert.Equal(created.Str("id"), merged.Str("id"));
        Assert.Equal(["linkedin"], merged["matchedOn"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(created.Str("id"), Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, email))!.Str("id"));

        // Neither email, phone nor profile stays refused; a URL that is no member profile is refused naming the field.
        foreach (var (body, field) in new (object, string)[]
        {
            (new { firstName = "Nobody", kind = "professional", source = new { channel = "social" } }, "email"),
            (new { linkedInUrl = "https://www.linkedin.com/company/acme", kind = "professional", source = new { channel = "social" } }, "linkedInUrl"),
            (new { linkedInUrl = "https://evil.example/in/claire", kind = "professional", source = new { channel = "social" } }, "linkedInUrl"),
        })
        {
            using var refused = await host.Http.PostAsJsonAsync("/api/leads", body);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, refused.Describe(problem));
            Assert.Contains($"\"{field}\"", problem);
        }
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_referral_names_its_referrer_whose_record_lists_whom_they_referred_and_what_became_of_them(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        // The referrer: a customer of the installer.
        using var referrerAnswer = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            email = NewEmail("jean.martin"), firstName = "Jean", lastName = "Martin", source = new { channel = "content" },
        });
        var referrerId = (await TandemApi.ReadJsonAsync(referrerAnswer))!.Str("id");
        using (var customer = await host.Http.PostAsync($"/api/leads/{referrerId}/customer", null))
            Assert.Equal(HttpStatusCode.OK, customer.StatusCode);

        // Two neighbours he referred.
        var referred = new List<string>();
        foreach (var name in new[] { "Alice", "Bruno" })
        {
            using var answer = await host.Http.PostAsJsonAsync("/api/leads", new
            {
                email = NewEmail(name.ToLowerInvariant() + ".voisin"), firstName = name, lastName = "Voisin",
                source = new { channel = "referral", referredBy = referrerId, detail = "Recommandé par un client" },
            });
            var created = (await TandemApi.ReadJsonAsync(answer))!;
            Assert.True(answer.StatusCode == HttpStatusCode.Created, answer.Describe(created.ToJsonString()));
            referred.Add(created.Str("id")!);
        }
        using (var rejected = await host.Http.PostAsJsonAsync($"/api/leads/{referred[1]}/reject", new { reason = "not-interested" }))
            Assert.True(rejected.IsSuccessStatusCode, rejected.Describe(await rejected.Content.ReadAsStringAsync()));

        // The referrer's record shows whom he referred and where each stands now; the referred lead's source names him.
        var referrer = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{referrerId}");
        var referrals = referrer["referrals"]!.AsArray();
        Assert.Equal(referred, referrals.Select(r => r!.Str("leadId")).ToList());
        Assert.Equal("Alice", referrals[0]!.Str("firstName"));
        Assert.Equal("new", referrals[0]!.Str("status"));
        Assert.Equal("rejected", referrals[1]!.Str("status"));
        var alice = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{referred[0]}");
        var source = Assert.Single(alice["sources"]!.AsArray())!;
        Assert.Equal(("referral", referrerId), (source.Str("channel"), source.Str("referredBy")));
        Assert.Empty(alice["referrals"]!.AsArray());

        // A referrer that is no lead, or the person herself, is refused naming the field, and nothing is stored.
        var stranger = NewEmail("inconnu");
        using (var unknown = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            email = stranger, source = new { channel = "referral", referredBy = "no-such-lead" },
        }))
        {
            var problem = await unknown.Content.ReadAsStringAsync();
            Assert.True(unknown.StatusCode == HttpStatusCode.BadRequest, unknown.Describe(problem));
            Assert.Contains("\"source.referredBy\"", problem);
        }
        Assert.Empty(await TandemApi.LeadsByEmailAsync(host.Http, stranger));
        using (var self = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            email = alice.Str("email"), source = new { channel = "referral", referredBy = referred[0] },
        }))
        {
            var problem = await self.Content.ReadAsStringAsync();
            Assert.True(self.StatusCode == HttpStatusCode.BadRequest, self.Describe(problem));
            Assert.Contains("\"source.referredBy\"", problem);
        }
        Assert.Single((await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{referred[0]}"))["sources"]!.AsArray());
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_merge_fills_only_empty_fields_never_a_rep_edit_and_can_be_undone(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var email = NewEmail("Hugo.Petit");
        var created = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new { email, firstName = "Hugo", kind = "consumer", source = new { channel = "event" } });
        using var edit = await host.Http.PatchAsJsonAsync($"/api/leads/{created}", new { company = "Petit Énergies" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);

        var mobile = NewMobile();
        using var merged = await host.Http.PostAsJsonAsync("/api/leads", new
        {
            email, phone = Spaced(mobile), firstName = "Victor", lastName = "PETIT", company = "Autre SARL", kind = "consumer",
            source = new { channel = "social" }, consents = new[] { new { purpose = "newsletter", granted = true, text = "Oui" } },
        });
        var mergeAnswer = (await TandemApi.ReadJsonAsync(merged))!;
        var mergeId = mergeAnswer.Str("mergeId");

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{created}");
        Assert.Equal("Hugo", lead.Str("firstName"));        // typed earlier: kept
        Assert.Equal("Petit Énergies", lead.Str("company")); // edited by a rep: kept
        Assert.Equal("Petit", lead.Str("lastName"));         // empty: filled
        Assert.Equal(E164(mobile), lead.Str("phone"));
        Assert.Contains("company", lead["editedFields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(["phone", "lastName"], lead["merges"]![0]!["filledFields"]!.AsArray().Select(f => f!.GetValue<string>()));

        using var unmerge = await host.Http.PostAsJsonAsync($"/api/leads/{created}/unmerge", new { mergeId });
        var undone = (await TandemApi.ReadJsonAsync(unmerge))!;
        Assert.Equal(HttpStatusCode.OK, unmerge.StatusCode);
        var recreatedId = undone.Str("recreatedLeadId");

        var restored = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{created}");
        Assert.Null(restored["phone"]);
        Assert.Null(restored["lastName"]);
        Assert.Equal("Petit Énergies", restored.Str("company"));
        Assert.Single(restored["sources"]!.AsArray());
        Assert.Empty(restored["consents"]!.AsArray());
        Assert.NotNull(restored["merges"]![0]!["undoneAt"]);
        var recreated = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{recreatedId}");
        Assert.Equal(E164(mobile), recreated.Str("phone"));
        Assert.Equal("Victor", recreated.Str("firstName"));
        Assert.Null(recreated["email"]); // the key it matched on stays with the original lead
        Assert.Equal("social", Assert.Single(recreated["sources"]!.AsArray())!.Str("channel"));
        Assert.Equal("newsletter", Assert.Single(recreated["consents"]!.AsArray())!.Str("purpose"));

        using var again = await host.Http.PostAsJsonAsync($"/api/leads/{created}/unmerge", new { mergeId });
        await TandemApi.AssertProblemAsync(again, HttpStatusCode.Conflict, "conflict");
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Likely_duplicates_are_proposed_not_merged_and_an_invalid_phone_is_kept_and_flagged(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var company = $"Solaire {Unique()} SAS";
        var first = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new
        {
            email = NewEmail("m.lefevre"), firstName = "Marie", lastName = "Lefèvre", company, phone = "12 34", kind = "professional", source = new { channel = "event" },
        });
        var second = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new
        {
            email = NewEmail("marie"), firstName = "MARIE", lastName = "LEFEVRE", company = company.ToUpperInvariant().Replace(" SAS", "", StringComparison.Ordinal),
            kind = "professional", source = new { channel = "event" },
        });
        Assert.NotEqual(first, second);

        var proposals = (await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{first}/duplicates"))["items"]!.AsArray();
        var proposal = Assert.Single(proposals)!;
        Assert.Equal(second, proposal.Str("id"));
        Assert.Equal(["similar-name", "same-company"], proposal["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{first}");
        Assert.False(lead["phoneValid"]!.GetValue<bool>());
        Assert.Equal("12 34", lead.Str("phoneAsTyped"));
        Assert.Null(lead["phone"]);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Resubmitting_a_form_does_not_farm_points_and_the_callback_makes_an_explained_mql_that_Prospects_receives(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = NewEmail("Ines.Moreau");
        string? leadId = null;
        for (var i = 0; i < 5; i++)
        {
            using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            leadId = (await TandemApi.ReadJsonAsync(response))!.Str("leadId");
        }
        var farmed = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        Assert.Equal("new", farmed.Str("status"));
        Assert.False(farmed["callbackRequested"]!.GetValue<bool>());
        var reason = Assert.Single(farmed["score"]!["reasons"]!.AsArray())!;
        Assert.Equal("form-submitted", reason.Str("rule"));
        Assert.Equal(10, farmed["score"]!["value"]!.GetValue<int>());
        Assert.Empty(await TandemApi.ProspectsOfLeadAsync(host.Http, leadId!));

        using var callback = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email, phone = Spaced(NewMobile()), callback = true });
        Assert.Equal(HttpStatusCode.Created, callback.StatusCode);

        var mql = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        Assert.Equal("mql", mql.Str("status"));
        Assert.True(mql["callbackRequested"]!.GetValue<bool>());
        var reasons = mql["score"]!["reasons"]!.AsArray();
        Assert.Equal([("form-submitted", 10), ("callback-requested", 50)], reasons.Select(r => (r!.Str("rule"), r!["points"]!.GetValue<int>())));
        Assert.Equal(60, mql["score"]!["value"]!.GetValue<int>());
        Assert.Equal(reasons.Sum(r => r!["current"]!.GetValue<int>()), mql["score"]!["value"]!.GetValue<int>());
        var qualified = Assert.Single(mql["statusHistory"]!.AsArray())!;
        Assert.Equal(("new", "mql", "scoring"), (qualified.Str("from"), qualified.Str("to"), qualified.Str("by")));
        Assert.Contains("threshold 50", qualified.Str("reason"));

        var prospects = await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(host.Http, leadId!), p => p.Count > 0, Downstream,
            _ => "Prospects has not received LeadQualified yet");
        Assert.Single(prospects);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Changing_the_mql_definition_is_recorded_and_qualifies_existing_leads_that_now_reach_it(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var original = await TandemApi.GetJsonAsync(host.Http, "/api/leads/mql-definition");
        using var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = NewEmail("Noe.Garnier") });
        var leadId = (await TandemApi.ReadJsonAsync(submitted))!.Str("leadId");
        Assert.Equal("new", (await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}")).Str("status"));

        try
        {
            using var bad = await host.Http.PutAsJsonAsync("/api/leads/mql-definition", new { threshold = 0, rules = new[] { new { rule = "coffee-drunk", points = 5 } } });
            var errors = (await TandemApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key).ToList();
            Assert.Contains("threshold", errors);
            Assert.Contains("rules[0].rule", errors);

            using var put = await host.Http.PutAsJsonAsync("/api/leads/mql-definition", new { threshold = 10 });
            var changed = (await TandemApi.ReadJsonAsync(put))!;
            Assert.True(put.StatusCode == HttpStatusCode.OK, put.Describe(changed.ToJsonString()));
            Assert.True(changed["qualified"]!.GetValue<int>() >= 1);

            var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
            Assert.Equal("mql", lead.Str("status"));
            Assert.False(lead["callbackRequested"]!.GetValue<bool>()); // qualified by score, never described as asking for a call
            await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(host.Http, leadId), p => p.Count > 0, Downstream, _ => "no prospect yet");

            var history = (await TandemApi.GetJsonAsync(host.Http, "/api/leads/mql-definition/history"))["items"]!.AsArray();
            var latest = history[0]!;
            Assert.Equal(10, latest["definition"]!["threshold"]!.GetValue<int>());
            Assert.StartsWith("api-key:", latest.Str("changedBy"));
            Assert.True(history.Count >= 2);
        }
        finally
        {
            using var restore = await host.Http.PutAsJsonAsync("/api/leads/mql-definition", original);
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_rejection_needs_a_reason_and_shows_in_the_numbers_per_source(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var campaign = "salon-" + Unique();
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var rejected = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new { email = NewEmail("a"), kind = "professional", source = new { channel = "event", campaignId = campaign } });
        var won = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new { email = NewEmail("b"), kind = "professional", source = new { channel = "event", campaignId = campaign } });
        await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new { email = NewEmail("c"), kind = "professional", source = new { channel = "event", campaignId = campaign } });

        using var noReason = await host.Http.PostAsJsonAsync($"/api/leads/{rejected}/reject", new { reason = " " });
        Assert.Contains("reason", (await TandemApi.AssertProblemAsync(noReason, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        using var reject = await host.Http.PostAsJsonAsync($"/api/leads/{rejected}/reject", new { reason = "Locataire, pas propriétaire" });
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        using var accept = await host.Http.PostAsync($"/api/leads/{won}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        using var customer = await host.Http.PostAsync($"/api/leads/{won}/customer", null);
        Assert.Equal(HttpStatusCode.OK, customer.StatusCode);
        using var backwards = await host.Http.PostAsync($"/api/leads/{won}/accept", null);
        await TandemApi.AssertProblemAsync(backwards, HttpStatusCode.Conflict, "conflict");

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{rejected}");
        Assert.Equal("rejected", lead.Str("status"));
        Assert.Equal("Locataire, pas propriétaire", lead.Str("rejectionReason"));
        Assert.StartsWith("api-key:", lead["statusHistory"]![0]!.Str("by"));

        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        var numbers = await TandemApi.GetJsonAsync(host.Http,
            $"/api/leads/numbers?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&campaignId={campaign}");
        Assert.Equal((3, 0, 1, 1), (numbers["leads"]!.GetValue<int>(), numbers["mqls"]!.GetValue<int>(), numbers["rejected"]!.GetValue<int>(), numbers["customers"]!.GetValue<int>()));
        var source = Assert.Single(numbers["bySource"]!.AsArray())!;
        Assert.Equal(("event", campaign, 3, 1, 1), (source.Str("channel"), source.Str("campaignId"), source["leads"]!.GetValue<int>(),
            source["rejected"]!.GetValue<int>(), source["won"]!.GetValue<int>()));

        var timeline = (await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{rejected}/timeline")).AsArray();
        Assert.Equal(["source", "status"], timeline.Select(t => t!.Str("type")));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_French_Excel_csv_imports_with_the_right_counts_and_per_row_errors(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var tag = Unique();
        var known = $"deja.connu.{tag}@exemple.fr";
        var knownId = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new { email = known, firstName = "Déjà", kind = "consumer", source = new { channel = "api" } });
        var mobile = NewMobile();
        var mobileB = NewMobile();
        string Csv(string tag, string mobile) => string.Join("\r\n", new[]
        {
            "Prénom;Nom;E-mail;Téléphone;Société;Fonction;Code postal",
            $"élodie;LEFÈVRE;Elodie.Lefevre.{tag}@Exemple.fr;{Spaced(mobile)};Œuvre Solaire;Gérante;75 001",
            $"Jean-Pierre;de la fontaine;jp.{tag}@exemple.fr;;;\"Directeur\r\ncommercial; export\";69001",
            $"Élodie;Lefèvre;ELODIE.LEFEVRE.{tag}@exemple.fr;;;;",          // duplicate inside the file (email in other case)
            $";Lefèvre;;+33 (0){mobile[1..]};;;",                           // duplicate inside the file (phone)
            $"Déjà;Connu;{known.ToUpperInvariant()};;Connu & Fils;;",       // duplicate of a lead in the database
            "Bad;Row;pas-un-email;;;;",                                     // row 7: invalid email
            "Nobody;Here;;;;;",                                             // row 8: no way to reach them
            $"Paul;Faux;paul.{tag}@exemple.fr;12;;;",                       // invalid phone: kept as typed, flagged
            ";;;;;;",                                                       // empty line: skipped
        }) + "\r\n";

        foreach (var (encoding, bytes) in new (string, byte[])[]
        {
            ("windows-1252", Encoding.GetEncoding(1252).GetBytes(Csv(tag, mobile))),
            ("utf-8-bom", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Csv(tag + "b", mobileB))]),
        })
        {
            var state = await ImportAsync(host, bytes, $"contacts-{encoding}.csv");
            Assert.True(state.Str("status") == "completed", state.ToJsonString());
            Assert.Equal(encoding, state.Str("encoding"));
            Assert.Equal(";", state.Str("delimiter"));
            Assert.Equal(8, state["rows"]!.GetValue<int>());
            Assert.True((3, 3, 2) == (state["created"]!.GetValue<int>(), state["merged"]!.GetValue<int>(), state["rejected"]!.GetValue<int>()), state.ToJsonString());
            Assert.Equal([(7, "email: not a valid email address."), (8, "No email address or phone number.")],
                state["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e!.Str("message"))));
        }

        var elodie = Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, $"elodie.lefevre.{tag}@exemple.fr"))!;
        Assert.Equal(("Élodie", "Lefèvre", E164(mobile), "75001", "Œuvre Solaire"),
            (elodie.Str("firstName"), elodie.Str("lastName"), elodie.Str("phone"), elodie.Str("postalCode"), elodie.Str("company")));
        Assert.Equal(3, elodie["sources"]!.AsArray().Count(s => s!.Str("channel") == "event")); // the file's source, once per row
        var jp = Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, $"jp.{tag}@exemple.fr"))!;
        Assert.Equal(("Jean-Pierre", "de la Fontaine", "Directeur commercial; export"), (jp.Str("firstName"), jp.Str("lastName"), jp.Str("jobTitle")));
        var paul = Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, $"paul.{tag}@exemple.fr"))!;
        Assert.Equal((false, "12"), (paul["phoneValid"]!.GetValue<bool>(), paul.Str("phoneAsTyped")));
        var connu = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{knownId}");
        Assert.Equal(("Déjà", "Connu", "Connu & Fils"), (connu.Str("firstName"), connu.Str("lastName"), connu.Str("company")));
        Assert.Equal(2, connu["merges"]!.AsArray().Count); // once per file

        using var missing = await host.Http.GetAsync("/api/leads/imports/no-such-import");
        await TandemApi.AssertProblemAsync(missing, HttpStatusCode.NotFound, "not-found");
        using var noFile = await host.Http.PostAsync("/api/leads/imports", new MultipartFormDataContent { { new StringContent("import"), "source" } });
        Assert.Contains("file", (await TandemApi.AssertProblemAsync(noFile, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Paging_outside_the_limits_is_a_400_naming_the_parameter(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        using var size = await host.Http.GetAsync("/api/leads?pageSize=201");
        Assert.Contains("pageSize", (await TandemApi.AssertProblemAsync(size, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        using var page = await host.Http.GetAsync("/api/leads?page=0");
        Assert.Contains("page", (await TandemApi.AssertProblemAsync(page, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        var json = await TandemApi.GetJsonAsync(host.Http, "/api/leads?pageSize=200&stage=awareness&kind=consumer");
        Assert.Equal(200, json["pageSize"]!.GetValue<int>());
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_list_total_is_exact_up_to_10000_then_capped_and_search_is_a_prefix_on_indexed_columns(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var tag = "cap" + Guid.NewGuid().ToString("N")[..8];
        const int rows = 10_060;
        var csv = new System.Text.StringBuilder("email;prénom;nom;société\n");
        for (var i = 0; i < rows; i++) csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{tag}.{i}@exemple.fr;Inès;Lefèvre{tag};Watt {tag}\n");
        var import = await ImportAsync(host, System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "cap.csv");
        Assert.Equal(rows, import["created"]!.GetValue<int>());

        // More than 10,000 match: the count stops there and says so (the inbox shows "10,000+").
        var capped = await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q={tag}&pageSize=50");
        Assert.Equal((10_000, true), (capped["total"]!.GetValue<int>(), capped["totalCapped"]!.GetValue<bool>()));
        Assert.Equal(50, capped["items"]!.AsArray().Count);
        // A page past the cap is counted to its end, so a client paging on never sees a total below its position.
        var deep = await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q={tag}&page=202&pageSize=50");
        Assert.Equal((rows, false, 10), (deep["total"]!.GetValue<int>(), deep["totalCapped"]!.GetValue<bool>(), deep["items"]!.AsArray().Count));
        // Fewer than 10,000: exact. The email prefix "{tag}.1" is rows 1, 10–19, 100–199, 1000–1999 and 10000–10059.
        var exact = await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q={tag}.1&pageSize=200");
        Assert.Equal((1 + 10 + 100 + 1000 + 60, false), (exact["total"]!.GetValue<int>(), exact["totalCapped"]!.GetValue<bool>()));
        // The other indexed prefixes: last name (accents folded), first name with last name, company.
        foreach (var q in new[] { $"lefevre{tag}", $"LEFÈVRE{tag} inès", $"ines lefevre{tag}", $"Watt {tag}" })
        {
            var found = await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q={Uri.EscapeDataString(q)}&pageSize=1");
            Assert.True(found["total"]!.GetValue<int>() == 10_000 && found["totalCapped"]!.GetValue<bool>(), $"q={q}: {found["total"]}");
        }
        // A word in the middle of a name is not a prefix: nothing (the search is indexed, not a scan).
        Assert.Equal(0, (await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q=efevre{tag}"))["total"]!.GetValue<int>());
    }

    private static async Task<JsonNode> ImportAsync(HostProcess host, byte[] bytes, string name)
    {
        using var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var form = new MultipartFormDataContent { { file, "file", name }, { new StringContent("event"), "source" } };
        using var response = await host.Http.PostAsync("/api/leads/imports", form);
        var started = (await TandemApi.ReadJsonAsync(response))!;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, response.Describe(started.ToJsonString()));
        var id = started.Str("id");
        return await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(host.Http, $"/api/leads/imports/{id}"),
            s => s.Str("status") is "completed" or "failed", Downstream, s => s.ToJsonString());
    }
}

/// <summary><c>tandem import leads FILE</c>: the same import as the API, in the terminal, on a fresh data folder.</summary>
public sealed class LeadImportCliTests
{
    [Fact]
    public async Task Import_leads_command_imports_a_file_prints_the_counts_and_leaves_the_file_alone()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        var file = Path.Combine(Path.GetTempPath(), $"tandem-cli-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "First Name,Last Name,Email Address,Phone\nAnn,LEE,ann@exemple.fr,06 12 34 56 78\nAnn,Lee,ANN@exemple.fr,\nBob,Roe,not-an-email,\n");
        try
        {
            var result = await HostCli.RunAsync(["import", "leads", file, "--source", "event", .. store.HostArgs]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("completed: 3 rows (1 created, 1 merged, 1 rejected)", result.Output);
            Assert.Contains("row 4: email: not a valid email address.", result.Output);
            Assert.Contains("rows/s, peak RSS", result.Output);
            Assert.Contains("delimiter ','", result.Output);
            Assert.True(File.Exists(file), "the user's file is left where it was");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Batches of two rows: the next batch is resolved while the previous one is being written (docs/leads.md, "Import"),
    /// so a person created or filled in one batch and met again in the next must be merged, not created twice — whether or
    /// not the previous batch's write has committed when the next batch looks its emails and phones up.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Duplicates_across_batches_merge_into_the_lead_the_previous_batch_created_or_filled(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var file = Path.Combine(Path.GetTempPath(), $"tandem-cli-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, string.Join("\n",
            "Prénom;Nom;E-mail;Téléphone;Société;Fonction",
            "Ann;Lee;ann@exemple.fr;;;",                   // row 2, batch 1: created
            "Bob;Roe;bob@exemple.fr;06 98 76 54 32;;",     // row 3, batch 1: created
            ";;ANN@exemple.fr;06 12 34 56 78;Acme SA;",    // row 4, batch 2: merged into Ann (batch 1), fills phone and company
            "Carl;Poe;carl@exemple.fr;;;",                 // row 5, batch 2: created
            ";;;+33 6 12 34 56 78;;Gérante",               // row 6, batch 3: merged into Ann by the phone batch 2 filled
            ";;bob@exemple.fr;0698765432;;",               // row 7, batch 3: merged into Bob (batch 1)
            "Bad;Row;pas-un-email;;;") + "\n");           // row 8, batch 4: rejected
        try
        {
            var result = await HostCli.RunAsync(["import", "leads", file, "--source", "event", "--Tandem:Leads:Import:BatchSize=2", .. store.HostArgs]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("completed: 7 rows (3 created, 3 merged, 1 rejected)", result.Output);
            var leads = store.Table("Leads", "Leads");
            Assert.Equal(3, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {leads}"));
            Assert.Equal(1, await store.ScalarAsync("Leads",
                $"SELECT COUNT(*) FROM {leads} WHERE \"Email\" = 'ann@exemple.fr' AND \"Phone\" = '+33612345678' AND \"Company\" = 'Acme SA' AND \"JobTitle\" = 'Gérante' AND \"FirstName\" = 'Ann'"));
            // The search keys follow what the merges filled (the company key is the company without its legal form).
            Assert.Equal(1, await store.ScalarAsync("Leads",
                $"SELECT COUNT(*) FROM {leads} WHERE \"SearchText\" = 'ann lee acme sa ann@exemple.fr' AND \"CompanyKey\" = 'acme' AND \"NameKey\" = 'lee ann'"));
            Assert.Equal(1, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {leads} WHERE \"Email\" = 'bob@exemple.fr' AND \"Phone\" = '+33698765432'"));
            Assert.Equal(3, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {store.Table("Leads", "Merges")}"));
            Assert.Equal(6, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {store.Table("Leads", "Sources")}"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
