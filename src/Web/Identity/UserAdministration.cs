using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Tandem.Web.Identity;

/// <summary>The web app's roles; every page names the roles it admits.</summary>
public static class UiRoles
{
    public const string Admin = "admin";
    public const string Marketing = "marketing";
    public const string Sales = "sales";
    public const string Manager = "manager";
    public static readonly string[] All = [Admin, Marketing, Sales, Manager];
}

/// <summary>A person as the admin page lists them (never the password hash).</summary>
public sealed record UserInfo(string Id, string Email, IReadOnlyList<string> Roles, bool LockedOut);

/// <summary>What creating a user did: the user, or the reasons it was refused.</summary>
public sealed record UserCreation(UserInfo? User, IReadOnlyList<string> Errors);

/// <summary>Creates and lists the people who sign in (CLI <c>tandem user create</c> and the admin page).</summary>
public sealed class UserAdministration(UserManager<TandemUser> users, RoleManager<IdentityRole> roles)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in UiRoles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
    }

    public async Task<UserCreation> CreateAsync(string email, string role, string password)
    {
        if (!UiRoles.All.Contains(role)) return new UserCreation(null, [$"Unknown role '{role}'; use one of: {string.Join(", ", UiRoles.All)}."]);
        await EnsureRolesAsync();
        var user = new TandemUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return new UserCreation(null, created.Errors.Select(e => e.Description).ToList());
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded) return new UserCreation(null, added.Errors.Select(e => e.Description).ToList());
        return new UserCreation(new UserInfo(user.Id, user.Email!, [role], false), []);
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync()
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.Email).Take(500).ToListAsync();
        var result = new List<UserInfo>(all.Count);
        foreach (var user in all)
            result.Add(new UserInfo(user.Id, user.Email ?? "", (await users.GetRolesAsync(user)).ToList(), await users.IsLockedOutAsync(user)));
        return result;
    }

    /// <summary>A password for a person to change later: 20 characters from a CSPRNG.</summary>
    public static string GeneratePassword() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}
