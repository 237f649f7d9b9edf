using Mediator;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Web.Components.Prospects;

/// <summary>What the call button needs from Outreach's Contracts (docs/ui.md, "Click-to-call").</summary>
internal static class CallActions
{
    /// <summary>
    /// Outreach's verdict for a call now (when <paramref name="checkVerdict"/>) and whether a plugin offers the <c>call</c>
    /// channel. Outreach switched off: no verdict, no telephony (a tel: link).
    /// </summary>
    public static async Task<(ContactCheck? Verdict, bool Telephony)> CallContextAsync(ISender sender, string? prospectId, bool checkVerdict)
    {
        try
        {
            var telephony = (await sender.Send(new GetAvailableChannels())).Contains("call");
            var verdict = checkVerdict && prospectId is not null ? await sender.Send(new CheckContact(prospectId, null, "call", null)) : null;
            return (verdict, telephony);
        }
        catch (ModuleDisabledException)
        {
            return (null, false);
        }
    }

    /// <summary>Places the task's call through Outreach; a refusal of the request itself (the task done meanwhile) reads as a failure.</summary>
    public static async Task<TaskCallPlaced> PlaceAsync(ISender sender, string taskId)
    {
        try
        {
            return await sender.Send(new PlaceTaskCall(taskId));
        }
        catch (TandemProblemException e)
        {
            return new TaskCallPlaced(TaskCallOutcomes.Failed,
                e is ValidationFailedException v ? string.Join("; ", v.Errors.SelectMany(x => x.Value)) : e.Message, null, null);
        }
    }
}
