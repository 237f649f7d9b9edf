using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Modules.Outreach.Contracts;

namespace Tandem.Modules.Outreach;

internal static class OutreachEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/sequences", async (DefineSequence command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created($"/api/outreach/sequences/{created.Id}", created);
        }).WithName("DefineSequence").WithSummary("Define a sequence of email, call, LinkedIn and task steps with waits and branches");
        api.MapGet("/sequences", async (int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new ListSequences(page ?? 1, pageSize ?? 25), ct))).WithName("ListSequences").WithSummary("The sequences, newest first");
        api.MapGet("/sequences/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetSequence(id), ct)))
            .WithName("GetSequence").WithSummary("One sequence with its steps, branches and A/B variants");

        api.MapPost("/enrollments", async (EnrolProspect command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created($"/api/outreach/enrollments/{created.Id}", created);
        }).WithName("EnrolProspect").WithSummary("Enrol a prospect in a sequence (one active sequence per prospect)");
        api.MapGet("/enrollments/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetEnrollment(id), ct)))
            .WithName("GetEnrollment").WithSummary("One enrolment in a sequence with the status of each step");
        api.MapPost("/enrollments/{id}/stop", async (string id, StopBody? body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new StopEnrollment(id, body?.Reason), ct))).WithName("StopEnrollment").WithSummary("Stop an enrolment by hand");

        api.MapGet("/tasks", async (string? owner, DateTimeOffset? due, string? prospectId, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new ListTasks(owner, due, prospectId, page ?? 1, pageSize ?? 50), ct)))
            .WithName("ListTasks").WithSummary("The rep's day: open tasks by priority (fit × engagement × due) with their context");
        api.MapPost("/tasks/{id}/complete", async (string id, CompleteBody body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new CompleteTask(id, body.Outcome!, body.Notes), ct)))
            .WithName("CompleteTask").WithSummary("Complete a task with its outcome: advances, branches or stops the sequence");
        api.MapPost("/tasks/{id}/call", async (string id, CallBody? body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new PlaceTaskCall(id, body?.RepPhone), ct)))
            .WithName("PlaceTaskCall").WithSummary("Click-to-call: place the open call task's call through the telephony plugin, if the compliance policy allows a call now");

        api.MapPost("/activities", async (LogActivity command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created($"/api/outreach/activities/{created.Id}", created);
        }).WithName("LogActivity").WithSummary("Log a touch made outside Tandem or earlier");

        api.MapPost("/compliance/check", async (CheckContact query, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(query, ct)))
            .WithName("CheckContact").WithSummary("May this person be contacted on this channel at this time? The scheduler's own decision");
        api.MapPost("/templates/preview", async (PreviewTemplate query, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(query, ct)))
            .WithName("PreviewTemplate").WithSummary("Render an email template for a prospect or a sample person");
        api.MapGet("/numbers", async (DateTimeOffset from, DateTimeOffset to, string? owner, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new GetOutboundNumbers(from, to, owner), ct)))
            .WithName("GetOutboundNumbers").WithSummary("Prospects, calls, emails, replies, meetings, won and lost in a period");

        api.MapPost("/meetings", async (LogMeeting command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created($"/api/outreach/meetings/{created.Id}", created);
        }).WithName("LogMeeting").WithSummary("Log a meeting booked on the phone: stops the sequence, moves the prospect to decision");
        api.MapGet("/meetings/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetMeeting(id), ct)))
            .WithName("GetMeeting").WithSummary("One meeting");
        api.MapPost("/meetings/{id}/no-show", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new RecordNoShow(id), ct)))
            .WithName("RecordNoShow").WithSummary("The person did not come to the meeting");
        api.MapGet("/meetings/{id}/invitation.ics", async (string id, ISender sender, Meetings.BookingSettingsReader settings,
                Data.OutreachDbContext db, CancellationToken ct) =>
            {
                await sender.Send(new GetMeeting(id), ct);
                var meeting = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(
                    System.Linq.Queryable.Where(db.Set<Meetings.Meeting>(), m => m.Id == id), ct);
                return await Meetings.BookingPage.IcsAsync(meeting, settings, ct);
            })
            .WithName("GetMeetingInvitation").WithSummary("The meeting's iCalendar invitation (.ics)");
        api.MapGet("/booking-link", (string owner, string prospectId, Meetings.BookingLinks links) =>
                Results.Ok(new { url = links.PageFor(owner, prospectId).ToString() }))
            .WithName("GetBookingLink").WithSummary("The owner's booking page link for a prospect (for emails and tasks)");

        api.MapGet("/channels", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetAvailableChannels(), ct)))
            .WithName("GetAvailableChannels").WithSummary("Outbound channels provided by the loaded plugins");
    }

    internal sealed record StopBody(string? Reason);
    internal sealed record CompleteBody(string? Outcome, string? Notes);
    internal sealed record CallBody(string? RepPhone);
}
