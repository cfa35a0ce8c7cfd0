using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>Every route the server maps, as "METHOD pattern": what the tenancy sweep and the role
/// matrix hold their tables against, so a new endpoint without a row fails both.</summary>
public static class MappedRoutes
{
    public static List<string> Of(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Distinct()
            .ToList();
}
