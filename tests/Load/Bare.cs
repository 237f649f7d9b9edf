using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Tandem.Load;

/// <summary>
/// The yardstick of <c>scripts/measure-floors.sh</c>: the least a form submission can cost on this machine, with the same
/// client, the same requests and the same answer shape as the host. <c>--mode http</c> reads the JSON body and answers
/// 201 with two ids (Kestrel, routing and JSON, nothing else); <c>--mode sqlite</c> also stores the submission durably
/// (WAL, <c>synchronous=FULL</c>) through one writer that commits whatever queued while the previous commit was on its way
/// to the disk, with one prepared insert, and answers after the commit: the host's group commit with nothing around it.
/// </summary>
internal static class Bare
{
    public static async Task<int> RunAsync(Options options)
    {
        var mode = options.Get("--mode") ?? "http";
        if (mode is not ("http" or "sqlite")) throw new UsageException("--mode takes http or sqlite");
        var url = options.Required("--url");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var app = builder.Build();
        using var writer = mode == "sqlite" ? new Writer(Path.Combine(options.Required("--dir"), "bare.db")) : null;
        app.MapPost("/f/{formId}", async (string formId, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("email", out _))
                return Microsoft.AspNetCore.Http.Results.BadRequest();
            var id = Guid.CreateVersion7().ToString("N");
            if (writer is not null) await writer.StoreAsync(id, formId, body.RootElement.GetRawText());
            return Microsoft.AspNetCore.Http.Results.Json(new Answer(id, Guid.CreateVersion7().ToString("N")), BareJson.Default.Answer, statusCode: 201);
        });
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"bare ({mode}): pid {Environment.ProcessId} on {url}"));
        await app.RunAsync(); // until SIGTERM or Ctrl-C
        return 0;
    }

    internal sealed record Answer(string SubmissionId, string LeadId);

    /// <summary>One connection, one prepared insert, one transaction for whatever is queued: group commit, bare.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly Channel<(string Id, string Form, string Payload, TaskCompletionSource Done)> _queue =
            Channel.CreateUnbounded<(string, string, string, TaskCompletionSource)>(new() { SingleReader = true });
        private readonly SqliteConnection _connection;
        private readonly Task _loop;

        public Writer(string file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
            _connection = new SqliteConnection($"Data Source={file};Pooling=False");
            _connection.Open();
            using var setup = _connection.CreateCommand();
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                + "CREATE TABLE Submissions (Id TEXT PRIMARY KEY, FormId TEXT NOT NULL, Payload TEXT NOT NULL, At INTEGER NOT NULL);"
                + "CREATE INDEX IX_Submissions_FormId_At ON Submissions (FormId, At);";
            setup.ExecuteNonQuery();
            _loop = Task.Run(LoopAsync);
        }

        public Task StoreAsync(string id, string form, string payload)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite((id, form, payload, done))) throw new ObjectDisposedException(nameof(Writer));
            return done.Task;
        }

        private async Task LoopAsync()
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO Submissions (Id, FormId, Payload, At) VALUES ($id, $form, $payload, $at)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var form = insert.Parameters.Add("$form", SqliteType.Text);
            var payload = insert.Parameters.Add("$payload", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var waiting = new List<TaskCompletionSource>();
            while (await _queue.Reader.WaitToReadAsync())
            {
                using (var transaction = _connection.BeginTransaction())
                {
                    insert.Transaction = transaction;
                    while (waiting.Count < 256 && _queue.Reader.TryRead(out var item))
                    {
                        (id.Value, form.Value, payload.Value, at.Value) = (item.Id, item.Form, item.Payload, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                        insert.ExecuteNonQuery();
                        waiting.Add(item.Done);
                    }
                    transaction.Commit();
                }
                foreach (var done in waiting) done.SetResult();
                waiting.Clear();
            }
        }

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            _loop.Wait(TimeSpan.FromSeconds(10));
            _connection.Dispose();
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Bare.Answer))]
internal sealed partial class BareJson : JsonSerializerContext;
