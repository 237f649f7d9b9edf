namespace Tandem.Modules.Shared.Errors;

/// <summary>
/// Checks one message type before its handler runs. Registered by convention (Scrutor) from each module
/// assembly and run by the host's validation pipeline behaviour; failures become a 400 with per-field errors.
/// </summary>
public interface IValidator<in TMessage>
{
    void Validate(TMessage message, ValidationErrors errors);
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

    public ValidationErrors OneOf(string field, string? value, IReadOnlyCollection<string> allowed) =>
        value is not null && !allowed.Contains(value)
            ? Add(field, $"Must be one of: {string.Join(", ", allowed)}.")
            : this;

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (!IsEmpty) throw new ValidationFailedException(ToDictionary());
    }
}
