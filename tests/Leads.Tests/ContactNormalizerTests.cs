namespace Tandem.Modules.Leads.Tests;

public sealed class ContactNormalizerTests
{
    [Theory]
    [InlineData("Jean.Dupont@Example.FR", "jean.dupont@example.fr")]
    [InlineData("  anne@exemple.fr  ", "anne@exemple.fr")]
    [InlineData("not-an-email", null)]
    [InlineData("a@b", null)]
    [InlineData("Jean <jean@example.fr>", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Email_is_trimmed_and_lower_cased_or_rejected(string? raw, string? expected) =>
        Assert.Equal(expected, ContactNormalizer.Email(raw));

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("06.12.34.56.78", "+33612345678")]
    [InlineData("01-23-45-67-89", "+33123456789")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("+49 30 1234567", "+49301234567")]
    [InlineData("612345678", null)]
    [InlineData("00 12", null)]
    [InlineData("call me", null)]
    [InlineData("+0612345678", null)]
    [InlineData(null, null)]
    public void Phone_becomes_E164_with_French_national_numbers_understood(string? raw, string? expected) =>
        Assert.Equal(expected, ContactNormalizer.Phone(raw));
}
