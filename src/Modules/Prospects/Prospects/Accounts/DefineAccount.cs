using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Accounts;

/// <summary>SIREN (9 digits) and SIRET (14) are Luhn numbers; La Poste's SIRETs (SIREN 356000000) use a digit sum divisible by 5.</summary>
internal static class Siren
{
    public static bool IsValid(string value)
    {
        if (value.Length is not (9 or 14) || !value.All(char.IsAsciiDigit)) return false;
        if (value.Length == 14 && value.StartsWith("356000000", StringComparison.Ordinal)) return value.Sum(c => c - '0') % 5 == 0;
        var sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var d = value[value.Length - 1 - i] - '0';
            if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return sum % 10 == 0;
    }
}

internal sealed class DefineAccountValidator : IValidator<DefineAccount>
{
    public void Validate(DefineAccount m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name)
            .SingleLine("nafCode", m.NafCode, 10).SingleLine("revenueBand", m.RevenueBand, Limits.Key)
            .SingleLine("country", m.Country, 2).SingleLine("departement", m.Departement, 3);
        if (m.Siren is not null && !Siren.IsValid(m.Siren)) errors.Add("siren", "Not a valid SIREN (9 digits) or SIRET (14 digits): the check digit does not match.");
        if (m.HeadcountBand is not null && !CompiledIcp.HeadcountBands.ContainsKey(m.HeadcountBand))
            errors.Add("headcountBand", $"An INSEE headcount band: {string.Join(", ", CompiledIcp.HeadcountBands.Keys)}.");
    }
}

/// <summary>Creates the account or updates the one with the same SIREN or (normalised) name.</summary>
internal sealed class DefineAccountHandler(ProspectsDbContext db) : ICommandHandler<DefineAccount, AccountCreated>
{
    public async ValueTask<AccountCreated> Handle(DefineAccount command, CancellationToken cancellationToken)
    {
        var normalized = CompiledIcp.Normalize(command.Name);
        var siren = command.Siren?[..9];
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.NormalizedName == normalized || (siren != null && a.Siren == siren), cancellationToken);
        if (account is null) db.Accounts.Add(account = new Account { Id = Ids.New(), Name = command.Name, NormalizedName = normalized });
        account.Name = command.Name;
        account.NormalizedName = normalized;
        account.Siren = siren ?? account.Siren;
        account.NafCode = command.NafCode ?? account.NafCode;
        account.HeadcountBand = command.HeadcountBand ?? account.HeadcountBand;
        account.RevenueBand = command.RevenueBand ?? account.RevenueBand;
        account.Country = command.Country ?? account.Country;
        account.Departement = command.Departement ?? account.Departement;
        await db.SaveChangesAsync(cancellationToken);
        return new AccountCreated(account.Id);
    }
}
