using Tandem.Host.Messaging;

namespace Tandem.Messaging.Tests;

/// <summary>
/// Sends of one DI scope run one at a time (a web page's circuit scope shares one DbContext per module); a send made
/// from inside a handler, in the same async flow, is not made to wait for itself.
/// </summary>
public sealed class ScopeGateTests
{
    [Fact]
    public async Task A_second_send_of_the_same_scope_waits_until_the_first_is_done()
    {
        var gate = new ScopeGate();
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = false;

        var first = gate.RunAsync(async () =>
        {
            firstRunning.SetResult();
            await releaseFirst.Task;
            return 1;
        }, CancellationToken.None).AsTask();
        await firstRunning.Task;
        var second = gate.RunAsync(() =>
        {
            secondStarted = true;
            return ValueTask.FromResult(2);
        }, CancellationToken.None).AsTask();

        // The second is queued behind the first: it has not run, and it would not while the first holds the scope.
        await Task.Yield();
        Assert.False(second.IsCompleted);
        Assert.False(secondStarted);
        releaseFirst.SetResult();
        Assert.Equal((1, 2), (await first, await second));
        Assert.True(secondStarted);
    }

    [Fact]
    public async Task A_send_from_inside_a_handler_passes_through_and_another_scope_never_waits()
    {
        var gate = new ScopeGate();
        var other = new ScopeGate();
        var nested = await gate.RunAsync(async () =>
        {
            var inner = await gate.RunAsync(() => ValueTask.FromResult(41), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var elsewhere = await other.RunAsync(() => ValueTask.FromResult(1), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return inner + elsewhere;
        }, CancellationToken.None);
        Assert.Equal(42, nested);
    }
}
