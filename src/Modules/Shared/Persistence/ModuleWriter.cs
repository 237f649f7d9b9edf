using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Tandem.Modules.Shared.Persistence;

/// <summary><c>Tandem:Database:GroupCommit:*</c> settings.</summary>
/// <param name="Enabled">Route every module write through the module's one writer (default on).</param>
/// <param name="MaxBatch">At most this many callers' writes in one transaction.</param>
/// <param name="PreparedWrites">
/// SQLite: a save that adds rows, or updates columns no key and no unique index reads, runs statements prepared once on
/// the writer's connection instead of EF Core's update pipeline (<see cref="Persistence.PreparedWrites"/>; default on).
/// </param>
/// <param name="RideWithinMs">
/// How long work that rides along (<see cref="ModuleWriter.RideAsync{T}"/>: outbox messages marked processed) waits for
/// another caller's transaction to join before it commits on its own (default 100 ms).
/// </param>
public sealed record GroupCommitOptions(bool Enabled, int MaxBatch, bool PreparedWrites = true, int RideWithinMs = 100)
{
    public static GroupCommitOptions From(IConfiguration configuration) => new(
        configuration.GetValue("Tandem:Database:GroupCommit:Enabled", true),
        Math.Max(1, configuration.GetValue("Tandem:Database:GroupCommit:MaxBatch", 256)),
        configuration.GetValue("Tandem:Database:GroupCommit:PreparedWrites", true),
        Math.Max(0, configuration.GetValue("Tandem:Database:GroupCommit:RideWithinMs", 100)));
}

/// <summary>
/// The one writer of a module database (group commit). Callers hand it work — a DbContext's <c>SaveChanges</c>, a bulk
/// statement — and wait; the writer takes everything queued, runs each piece inside one transaction on its own
/// connection, each behind a savepoint, commits once (one fsync for all of them) and only then answers each caller.
/// A piece that fails (a unique key, a check) is rolled back to its savepoint and only its caller gets the error; the
/// others commit. SQLite allows one writer at a time anyway: callers no longer queue on its file lock, and the cost of
/// a durable commit is shared by everyone who arrived while the previous one was on its way to the disk.
/// </summary>
public sealed class ModuleWriter : IAsyncDisposable
{
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<WriteItem> _riders = new();
    private int _rideTimer;
    private readonly Func<DbConnection> _connect;
    private readonly Action<DbConnection>? _prepare;
    private readonly GroupCommitOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private DbConnection? _connection;
    private readonly KeyValuePair<string, object?> _moduleTag;
    private readonly PipelineMetrics? _metrics;

    /// <param name="module">The module whose database this is.</param>
    /// <param name="connect">Creates a (closed) connection to the module's database.</param>
    /// <param name="prepare">Run once on the writer's own connection after it opens (SQLite pragmas).</param>
    /// <param name="options">Batch limits.</param>
    /// <param name="logger">Where a failed group commit is reported.</param>
    /// <param name="metrics">Where commits are counted (<c>Tandem.Pipeline</c>); none when null.</param>
    public ModuleWriter(string module, Func<DbConnection> connect, Action<DbConnection>? prepare, GroupCommitOptions options, ILogger logger,
        PipelineMetrics? metrics = null)
    {
        _metrics = metrics;
        Module = module;
        _moduleTag = PipelineMetrics.Module(module);
        _connect = connect;
        using (var probe = connect()) _preparedWrites = options.PreparedWrites && probe is Microsoft.Data.Sqlite.SqliteConnection;
        _prepare = prepare;
        _options = options;
        _logger = logger;
    }

    /// <summary>The module whose database this writer owns.</summary>
    public string Module { get; }

    /// <summary>Whether a save may use <see cref="Persistence.PreparedWrites"/>: the setting is on and the database is SQLite.</summary>
    internal bool PreparedWrites => _preparedWrites;

    private readonly bool _preparedWrites;

    /// <summary>
    /// Commands prepared on the writer's current connection, by key (an insert per entity type, an update per entity type
    /// and set of columns): SQLite parses a statement
    /// once, then each use only binds and steps it. They go with the connection (<see cref="ResetConnectionAsync"/>).
    /// </summary>
    private readonly Dictionary<object, DbCommand> _commands = [];

