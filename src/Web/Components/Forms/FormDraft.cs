using Tandem.Modules.Content.Contracts;

namespace Tandem.Web.Components.Forms;

/// <summary>A field being edited in the form builder.</summary>
public sealed class FieldDraft
{
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public string Type { get; set; } = FieldTypes.Text;
    public bool Required { get; set; }
    /// <summary>For a select: one option per line.</summary>
    public string Options { get; set; } = "";
}

/// <summary>A consent text being edited: what the visitor ticks (never pre-ticked).</summary>
public sealed class ConsentDraft
{
    public string Purpose { get; set; } = "";
    public string Text { get; set; } = "";
    public bool Required { get; set; }
}

/// <summary>The form builder's state; <see cref="ToCommand"/> turns it into Content's <see cref="CreateForm"/>.</summary>
public sealed class FormDraft
{
    public static readonly string[] Types = [FieldTypes.Text, FieldTypes.Email, FieldTypes.Tel, FieldTypes.PostalCode, FieldTypes.Select, FieldTypes.Checkbox];

    public string Name { get; set; } = "";
    public List<FieldDraft> Fields { get; } = [];
    public List<ConsentDraft> Consents { get; } = [];
    public bool OffersCallback { get; set; }

    /// <summary>What most lead forms start from: first name, email, phone.</summary>
    public static FormDraft Starter() => new()
    {
        Fields =
        {
            new FieldDraft { Name = "firstName", Label = "Prénom", Type = FieldTypes.Text },
            new FieldDraft { Name = "email", Label = "Email", Type = FieldTypes.Email, Required = true },
            new FieldDraft { Name = "phone", Label = "Téléphone", Type = FieldTypes.Tel },
        },
    };

    public CreateForm ToCommand() => new(
        Name.Trim(), null, null,
        Fields.Select(f => new FormFieldSpec(f.Name.Trim(), f.Label.Trim(), f.Type, f.Required,
            f.Type == FieldTypes.Select ? f.Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null)).ToList(),
        Consents.Select(c => new FormConsentSpec(c.Purpose.Trim(), c.Text.Trim(), c.Required)).ToList(),
        OffersCallback);
}
