using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mediator;
using Tandem.Host.Composition;
using Tandem.Modules.Leads.Contracts;

namespace Tandem.Host;

/// <summary><c>tandem import leads FILE</c>: the same import as <c>POST /api/leads/imports</c>, run here with a progress bar.</summary>
internal static partial class Cli
{
    private static Command ImportCommands()
    {
        var file = new Argument<FileInfo>("file") { Description = "The CSV file (';' or ',', UTF-8 with or without BOM, or Windows-1252: detected)." };
        var source = new Option<string>("--source") { Description = "The channel recorded as every row's source (default: import).", DefaultValueFactory = _ => "import" };
        source.AcceptOnlyFromAmong([.. LeadChannel.All]);
        var kind = new Option<string>("--kind") { Description = "consumer (default) or professional, for rows that do not say.", DefaultValueFactory = _ => LeadKind.Consumer };
        kind.AcceptOnlyFromAmong([.. LeadKind.All]);
        var leads = new Command("leads", "Import leads from a CSV file: normalised, deduplicated (merged by email or phone), per-row errors listed. " +
            "An interrupted import is resumed by the running host (or the next run) from its last committed row.") { file, source, kind };
        Configurable(leads, (parse, rest, ct) => WithApp(rest, async app =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"No such file: {path.FullName}");
                return 1;
            }
            await app.Services.GetRequiredService<StartupTasks>().MigrateAsync(ct);
            return await ImportLeadsAsync(app, path, parse.GetValue(source)!, parse.GetValue(kind)!, ct);
        }));
        return new Command("import", "Import data from files.") { leads };
    }

    private static async Task<int> ImportLeadsAsync(WebApplication app, FileInfo file, string source, string kind, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // The import owns a staged copy (it deletes it when done), as with an upload: the user's file is left alone.
        var staging = Path.GetFullPath(Path.Combine(app.Configuration["Tandem:DataDirectory"] ?? "data", "imports"));
        Directory.CreateDirectory(staging);
        var staged = Path.Combine(staging, Guid.CreateVersion7().ToString("N") + ".csv");
        File.Copy(file.FullName, staged);

        await using var scope = app.Services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var started = await sender.Send(new StartLeadImport(staged, file.Name, source, kind), ct);
        var estimate = started.EstimatedRows;
        Console.WriteLine($"Import {started.Id}: {file.Name} ({file.Length / 1024.0 / 1024.0:F1} MB, about {estimate:N0} rows)");

        var running = Task.Run(async () =>
        {
            await using var runScope = app.Services.CreateAsyncScope();
            return await runScope.ServiceProvider.GetRequiredService<ISender>().Send(new RunLeadImport(started.Id), ct);
        }, ct);
        var interactive = !Console.IsOutputRedirected;
        LeadImportState state;
        var ranHere = false;
        while (true)
        {
            if (!running.IsCompleted) await Task.WhenAny(running, Task.Delay(250, ct));
            else await Task.Delay(250, ct);
            await using (var poll = app.Services.CreateAsyncScope())
                state = await poll.ServiceProvider.GetRequiredService<ISender>().Send(new GetLeadImport(started.Id), ct);
            if (interactive) Console.Write("\r" + Bar(state, estimate, clock.Elapsed));
            if (!running.IsCompleted) continue;
            ranHere = await running;
            // A running host may have claimed the import first: then it is followed until it ends.
            if (ranHere || state.Status is ImportStatus.Completed or ImportStatus.Failed) break;
        }
        if (interactive) Console.WriteLine();
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{state.Status}: {state.Rows:N0} rows ({state.Created:N0} created, {state.Merged:N0} merged, {state.Rejected:N0} rejected) in {seconds:F1} s, " +
            $"{state.Rows / seconds:N0} rows/s, peak RSS {peak:N0} MB; encoding {state.Encoding}, delimiter '{state.Delimiter}'"));
        foreach (var error in state.Errors.Take(20)) Console.WriteLine($"  row {error.Row}: {error.Message}");
        if (state.ErrorCount > 20) Console.WriteLine($"  … and {state.ErrorCount - 20:N0} more (GET /api/leads/imports/{state.Id})");
        if (state.Failure is not null) await Console.Error.WriteLineAsync(state.Failure);
        return state.Status == ImportStatus.Completed ? 0 : 1;
    }

    private static string Bar(LeadImportState state, long estimate, TimeSpan elapsed)
    {
        const int Width = 30;
        var fraction = state.Status == ImportStatus.Completed ? 1 : estimate == 0 ? 0 : Math.Min(0.99, state.Rows / (double)estimate);
        var filled = (int)(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {state.Rows,12:N0} rows  {elapsed.TotalSeconds,6:F1} s ");
    }
}