    /// <summary>How many prepared commands the writer's connection holds (for tests).</summary>
    internal int PreparedCommands => _commands.Count;

    /// <summary>The command kept for <paramref name="key"/> on the writer's connection, made by <paramref name="create"/> the first time.</summary>
    internal DbCommand Command(object key, Func<DbConnection, DbCommand> create)
    {
        if (!_commands.TryGetValue(key, out var command))
        {
            command = create(_connection ?? throw new InvalidOperationException("Only inside the writer's work."));
            _commands[key] = command;
        }
        return command;
    }

    /// <summary>Batches committed so far, and the callers served in them (for tests and the load command).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items committed so far.</summary>
    public long Items => Interlocked.Read(ref _items);

    private long _batches;
    private long _items;

    /// <summary>
    /// Fault injection for tests: runs after a batch is committed, before its callers are answered. When it throws, every
    /// caller of that batch gets the error although its write is durable — what a caller sees when the process dies
    /// between the commit and the answers.
    /// </summary>
    internal Func<ValueTask>? AfterCommit { get; set; }

    /// <summary>A connection like the writer's, for a context given back its own connection after a write.</summary>
    internal DbConnection NewConnection() => _connect();

    /// <summary>
    /// Runs <paramref name="work"/> inside the next group transaction with <paramref name="context"/> pointed at the writer's
    /// connection and transaction; completes after the transaction is durably committed. The caller must not use the
    /// context until this completes. Cancelling only helps while the work still waits in the queue.
    /// </summary>
    public Task<T> RunAsync<T>(ModuleDbContext context, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        var item = new WriteItem<T>(this, context, work, cancellationToken);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(ModuleWriter), $"The {Module} writer is stopped.");
        return item.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's own connection inside the next group transaction (behind its savepoint,
    /// like a save), without pointing a context at it; completes after the durable commit.
    /// </summary>
    /// <param name="rows">How many rows the work writes, when known: the heaviest piece of a transaction runs first.</param>
    internal Task<T> RunOnConnectionAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, T> work, CancellationToken cancellationToken, int rows = 0)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        var item = new ConnectionItem<T>(work, cancellationToken, rows);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(ModuleWriter), $"The {Module} writer is stopped.");
        return item.Task;
    }

    /// <summary>
    /// Work nobody waits on to be durable at once (outbox messages marked processed, whose loss only means a redelivery the
    /// inboxes absorb): it does not wake the writer, but joins the next transaction the writer commits for someone else,
    /// after their pieces and behind its own savepoint. When nothing else comes within <c>RideWithinMs</c>, or someone
    /// calls <see cref="Nudge"/>, it commits on its own. Completes after the commit it rode in.
    /// </summary>
    internal Task<T> RideAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, T> work)
    {
        EnsureStarted();
        var item = new ConnectionItem<T>(work, CancellationToken.None, rows: 0);
        _riders.Enqueue(item);
        if (_options.RideWithinMs == 0) Nudge();
        else if (Interlocked.Exchange(ref _rideTimer, 1) == 0) _ = WakeRidersLaterAsync();
        return item.Task;
    }

    /// <summary>Commits what rides now, without waiting for other work (a caller that waits for its marks).</summary>
    internal void Nudge()
    {
        if (!_riders.IsEmpty) _queue.Writer.TryWrite(Wake.Instance);
    }

    private async Task WakeRidersLaterAsync()
    {
        // Real time, not the application's clock: a frozen test clock must not hold marks back forever.
        try { await Task.Delay(_options.RideWithinMs, _stopping.Token); }
        catch (OperationCanceledException) { return; }
        // A rider queued from here on arms the next timer; one queued before is taken by this nudge.
        Volatile.Write(ref _rideTimer, 0);
        Nudge();
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startLock)
        {
            _loop ??= Task.Run(LoopAsync);
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<WriteItem>(_options.MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var item))
                {
                    if (item is Wake) continue;
                    if (item.CancellationRequested) item.Cancel();
                    else batch.Add(item);
                }
                TakeRiders(batch);
                if (batch.Count > 0) await CommitAsync(batch);
            }
            // Stopping: what still rides commits before the writer goes.
            batch.Clear();
            TakeRiders(batch);
            if (batch.Count > 0) await CommitAsync(batch);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        var stopped = new ObjectDisposedException(nameof(ModuleWriter), $"The {Module} writer stopped before this write.");
        while (reader.TryRead(out var left)) left.Fail(stopped);
        while (_riders.TryDequeue(out var left)) left.Fail(stopped);
    }

    /// <summary>Work riding along goes after the callers' pieces (it has no rows to count, so it never runs first among them).</summary>
    private void TakeRiders(List<WriteItem> batch)
    {
        while (_riders.TryDequeue(out var rider)) batch.Add(rider);
    }

    private async Task CommitAsync(List<WriteItem> batch)
    {
        var stop = _stopping.Token;
        DbTransaction transaction;
        try
        {
            if (_connection is null)
            {
                var connection = _connect();
                await connection.OpenAsync(stop);
                _prepare?.Invoke(connection);
                _connection = connection;
            }
            transaction = await _connection.BeginTransactionAsync(stop);
        }
        catch (Exception ex)
        {
            foreach (var item in batch) item.Fail(ex);
            await ResetConnectionAsync();
            return;
        }

        // The heaviest piece first (the most rows, as far as known): the first piece of a transaction runs without a
        // savepoint, so SQLite journals none of the pages it changes (see below).
        var heaviest = 0;
        for (var i = 1; i < batch.Count; i++) if (batch[i].Rows > batch[heaviest].Rows) heaviest = i;
        if (heaviest > 0) (batch[0], batch[heaviest]) = (batch[heaviest], batch[0]);

        var done = new List<WriteItem>(batch.Count);
        // Failed items are answered after the commit too: a caller that retries (say, a capture that lost a race on a
        // unique email) then reads what its neighbours committed instead of racing them again.
        var failed = new List<(WriteItem Item, Exception Error)>();
        // Behind a savepoint, SQLite copies every page a piece changes for the first time into a journal (on disk past
        // 64 KiB: a temporary file per transaction), in case the piece is undone. The first piece of a transaction needs
        // none: undoing it is rolling the transaction back, which undoes nothing else. A failure there starts a new
        // transaction, whose first piece again runs without one.
        var first = true;
        try
        {
            foreach (var item in batch)
            {
                var guarded = !first;
                if (guarded)
                {
                    try
                    {
                        await transaction.SaveAsync("item", stop);
                    }
                    catch (Exception ex)
                    {
                        // The transaction itself is broken: nothing of this batch can commit.
                        FailAll(ex);
                        await ResetConnectionAsync();
                        return;
                    }
                }
                first = false;
                try
                {
                    await item.ExecuteAsync(_connection, transaction, stop);
                    if (guarded) await transaction.ReleaseAsync("item", stop);
                    done.Add(item);
                }
                catch (Exception ex)
                {
                    // Only this caller's work is undone; its neighbours go on.
                    try
                    {
                        if (guarded)
                        {
                            await transaction.RollbackAsync("item", stop);
                            await transaction.ReleaseAsync("item", stop);
                        }
                        else
                        {
                            await transaction.RollbackAsync(stop);
                            await transaction.DisposeAsync();
                            transaction = await _connection.BeginTransactionAsync(stop);
                            first = true;
                        }
                    }
                    catch (Exception rollback)
                    {
                        item.Fail(ex);
                        FailAll(rollback);
                        await ResetConnectionAsync();
                        return;
                    }
                    failed.Add((item, ex));
                }
            }
            try
            {
                await transaction.CommitAsync(stop);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Group commit of {Count} writes to {Module} failed; each caller gets the error", done.Count, Module);
                FailAll(ex);
                await ResetConnectionAsync();
                return;
            }
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, done.Count);
        _metrics?.GroupCommits.Add(1, _moduleTag);
        _metrics?.GroupCommitWrites.Add(done.Count, _moduleTag);
        if (AfterCommit is { } afterCommit)
        {
            try
            {
                await afterCommit();
            }
            catch (Exception ex)
            {
                FailAll(ex);
                return;
            }
        }
        // Durable now: answer every caller (continuations run asynchronously, never on this loop).
        foreach (var item in done) item.Complete();
        foreach (var (item, error) in failed) item.Fail(error);

        // Everyone not answered yet: the ones that failed alone with their own error, the rest with the given one.
        void FailAll(Exception error)
        {
            foreach (var (item, own) in failed) item.Fail(own);
            foreach (var rest in batch) if (!rest.IsCompleted) rest.Fail(error);
        }
    }

    private async ValueTask ResetConnectionAsync()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        if (_connection is null) return;
        try { await _connection.DisposeAsync(); } catch (Exception ex) { _logger.LogDebug(ex, "Closing the {Module} writer connection failed", Module); }
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        // Let what is queued commit, then stop.
        if (_loop is not null)
        {
            try { await _loop.WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { await _stopping.CancelAsync(); }
        }
        await _stopping.CancelAsync();
        await ResetConnectionAsync();
        _stopping.Dispose();
    }

    private abstract class WriteItem
    {
        /// <summary>How many rows the piece writes, when known (a prepared save); 0 otherwise. The heaviest goes first.</summary>
        public virtual int Rows => 0;
        public abstract bool CancellationRequested { get; }
        public abstract bool IsCompleted { get; }
        public abstract Task ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
        public abstract void Complete();
        public abstract void Fail(Exception exception);
        public abstract void Cancel();
    }

    /// <summary>Wakes the loop to commit what rides (<see cref="Nudge"/>); never part of a batch.</summary>
    private sealed class Wake : WriteItem
    {
        public static readonly Wake Instance = new();
        public override bool CancellationRequested => false;
        public override bool IsCompleted => true;
        public override Task ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Complete() { }
        public override void Fail(Exception exception) { }
        public override void Cancel() { }
    }

    /// <summary>A caller's write and the answer it waits for (its result after the commit, or the error).</summary>
    private abstract class Answered<T>(CancellationToken cancellationToken) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected T Result { get; set; } = default!;
        public Task<T> Task => _completion.Task;
        public override bool CancellationRequested => cancellationToken.IsCancellationRequested;
        public override bool IsCompleted => _completion.Task.IsCompleted;
        public override void Complete() => _completion.TrySetResult(Result);
        public override void Fail(Exception exception) => _completion.TrySetException(exception);
        public override void Cancel() => _completion.TrySetCanceled(cancellationToken);
    }

    /// <summary>Work on the writer's connection itself (<see cref="RunOnConnectionAsync{T}"/>).</summary>
    private sealed class ConnectionItem<T>(Func<DbConnection, DbTransaction, CancellationToken, T> work, CancellationToken cancellationToken, int rows)
        : Answered<T>(cancellationToken)
    {
        public override int Rows => rows;

        public override Task ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken stop)
        {
            Result = work(connection, transaction, stop);
            return System.Threading.Tasks.Task.CompletedTask;
        }
    }

    /// <summary>A context's work, with the context pointed at the writer's connection and transaction meanwhile.</summary>
    private sealed class WriteItem<T>(ModuleWriter writer, ModuleDbContext context, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        : Answered<T>(cancellationToken)
    {
        public override async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken stop)
        {
            var database = context.Database;
            var autoSavepoints = database.AutoSavepointsEnabled;
            database.SetDbConnection(connection, contextOwnsConnection: false);
            try
            {
                await database.UseTransactionAsync(transaction, stop);
                database.AutoSavepointsEnabled = false; // the writer already holds a savepoint for this item
                Result = await work(stop);
            }
            finally
            {
                database.AutoSavepointsEnabled = autoSavepoints;
                await database.UseTransactionAsync(null, CancellationToken.None);
                // The context gets a connection of its own again (the writer's one stays with the writer).
                database.SetDbConnection(writer.NewConnection(), contextOwnsConnection: true);
            }
        }
    }
}
