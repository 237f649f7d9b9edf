using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tandem.Modules.Shared.Modules;

public static class EndpointExtensions
{
    /// <summary>
    /// <c>POST pattern</c> with the command as JSON body, sent through the mediator (validation and all), answering
    /// 201 with the created thing and its <c>Location</c>.
    /// </summary>
    public static RouteHandlerBuilder MapCreate<TCommand, TCreated>(this IEndpointRouteBuilder api, string pattern, Func<TCreated, string> location)
        where TCommand : ICommand<TCreated> =>
        api.MapPost(pattern, async (TCommand command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created(location(created), created);
        }).Produces<TCreated>(StatusCodes.Status201Created);
}
