using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Tandem.Plugins.Tests.Infrastructure;

/// <summary>
/// A real Dovecot IMAP server (Debian's <c>dovecot-imapd</c>) on a free 127.0.0.1 port, started from a configuration
/// generated in a temporary folder: plain-text login allowed (loopback only, no TLS), one user in a passwd-file, Maildir
/// storage in the same folder. Messages are delivered into the user's INBOX with IMAP APPEND, as a delivery agent would.
/// Shared between test projects (linked source).
/// </summary>
internal sealed class Dovecot : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dovecot";
    public const string User = "jeanne";
    public const string Password = "imap-test-password";

    private readonly Process _process;
    private readonly string _root;

    private Dovecot(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Why Dovecot cannot run here (null: it can): tests skip with this reason.</summary>
    public static string? Missing => File.Exists(Binary)
        ? null
        : $"{Binary} is not installed (apt-get install -y dovecot-imapd; .ci/run installs it).";

    public static async Task<Dovecot> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "tandem-dovecot", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        foreach (var sub in new[] { "run", "state", "mail" }) Directory.CreateDirectory(Path.Combine(root, sub));
        var port = FreePort();

        // As root, mail is kept under Dovecot's own unprivileged user (Dovecot refuses mail access as root); otherwise
        // everything runs as the current user.
        var root0 = Environment.UserName == "root";
        var (mailUser, uid, gid) = root0 ? ("dovecot", Id("-u", "dovecot"), Id("-g", "dovecot")) : (Environment.UserName, Id("-u", null), Id("-g", null));
        var home = Path.Combine(root, "mail", User);
        File.WriteAllText(Path.Combine(root, "passwd"), $"{User}:{{PLAIN}}{Password}:{uid}:{gid}::{home}\n");
        var config = $$"""
            first_valid_uid = 1
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{root}}/run
            state_dir = {{root}}/state
            log_path = {{root}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            {{(root0 ? "" : $"default_internal_user = {mailUser}\ndefault_login_user = {mailUser}\n")}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{root}}/passwd
            }
            userdb {
              driver = passwd-file
              args = username_format=%u {{root}}/passwd
            }
            mail_location = maildir:~/Maildir
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
              chroot =
            }
            service anvil {
              chroot =
            }
            """;
        var configPath = Path.Combine(root, "dovecot.conf");
        File.WriteAllText(configPath, config);
        if (root0)
        {
            Run("chown", "-R", $"{uid}:{gid}", Path.Combine(root, "mail"));
            Run("chmod", "755", root);
        }

        var process = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", configPath])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("dovecot did not start.");
        var dovecot = new Dovecot(process, root, port);

        // Ready when it accepts connections (no sleeping: poll with a deadline).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"dovecot exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()} {dovecot.Log()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return dovecot;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Delivers a message into the user's INBOX.</summary>
    public async Task DeliverAsync(MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        await client.Inbox.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>Dovecot's log, to explain a failure.</summary>
    public string Log()
    {
        var path = Path.Combine(_root, "dovecot.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string Id(string what, string? user) => Run("id", user is null ? [what] : [what, user]).Trim();

    private static string Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}).");
    }
}
