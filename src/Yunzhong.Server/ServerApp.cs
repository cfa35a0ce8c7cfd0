using Yunzhong.Server.Features.Audit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Yunzhong.Server.Features.Auth;
using Yunzhong.Server.Features.Compute;
using Yunzhong.Server.Features.Exports;
using Yunzhong.Server.Features.Health;
using Yunzhong.Server.Features.Imports;
using Yunzhong.Server.Features.Learning;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Organizations;
using Yunzhong.Server.Features.Workforce;
using Yunzhong.Server.Features.Park;
using Yunzhong.Server.Features.Projects;
using Yunzhong.Server.Features.Quality;
using Yunzhong.Server.Features.Queue;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Features.Reviews;
using Yunzhong.Server.Features.Stats;
using Yunzhong.Server.Features.Tasks;
using Yunzhong.Server.Features.Training;
using Yunzhong.Server.Security;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server;

/// <summary>Builds and starts the one Yunzhong server: JSON API, browser UI and background workers.</summary>
public static class ServerApp
{
    public static WebApplication Build(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = dataDir,
            // No watching appsettings files for changes: the watcher covers the content root, the data
            // directory, where the database's WAL changes with every batch; profiled, it took 6 % of the
            // server's CPU under load handling those change events.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (options.TrustedProxies.Count > 0)
        {
            // `yz serve --trust-proxy` adds to whatever Proxy:TrustedNetworks the configuration holds.
            builder.Configuration.AddInMemoryCollection(options.TrustedProxies.Select((n, i) =>
                KeyValuePair.Create($"{ProxyOptions.Section}:TrustedNetworks:{i + 1000}", (string?)n)));
        }
        if (options.ModelServerHosts.Count > 0)
        {
            // `yz serve --model-servers` adds to whatever ModelServers:AllowedHosts the configuration holds.
            builder.Configuration.AddInMemoryCollection(options.ModelServerHosts.Select((h, i) =>
                KeyValuePair.Create($"{ModelServerOptions.Section}:AllowedHosts:{i + 1000}", (string?)h)));
        }
        if (options.WebhookHosts.Count > 0)
        {
            // `yz serve --webhook-hosts` adds to whatever Webhooks:AllowedHosts the configuration holds.
            builder.Configuration.AddInMemoryCollection(options.WebhookHosts.Select((h, i) =>
                KeyValuePair.Create($"{Features.Webhooks.WebhookOptions.Section}:AllowedHosts:{i + 1000}", (string?)h)));
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Information);

        var s = builder.Services;
        s.AddSingleton(options);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(new Db(new DatabaseOptions { ConnectionString = options.ConnectionString }));
        s.AddSingleton(BlobStores.Create(options.Blobs, dataDir, options.S3Credentials));
        // Keys in the shared database, not a node's folder: a session signed in on one node is valid on all.
        s.AddDataProtection().SetApplicationName("yunzhong");
        s.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<Db>((o, db) => o.XmlRepository = new DbKeyRepository(db, Path.Combine(dataDir, "keys")));
        s.AddYunzhongAuth();
        LoginLimits.Add(s);
        s.AddYunzhongProxy();
        s.AddHealth();
        s.AddSingleton<Access>();
        s.AddSingleton<Seats>();
        s.AddOptions<ParkOptions>().BindConfiguration("Park").ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton<Accounts>();
        s.AddSingleton<MediaIndex>();
        s.AddSingleton<MediaStore>();
        s.AddOptions<ScrubOptions>().BindConfiguration(ScrubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton<ScrubProxies>();
        s.AddHostedService(sp => sp.GetRequiredService<ScrubProxies>());
        s.AddSingleton<TaskImporter>();
        s.AddSingleton<HotReads>();
        s.AddSingleton<AssignmentReader>();
        s.AddSingleton<LeaseCache>();
        s.AddOptions<QueueOptions>().BindConfiguration("Queue").ValidateOnStart();
        s.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        s.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        s.AddSingleton<QueueEngine>();
        s.AddHostedService(sp => sp.GetRequiredService<QueueEngine>());
        s.AddSingleton<ExportWorker>();
        s.AddSingleton<AuditLog>();
        s.AddSingleton<Features.Workforce.Certificates>();
        s.AddSingleton<Features.Workforce.Routing>();
        s.AddSingleton<ParkKeys>();
        s.AddSingleton<ReleaseBuilder>();
        s.AddSingleton<ReleaseBlobNotes>();
        s.AddSingleton<ReleaseWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<ReleaseWorker>());
        s.AddHostedService(sp => sp.GetRequiredService<ExportWorker>());
        s.AddLearning();
        s.AddOptions<Features.Webhooks.WebhookOptions>().BindConfiguration(Features.Webhooks.WebhookOptions.Section).ValidateOnStart();
        s.AddSingleton<Features.Webhooks.WebhookAddresses>();
        s.AddSingleton<Features.Webhooks.WebhookWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<Features.Webhooks.WebhookWorker>());
        s.AddSingleton<Attempts>();
        s.AddOptions<ComputeOptions>().BindConfiguration(ComputeOptions.Section).ValidateOnStart();
        s.AddSingleton<OnnxHost>();
        s.AddSingleton<ModelRegistry>();
        s.AddSingleton<PredictWorker>();
        s.AddHostedService(sp => sp.GetRequiredService<PredictWorker>());
        s.AddSingleton<DemoSeeder>();
        s.AddSingleton<DemoPark>();
        s.AddSingleton<DemoTraining>();
        s.AddSingleton<DemoWorkforce>();
        s.AddProblemDetails(o => o.CustomizeProblemDetails = problem =>
        {
            BodyLimit.Describe(problem);
            ProblemCodes.Describe(problem);
        });
        s.AddExceptionHandler<BadRequests>();
        s.AddExceptionHandler<OutOfSpace>();
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.ConfigureHttpJsonOptions(o => Wire.Configure(o.SerializerOptions));
        s.AddOptions<FormOptions>().Configure<Microsoft.Extensions.Options.IOptions<LimitsOptions>>((form, limits) =>
            form.MultipartBodyLengthLimit = limits.Value.MediaMaxUploadBytes);
        s.AddOpenApi(Answers.Describe);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        BodyLimit.UseBodyLimits(app);
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapOpenApi();
        app.MapAuth();
        app.MapOrganizations();
        app.MapProjects();
        app.MapImports();
        app.MapMedia();
        app.MapScrub();
        app.MapTasks();
        app.MapHistory();
        app.MapQueue();
        app.MapReviews();
        app.MapExports();
        app.MapStats();
        app.MapQuality();
        app.MapAudit();
        app.MapReleases();
        app.MapGrants();
        app.MapCatalogue();
        app.MapContracts();
        app.MapSites();
        app.MapTeams();
        app.MapPay();
        app.MapDashboards();
        app.MapPredictions();
        app.MapLearning();
        Features.Webhooks.WebhooksApi.MapWebhooks(app);
        app.MapDirectory();
        app.MapProductivity();
        app.MapSkills();
        app.MapCertificates();
        app.MapRouting();
        app.MapCourses();
        app.MapCourseImages();
        app.MapExams();
        app.MapAttempts();
        app.MapMatching();
        app.MapWorkforceAnalytics();
        app.MapPools();
        app.MapPredictJobs();
        app.MapWebUi(options);
        return app;
    }

    /// <summary>Migrates the database, seeds the demo when asked, then serves until stopped.</summary>
    public static async Task RunAsync(ServerOptions options, CancellationToken ct)
    {
        await using var app = Build(options);
        await PrepareAsync(app, ct);
        await app.RunAsync(ct);
    }

    /// <summary>
    /// The OpenAPI document exactly as <c>GET /openapi/v1.json</c> serves it, made in-process with no
    /// database, network or listening socket: the app is built over a throw-away data folder and the
    /// document endpoint's own handler writes into memory (what `yz openapi` prints for code generators).
    /// </summary>
    public static async Task<byte[]> OpenApiDocumentAsync(CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("yz-openapi-");
        try
        {
            await using var app = Build(new ServerOptions { DataDir = dir.FullName, WebRoot = dir.FullName }, b =>
            {
                b.Logging.ClearProviders();
                // Started, so that routing gathers the endpoints the document describes, but with a
                // server that never listens and without the workers, which would open the database.
                b.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, SilentServer>();
                var ours = typeof(ServerApp).Assembly;
                foreach (var worker in b.Services.Where(d => d.ServiceType == typeof(IHostedService)
                    && (d.ImplementationType?.Assembly == ours || d.ImplementationFactory?.Method.DeclaringType?.Assembly == ours)).ToList())
                {
                    b.Services.Remove(worker);
                }
            });
            await app.StartAsync(ct);
            var endpoint = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Single(e => e.RoutePattern.RawText == OpenApiRoute);
            await using var scope = app.Services.CreateAsyncScope();
            var ctx = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = ct };
            ctx.Request.Method = HttpMethods.Get;
            ctx.Request.Scheme = "http";
            ctx.Request.Host = new HostString("localhost");
            ctx.Request.Path = "/openapi/v1.json";
            ctx.Request.RouteValues["documentName"] = "v1";
            ctx.SetEndpoint(endpoint);
            using var body = new MemoryStream();
            ctx.Response.Body = body;
            await endpoint.RequestDelegate!(ctx);
            if (ctx.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"The OpenAPI document endpoint answered {ctx.Response.StatusCode}.");
            }
            await app.StopAsync(ct);
            return body.ToArray();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public const string OpenApiRoute = "/openapi/{documentName}.json";

    private sealed class SilentServer : Microsoft.AspNetCore.Hosting.Server.IServer
    {
        public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

        public Task StartAsync<TContext>(Microsoft.AspNetCore.Hosting.Server.IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    public static async Task PrepareAsync(WebApplication app, CancellationToken ct)
    {
        var options = app.Services.GetRequiredService<ServerOptions>();
        await Migrator.MigrateAsync(app.Services.GetRequiredService<Db>(), app.Services.GetRequiredService<TimeProvider>(), ct);
        if (app.Services.GetRequiredService<IBlobStore>() is S3BlobStore s3)
        {
            await s3.EnsureBucketAsync(ct);
        }
        if (options.Demo)
        {
            await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            await Features.Park.ParkHistory.WriteAsync(app.Services.GetRequiredService<Db>(), app.Services.GetRequiredService<TimeProvider>(), ct);
        }
    }

    private static void MapWebUi(this WebApplication app, ServerOptions options)
    {
        var root = options.WebRoot ?? ServerOptions.FindRepoFolder(Path.Combine("web", "dist"));
        if (root is null || !File.Exists(Path.Combine(root, "index.html")))
        {
            app.MapGet("/", () => TypedResults.Text(
                "Yunzhong API is running. The browser UI is not built: run ./yz serve from the repository, which builds web/.",
                "text/plain; charset=utf-8")).ExcludeFromDescription();
            return;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        // Client-side routes load the app shell where routing found no endpoint, not through a
        // catch-all fallback route: such a route takes part in every path's method match, so a known
        // API route called with GET got the fallback's answer instead of 405, a POST to an unknown
        // API path got 405, and 405's Allow header listed the fallback's GET and HEAD. API paths the
        // routes do not know fall through to 404, which UseStatusCodePages writes as ProblemDetails.
        var shell = Path.Combine(root, "index.html");
        app.Use((ctx, next) => ctx.GetEndpoint() is null && IsClientRoute(ctx.Request)
            ? Results.File(shell, "text/html; charset=utf-8").ExecuteAsync(ctx)
            : next(ctx));
    }

    /// <summary>A page of the browser UI: read, outside /api, and not a file (a missing asset stays 404).</summary>
    private static bool IsClientRoute(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        && !Path.HasExtension(request.Path.Value);
}
