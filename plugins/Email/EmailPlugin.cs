using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Email;

/// <summary>
/// Channel <c>email</c>: sends each step over SMTP (MailKit) from the rep's mailbox, with Tandem's own
/// <c>Message-Id</c> (derived from the step's id, so that replies can be matched and a retry is recognisable) and RFC
/// 8058 one-click unsubscribe headers; reads replies and RFC 3464 bounces over IMAP where a mailbox names its IMAP
/// server (<see cref="ReplyReader"/>). Daily caps and business-hours windows are Outreach's.
/// </summary>
public sealed class EmailPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<EmailSettings>();
        services.AddSingleton<SmtpSender>();
        services.AddSingleton<IOutboundChannel, EmailChannel>();
        // Replies and bounces are read only where a mailbox names its IMAP server.
        if (context.Configuration.GetSection("Mailboxes").GetChildren().Any(m => !string.IsNullOrWhiteSpace(m["ImapHost"])))
            services.AddSingleton<IChannelEventSource, ReplyReader>();
    }
}

/// <summary>How to reach one mailbox's SMTP server.</summary>
public sealed class MailboxSettings
{
    /// <summary>The mailbox's address, used as the sender (<c>jeanne.martin@example.fr</c>).</summary>
    public string? Address { get; set; }

    /// <summary>The name recipients see; the step's own display name wins.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The SMTP server's host name.</summary>
    public string? Host { get; set; }

    /// <summary>The SMTP port: 587 (STARTTLS) by default.</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c> (port 465), or <c>None</c> (a local relay only).</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>The login; none: no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password or app password. A secret.</summary>
    public string? Password { get; set; }

    /// <summary>The IMAP server read for replies and bounces; none: this mailbox is not read.</summary>
    public string? ImapHost { get; set; }

    /// <summary>The IMAP port: 993 (implicit TLS) by default.</summary>
    public int ImapPort { get; set; } = 993;

    /// <summary><c>SslOnConnect</c> (default, port 993), <c>StartTls</c> (port 143), or <c>None</c> (a local server only).</summary>
    public string ImapSecurity { get; set; } = "SslOnConnect";

    /// <summary>The IMAP login; none: <see cref="UserName"/>.</summary>
    public string? ImapUserName { get; set; }

    /// <summary>The IMAP password; none: <see cref="Password"/>. A secret.</summary>
    public string? ImapPassword { get; set; }

    /// <summary>The folder read (read-only): <c>INBOX</c> by default.</summary>
    public string ImapFolder { get; set; } = "INBOX";
}

/// <summary>Settings under <c>Tandem:Plugins:email</c>: the mailboxes by name (<c>Mailboxes:jeanne:Host</c>…) and the
/// one used when a step names no sender.</summary>
public sealed class EmailSettings : IPluginSettings
{
    /// <summary>The mailboxes, by a name of the administrator's choosing.</summary>
    public Dictionary<string, MailboxSettings> Mailboxes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name of the mailbox used when a step's sender matches none; default: the only one.</summary>
    public string? DefaultMailbox { get; set; }

    /// <summary>How often the mailboxes with an IMAP server are read, in seconds (default 60; the host polls every 10 s
    /// at most often).</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>The mailbox for a sender address, else the default one.</summary>
    public MailboxSettings? For(string? from) =>
        (from is null ? null : Mailboxes.Values.FirstOrDefault(m => string.Equals(m.Address, from, StringComparison.OrdinalIgnoreCase)))
        ?? (DefaultMailbox is not null && Mailboxes.TryGetValue(DefaultMailbox, out var byName) ? byName : Mailboxes.Count == 1 ? Mailboxes.Values.First() : null);

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Mailboxes.Count == 0)
        {
            yield return "Mailboxes is required: at least one mailbox (Mailboxes:<name>:Address, Host, Port, UserName, Password).";
            yield break;
        }
        foreach (var (name, mailbox) in Mailboxes)
        {
            if (string.IsNullOrWhiteSpace(mailbox.Address) || !mailbox.Address.Contains('@', StringComparison.Ordinal))
                yield return $"Mailboxes:{name}:Address is required (the sender's e-mail address).";
            if (string.IsNullOrWhiteSpace(mailbox.Host)) yield return $"Mailboxes:{name}:Host is required (the SMTP server).";
            if (mailbox.Port is < 1 or > 65535) yield return $"Mailboxes:{name}:Port must be between 1 and 65535.";
            if (mailbox.Security is not ("StartTls" or "SslOnConnect" or "None"))
                yield return $"Mailboxes:{name}:Security must be StartTls, SslOnConnect or None.";
            if (!string.IsNullOrEmpty(mailbox.UserName) && string.IsNullOrEmpty(mailbox.Password))
                yield return $"Mailboxes:{name}:Password is required when UserName is set.";
            if (string.IsNullOrWhiteSpace(mailbox.ImapHost)) continue;
            if (mailbox.ImapPort is < 1 or > 65535) yield return $"Mailboxes:{name}:ImapPort must be between 1 and 65535.";
            if (mailbox.ImapSecurity is not ("StartTls" or "SslOnConnect" or "None"))
                yield return $"Mailboxes:{name}:ImapSecurity must be SslOnConnect, StartTls or None.";
            if (string.IsNullOrEmpty(mailbox.ImapUserName ?? mailbox.UserName) || string.IsNullOrEmpty(mailbox.ImapPassword ?? mailbox.Password))
                yield return $"Mailboxes:{name}:ImapUserName and ImapPassword (or UserName and Password) are required to read {name}'s replies.";
            if (string.IsNullOrWhiteSpace(mailbox.ImapFolder)) yield return $"Mailboxes:{name}:ImapFolder must not be empty.";
        }
        if (DefaultMailbox is not null && !Mailboxes.ContainsKey(DefaultMailbox))
            yield return $"DefaultMailbox '{DefaultMailbox}' is not one of the Mailboxes.";
        if (PollSeconds is < 1 or > 86400) yield return "PollSeconds must be between 1 and 86400.";
        if (DefaultMailbox is null && Mailboxes.Count > 1)
            yield return "DefaultMailbox is required when there are several mailboxes.";
    }
}
