using Tandem.Modules.Leads.Normalisation;

namespace Tandem.Modules.Leads.Tests;

public sealed class ContactNormalizerTests
{
    [Theory]
    [InlineData("Jean.Dupont@Example.FR", "jean.dupont@example.fr")]
    [InlineData("  anne@exemple.fr  ", "anne@exemple.fr")]
    [InlineData("élodie@café.fr", "élodie@xn--caf-dma.fr")]
    [InlineData("Élodie@CAFÉ.fr", "élodie@xn--caf-dma.fr")]
    [InlineData("not-an-email", null)]
    [InlineData("a@b", null)]
    [InlineData("Jean <jean@example.fr>", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Email_is_trimmed_lower_cased_with_an_ascii_domain_or_rejected(string? raw, string? expected) =>
        Assert.Equal(expected, ContactNormalizer.Email(raw));

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("06.12.34.56.78", "+33612345678")]
    [InlineData("0612345678", "+33612345678")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("0033 6 12 34 56 78", "+33612345678")]
    [InlineData("01-23-45-67-89", "+33123456789")]
    [InlineData("+49 30 1234567", "+49301234567")]
    public void Phone_becomes_E164_whatever_the_French_or_international_writing(string raw, string expected)
    {
        var phone = ContactNormalizer.French.Phone(raw);
        Assert.True(phone.Valid);
        Assert.Equal(expected, phone.E164);
        Assert.Null(phone.AsTyped);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("06 12 34")]
    [InlineData("+0612345678")]
    [InlineData("call me")]
    [InlineData(" 00 12 ")]
    public void An_invalid_phone_number_is_kept_as_typed_and_flagged_never_dropped(string raw)
    {
        var phone = ContactNormalizer.French.Phone(raw);
        Assert.False(phone.Valid);
        Assert.Null(phone.E164);
        Assert.Equal(raw.Trim(), phone.AsTyped);
    }

    [Fact]
    public void National_numbers_are_read_in_the_configured_region()
    {
        var belgian = new ContactNormalizer("BE");
        Assert.Equal("+3224001111", belgian.Phone("02 400 11 11").E164);
        Assert.Equal("+33612345678", belgian.Phone("+33 6 12 34 56 78").E164);
    }

    [Theory]
    [InlineData("  jean  ", "Jean")]
    [InlineData("JEAN-PIERRE", "Jean-Pierre")]
    [InlineData("jean-pierre de la fontaine", "Jean-Pierre de la Fontaine")]
    [InlineData("DE LA FONTAINE", "de la Fontaine")]
    [InlineData("VAN DER BERG", "van der Berg")]
    [InlineData("d'artagnan", "d'Artagnan")]
    [InlineData("O'NEIL", "O'Neil")]
    [InlineData("ÉLODIE", "Élodie")]
    [InlineData("McDonald", "McDonald")]
    [InlineData("DuPont", "DuPont")]
    [InlineData("de", "De")]
    [InlineData("   ", null)]
    public void Names_get_the_casing_a_person_writes_and_mixed_case_is_kept(string raw, string? expected) =>
        Assert.Equal(expected, ContactNormalizer.Name(raw));

    [Theory]
    [InlineData("75 001", "75001")]
    [InlineData(" 69001 ", "69001")]
    [InlineData("1000", "01000")]
    [InlineData("sw1a 1aa", "SW1A 1AA")]
    public void Postal_codes_are_compact_and_Excel_lost_leading_zeros_come_back(string raw, string expected) =>
        Assert.Equal(expected, ContactNormalizer.PostalCode(raw));

    [Theory]
    [InlineData("  Soleil   Énergie  SARL ", "Soleil Énergie SARL", "soleil energie")]
    [InlineData("SAS Watt & Co", "SAS Watt & Co", "watt co")]
    public void Company_names_are_trimmed_and_compared_without_legal_form(string raw, string expected, string key)
    {
        Assert.Equal(expected, ContactNormalizer.Company(raw));
        Assert.Equal(key, ContactNormalizer.CompanyKey(raw));
    }

    // Plain ASCII takes the short path (lower case only); anything else is decomposed, stripped of marks and recomposed.
    [Theory]
    [InlineData("JEAN-PIERRE Dupont, Watt & Co jp.dupont@exemple.fr", "jean-pierre dupont, watt & co jp.dupont@exemple.fr")]
    [InlineData("already lower", "already lower")]
    [InlineData("Éric Lefèvre, Œuvres", "eric lefevre, oeuvres")]
    [InlineData("ÉLODIE Dupré", "elodie dupre")]
    [InlineData("Straße Æther Øre Łódź", "strasse aether ore lodz")]
    [InlineData("", "")]
    public void Search_folding_lower_cases_and_drops_accents_on_both_paths(string raw, string expected) =>
        Assert.Equal(expected, LeadSearch.Fold(raw));
}
