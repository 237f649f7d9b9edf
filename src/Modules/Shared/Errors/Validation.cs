namespace Tandem.Modules.Shared.Errors;

/// <summary>
/// Checks one message type before its handler runs. Registered by convention (Scrutor) from each module
/// assembly and run by the host's validation pipeline behaviour; failures become a 400 with per-field errors.
/// </summary>
public interface IValidator<in TMessage>
{
    void Validate(TMessage message, ValidationErrors errors);
}

/// <summary>
/// The documented maximum of every kind of text Tandem stores (docs/API.md, "Limits"). Every module validates its
/// fields against these, through <see cref="ValidationErrors.SingleLine"/> and <see cref="ValidationErrors.MultiLine"/>.
/// </summary>
public static class Limits
{
    /// <summary>An id (ours are 32 hex characters) or a reference to one.</summary>
    public const int Id = 64;
    /// <summary>A machine name chosen by a person: a form field's name, a consent purpose.</summary>
    public const int Key = 64;
    /// <summary>A name: of a campaign, a form, a person, a company, a job; a field's label; a choice of a select.</summary>
    public const int Name = 200;
    /// <summary>A title: of an asset, a landing page.</summary>
    public const int Title = 300;
    /// <summary>A landing page's address, <c>/p/{slug}</c>.</summary>
    public const int Slug = 120;
    /// <summary>A URL (an asset's).</summary>
    public const int Url = 2048;
    /// <summary>An email address as typed.</summary>
    public const int Email = 254;
    /// <summary>A phone number as typed.</summary>
    public const int Phone = 32;
    /// <summary>A postal code.</summary>
    public const int PostalCode = 10;
    /// <summary>Where a lead came from, as its source's reference (a submission id, a plugin's external id).</summary>
    public const int Reference = 200;
    /// <summary>A note on where a lead came from (<c>source.detail</c>).</summary>
    public const int Detail = 500;
    /// <summary>The proof kept with a consent (form, address, browser).</summary>
    public const int Proof = 1000;
    /// <summary>A paragraph: a consent's exact wording, a value typed in a form.</summary>
    public const int Text = 2000;
    /// <summary>A landing page's markdown body.</summary>
    public const int Body = 100_000;
    /// <summary>A search typed in a list's <c>q</c>.</summary>
    public const int Search = 200;

    /// <summary>Fields on one form.</summary>
    public const int FormFields = 50;
    /// <summary>Choices of one select field.</summary>
    public const int Options = 100;
    /// <summary>Consents on one form or one capture.</summary>
    public const int Consents = 20;
}

/// <summary>Collects per-field validation messages; field names are camelCase as in the HTTP contract.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public ValidationErrors Required(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? Add(field, "This field is required.") : this;

    public ValidationErrors MaxLength(string field, string? value, int max) =>
        value is not null && value.Length > max ? Add(field, $"At most {max} characters.") : this;

    /// <summary>
    /// A name or an identifier: at most <paramref name="max"/> characters, on one line, without control characters
    /// (NUL, escape, line breaks…), bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069, which make
    /// text display as something else) or unpaired surrogates. Null passes (use <see cref="Required"/> as well).
    /// </summary>
    public ValidationErrors SingleLine(string field, string? value, int max) => Text(field, value, max, multiLine: false);

    /// <summary>
    /// Free text (a page body, a consent's wording): at most <paramref name="max"/> characters; line breaks, tabs and
    /// right-to-left text are fine, NUL and other control characters and unpaired surrogates are not.
    /// </summary>
    public ValidationErrors MultiLine(string field, string? value, int max) => Text(field, value, max, multiLine: true);

    /// <summary>At most <paramref name="max"/> items in a list.</summary>
    public ValidationErrors MaxCount<T>(string field, IReadOnlyCollection<T>? items, int max) =>
        items is not null && items.Count > max ? Add(field, $"At most {max} items.") : this;

    public ValidationErrors OneOf(string field, string? value, IReadOnlyCollection<string> allowed) =>
        value is not null && !allowed.Contains(value)
            ? Add(field, $"Must be one of: {string.Join(", ", allowed)}.")
            : this;

    private ValidationErrors Text(string field, string? value, int max, bool multiLine)
    {
        if (value is null) return this;
        if (value.Length > max) return Add(field, $"At most {max} characters.");
        return TextProblem(value, multiLine) is { } problem ? Add(field, problem) : this;
    }

    /// <summary>What is wrong with the characters of <paramref name="value"/>, or null when nothing is.</summary>
    public static string? TextProblem(string value, bool multiLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                if (multiLine && c is '\n' or '\r' or '\t') continue;
                return multiLine
                    ? "Control characters such as NUL are not allowed."
                    : "Control characters (such as NUL, escape or a line break) are not allowed here.";
            }
            if (!multiLine && c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
                return "Bidirectional override characters (U+202A–U+202E, U+2066–U+2069) are not allowed here.";
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return "Not valid text: an unpaired UTF-16 surrogate.";
        }
        return null;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (!IsEmpty) throw new ValidationFailedException(ToDictionary());
    }
}
