using System.Globalization;
using System.Net.Mail;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Content;

/// <summary>The server-side rules of a submitted form: each declared field by its type, required consents, a way to answer.</summary>
internal static class FormValues
{
    private const int MaxValueLength = Limits.Text;

    public static bool IsTickedValue(string value) => value is "on" or "true" or "1" or "yes";

    public static bool IsTicked(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) && IsTickedValue(v);

    internal static bool IsEmail(string value) =>
        value.Length <= Limits.Email && MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);

    internal static bool IsPhone(string value)
    {
        var digits = value.Count(char.IsAsciiDigit);
        return digits is >= 6 and <= 15 && value.All(c => char.IsAsciiDigit(c) || c is ' ' or '.' or '-' or '(' or ')' or '+');
    }

    internal static bool IsPostalCode(string value) =>
        value.Length is >= 3 and <= Limits.PostalCode && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-');

    /// <summary>Checks every value against the form; messages are in the page's language and name the field by its label.</summary>
    public static void Validate(Form form, IReadOnlyDictionary<string, string> values, PageTexts t, ValidationErrors errors)
    {
        string F(string format, string label) => string.Format(CultureInfo.InvariantCulture, format, label, MaxValueLength);
        foreach (var field in form.Fields)
        {
            var value = values.GetValueOrDefault(field.Name)?.Trim();
            if (field.Type == FieldTypes.Checkbox)
            {
                if (field.Required && !(value is not null && IsTickedValue(value))) errors.Add(field.Name, F(t.MustTick, field.Label));
                else if (value is { Length: > 0 } && !IsTickedValue(value) && value != "false") errors.Add(field.Name, F(t.MustTick, field.Label));
                continue;
            }
            if (string.IsNullOrEmpty(value))
            {
                if (field.Required) errors.Add(field.Name, F(t.IsRequired, field.Label));
                continue;
            }
            if (value.Length > MaxValueLength) errors.Add(field.Name, F(t.TooLong, field.Label));
            else if (ValidationErrors.TextProblem(value, multiLine: false) is not null) errors.Add(field.Name, F(t.InvalidText, field.Label));
            else if (field.Type == FieldTypes.Email && !IsEmail(value)) errors.Add(field.Name, F(t.InvalidEmail, field.Label));
            else if (field.Type == FieldTypes.Tel && !IsPhone(value)) errors.Add(field.Name, F(t.InvalidPhone, field.Label));
            else if (field.Type == FieldTypes.PostalCode && !IsPostalCode(value)) errors.Add(field.Name, F(t.InvalidPostalCode, field.Label));
            else if (field.Type == FieldTypes.Select && !(field.Options ?? []).Contains(value)) errors.Add(field.Name, F(t.NotAChoice, field.Label));
        }
        // Campaign tracking is kept with the submission (clipped to 200 characters): the same rules for its characters.
        foreach (var utm in new[] { FormValueNames.UtmSource, FormValueNames.UtmMedium, FormValueNames.UtmCampaign })
            if (values.GetValueOrDefault(utm) is { } tracking && ValidationErrors.TextProblem(tracking, multiLine: false) is not null)
                errors.Add(utm, F(t.InvalidText, t.CampaignLink));
        foreach (var consent in form.Consents.Where(c => c.Required && !IsTicked(values, FormValueNames.ConsentPrefix + c.Purpose)))
            errors.Add(FormValueNames.ConsentPrefix + consent.Purpose, F(t.ConsentRequired, consent.Text));
        var hasEmail = form.Fields.Any(f => f.Type == FieldTypes.Email && !string.IsNullOrWhiteSpace(values.GetValueOrDefault(f.Name)));
        var hasPhone = form.Fields.Any(f => f.Type == FieldTypes.Tel && !string.IsNullOrWhiteSpace(values.GetValueOrDefault(f.Name)));
        if (errors.IsEmpty && !hasEmail && !hasPhone)
        {
            var contact = form.Fields.First(f => f.Type is FieldTypes.Email or FieldTypes.Tel);
            errors.Add(contact.Name, F(t.ContactNeeded, contact.Label));
        }
    }
}
