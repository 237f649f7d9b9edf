using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Tandem.Host.Composition;

/// <summary>
/// Makes <c>/openapi/v1.json</c> tell the truth in one place rather than per endpoint: the Bearer key and which
/// operations need it (none for the public ones), and the problem answers (RFC 9457) every operation can give, derived
/// from what the host knows of it (authorization and role policies, body, query and route parameters, rate limiting).
/// Linted in CI with Redocly CLI's recommended rules (see docs/testing.md).
/// </summary>
internal static class OpenApiDocumentation
{
    public const string SecuritySchemeName = "ApiKey";
    private const string ProblemSchemaName = "ProblemDetails";
    private const string ProblemContentType = "application/problem+json";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Platform"] = "The host itself: modules, plugins and API keys.",
        ["Content"] = "Marketing content: campaigns, gated assets, forms, landing pages and their public pages and form posts.",
        ["Leads"] = "One record per person: capture (deduplicated), sources, consents and the shared MQL score.",
        ["Prospects"] = "Qualified leads checked against the ICP, with an owner and a buying-journey stage.",
        ["Outreach"] = "Sequences, rep tasks and the outbound channels the plugins provide.",
        ["Plugins"] = "Webhooks that plugins declare, mounted under /hooks; each checks its provider's signature.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(TransformDocumentAsync);
        options.AddOperationTransformer(TransformOperationAsync);
    }

    private static Task TransformDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Tandem API";
        document.Info.Description =
            "Customer acquisition in one binary. Everything under /api needs 'Authorization: Bearer <api key>' " +
            "(tandem apikey create --name N --role admin|marketing|sales); the public pages, form posts, webhooks and health " +
            "checks need none. Every error is RFC 9457 application/problem+json with a stable type (https://tandem.dev/problems/{name}).";
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (tdm_…), sent as 'Authorization: Bearer <key>'. Admins list and revoke keys with GET/DELETE /api/keys.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchemaName))
            document.Components.Schemas[ProblemSchemaName] = ProblemSchema();

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            if (tag.Name is not null && TagDescriptions.TryGetValue(tag.Name, out var description)) tag.Description = description;
        return Task.CompletedTask;
    }

    private static Task TransformOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var needsKey = authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any();

        if (needsKey)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] }];
            AddProblem(operation, context, 401, "No API key, or one that is unknown or revoked (types unauthorized, invalid-api-key).");
            if (authorize.Any(a => a.Policy is not null && a.Policy != "api"))
                AddProblem(operation, context, 403, "The key's role may not do this (type forbidden).");
            AddProblem(operation, context, 429, "Too many failed authentications from this address (type rate-limited, with Retry-After).");
        }
        else
        {
            // Explicitly public: an empty requirement means that no credentials are needed.
            operation.Security = [new OpenApiSecurityRequirement()];
        }

        var parameters = description.ParameterDescriptions;
        if (operation.RequestBody is not null || parameters.Any(p => p.Source == BindingSource.Body || p.Source == BindingSource.Form))
        {
            AddProblem(operation, context, 400, "The body could not be read or breaks a rule (types bad-request, validation with errors per field).");
            AddProblem(operation, context, 413, "The body is too large (type payload-too-large).");
            AddProblem(operation, context, 415, "The body is not in a supported content type (type unsupported-media-type).");
        }
        else if (parameters.Any(p => p.Source == BindingSource.Query))
        {
            AddProblem(operation, context, 400, "A query parameter is not valid (type validation, with errors per field).");
        }
        if (parameters.Any(p => p.Source == BindingSource.Path))
            AddProblem(operation, context, 404, "Nothing has this id (type not-found).");
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
            AddProblem(operation, context, 429, "Too many requests from this address (type rate-limited, with Retry-After).");
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        operation.Responses ??= new OpenApiResponses();
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(code)) return; // declared by the endpoint itself
        operation.Responses[code] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaName, context.Document) },
            },
        };
    }

    /// <summary>RFC 9457 problem details as Tandem writes them (used when no endpoint declared its own).</summary>
    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. 'type' is stable (https://tandem.dev/problems/{name}); validation problems add 'errors' per field.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
