using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yunzhong.Server.Features.Learning;

namespace Yunzhong.Server.Tests.Learning;

/// <summary>
/// A Label Studio ML backend of our own on loopback: Kestrel answering <c>/health</c> and <c>/predict</c>
/// (positive when the text says "good"), and a <c>/moved</c> prefix that redirects to a private address.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeModelServer(WebApplication app, string url) => (_app, Url) = (app, url);

    public string Url { get; }

    public int Port => new Uri(Url).Port;

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health", () => Results.Json(new { status = "UP", model_class = "FakeSentiment" }));
        app.MapGet("/moved/health", () => Results.Redirect("http://10.1.2.3/health"));
        app.MapPost("/predict", (JsonElement body) =>
        {
            var results = body.GetProperty("tasks").EnumerateArray().Select(t =>
            {
                if (t.GetProperty("data").TryGetProperty("ocr", out _))
                {
                    return OcrAnswer();
                }
                var good = t.GetProperty("data").GetProperty("text").GetString()!.Contains("good", StringComparison.Ordinal);
                return (object)new
                {
                    result = new[] { new { from_name = "label", to_name = "text", type = "choices", value = new { choices = new[] { good ? "pos" : "neg" } } } },
                    score = good ? 0.9 : 0.6,
                    model_version = "fake-1",
                };
            }).ToList();
            return Results.Json(new { results });
        });
        await app.StartAsync();
        return new FakeModelServer(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>An OCR backend's answer as Label Studio's OCR template has it: each box a rectangle, then its
    /// text as a per-region textarea item under the box's id (no labels, sizes in percent of the original).</summary>
    private static object OcrAnswer()
    {
        static object Box(string id, double x, string? text) => text is null
            ? new { id, from_name = "bbox", to_name = "image", type = "rectangle", original_width = 200, original_height = 100,
                value = new { x, y = 10.0, width = 25.0, height = 20.0, rotation = 0.0 } }
            : new { id, from_name = "transcription", to_name = "image", type = "textarea", original_width = 200, original_height = 100,
                value = (object)new { x, y = 10.0, width = 25.0, height = 20.0, rotation = 0.0, text = new[] { text } } };
        return new
        {
            result = new[] { Box("b1", 10, null), Box("b2", 50, null), Box("b1", 10, "EXIT"), Box("b2", 50, "出口") },
            score = 0.8,
            model_version = "fake-ocr-1",
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Model servers: this server's operator allows 127.0.0.1 by name and any public host.</summary>
public abstract class ModelServerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Person Manager, long Project)> SetUpAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, order: TaskOrder.MostUncertain);
        await TestData.ImportAsync(manager.Http, project, ["a good day", "a dull day", "good food"]);
        return (manager, project);
    }

    [Fact]
    public async Task AnAllowedModelServerChecksHealthAndPredictsThroughTheLabelStudioMapping()
    {
        await using var server = await FakeModelServer.StartAsync();
        var (manager, project) = await SetUpAsync();
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = server.Url }))
        {
            var view = await r.OkAsync<LearningView>("learning");
            Assert.Equal((server.Url, true), (view.BackendUrl, view.BackendsAllowed));
        }
        var health = await manager.Http.PostOkAsync<BackendHealth>($"api/projects/{project}/learning/backend/health", new { });
        Assert.Contains("UP", health.Answer, StringComparison.Ordinal);

        var predicted = await manager.Http.PostOkAsync<BackendPredictResult>($"api/projects/{project}/learning/backend/predict", new { limit = 10 });
        Assert.Equal((3, 0), (predicted.Added, predicted.Skipped));
        var rows = await fx.QueryAsync<(string Key, string Model, string Result, double Score, double Uncertainty)>("""
            SELECT t.task_key, p.model, p.result_json, p.score, t.uncertainty FROM predictions p JOIN tasks t ON t.id = p.task_id
            WHERE t.project_id = @project ORDER BY t.task_key
            """, new { project });
        Assert.Equal(["k0", "k1", "k2"], rows.Select(r => r.Key));
        Assert.All(rows, r => Assert.Equal("fake-1", r.Model));
        Assert.Equal("pos", JsonDocument.Parse(rows[0].Result).RootElement.GetProperty("label")[0].GetString());
        Assert.Equal("neg", JsonDocument.Parse(rows[1].Result).RootElement.GetProperty("label")[0].GetString());
        // The queue's keys follow: the less sure "dull" task is the most uncertain.
        Assert.True(rows[1].Uncertainty > rows[0].Uncertainty);
    }

    [Fact]
    public async Task AServersPerRegionTextareaLandsAsEachBoxsAttribute()
    {
        await using var server = await FakeModelServer.StartAsync();
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, new
        {
            fields = new[] { new { name = "ocr", type = "image" } },
            controls = new object[]
            {
                new { name = "bbox", type = "rectangles", field = "ocr" },
                new { name = "transcription", type = "transcription", perRegion = new[] { "bbox" } },
            },
        });
        using (var imported = await TestData.ImportRawAsync(manager.Http, project, """{"key":"sign","data":{"ocr":"https://img.example/sign.png"}}"""))
        {
            await imported.OkAsync<ImportResponse>("import");
        }
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = server.Url }))
        {
            await r.OkAsync<LearningView>("learning");
        }

        var predicted = await manager.Http.PostOkAsync<BackendPredictResult>($"api/projects/{project}/learning/backend/predict", new { limit = 10 });

        Assert.Equal((1, 0), (predicted.Added, predicted.Skipped));
        var stored = await fx.QueryScalarAsync<string>(
            "SELECT p.result_json FROM predictions p JOIN tasks t ON t.id = p.task_id WHERE t.project_id = @project", new { project });
        var result = JsonDocument.Parse(stored!).RootElement;
        Assert.Equal(["b1", "b2"], result.GetProperty("bbox").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.Equal((20.0, 10.0, 50.0, 20.0), (result.GetProperty("bbox")[0].GetProperty("x").GetDouble(), result.GetProperty("bbox")[0].GetProperty("y").GetDouble(),
            result.GetProperty("bbox")[0].GetProperty("width").GetDouble(), result.GetProperty("bbox")[0].GetProperty("height").GetDouble()));
        Assert.Equal("EXIT", result.GetProperty("transcription").GetProperty("b1").GetString());
        Assert.Equal("出口", result.GetProperty("transcription").GetProperty("b2").GetString());
    }

    [Theory]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://172.16.5.4/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://127.0.0.2/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://2130706434/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:a9fe:a9fe]/")]
    [InlineData("http://localhost/")]
    public async Task NonPublicAddressesAreRefusedUnlessTheHostIsAllowedByName(string url)
    {
        var (manager, project) = await SetUpAsync();
        using var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = url });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("model_server.address_refused", problem.GetProperty("fields").GetProperty("backendUrl")[0].GetProperty("code").GetString());
        // The health check refuses the same URL, naming its own field.
        using var h = await manager.Http.PostAsJsonAsync($"api/projects/{project}/learning/backend/health", new { url });
        Assert.Equal("model_server.address_refused",
            (await h.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("fields").GetProperty("url")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task ARedirectIsNeverFollowed()
    {
        await using var server = await FakeModelServer.StartAsync();
        var (manager, project) = await SetUpAsync();
        using var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/learning/backend/health", new { url = server.Url + "/moved" });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("model_server.redirect", problem.GetProperty("fields").GetProperty("url")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheAddressIsCheckedAgainWhenConnectingSoANameThatResolvesElsewhereLaterIsCaught()
    {
        await using var server = await FakeModelServer.StartAsync();
        // Past the setting's check (as a name that resolved to a public address then would be), the
        // connection itself refuses: localhost is allowed only through the wildcard, and is loopback.
        var client = fx.Services.GetRequiredService<ModelServerClient>();
        var e = await Assert.ThrowsAsync<ModelServerException>(() => client.HealthAsync($"http://localhost:{server.Port}", CancellationToken.None));
        Assert.Equal(("model_server.address_refused", true), (e.Code, e.Refused));
        // The same server by its allowed address answers.
        Assert.Contains("UP", await client.HealthAsync(server.Url, CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsOffTheListAndUrlsThatAreNotPlainHttpAreRefused()
    {
        var (manager, project) = await SetUpAsync();
        foreach (var (url, code) in new[] { ("ftp://example.com/", "model_server.url_invalid"), ("http://user:pw@example.com/", "model_server.url_invalid"), ("not a url", "model_server.url_invalid") })
        {
            using var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { backendUrl = url });
            Assert.Equal(code, (await r.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("fields").GetProperty("backendUrl")[0].GetProperty("code").GetString());
        }
        var strict = new ModelServerAddresses(Options.Create(new ModelServerOptions { AllowedHosts = ["ml.example.com", "*.models.example"] }));
        Assert.Equal("model_server.not_allowed", (await strict.CheckAsync("http://other.example.com/", CancellationToken.None))?.Code);
        Assert.Equal(ModelServerAddresses.Allowance.Exactly, strict.Allows("ML.example.com."));
        Assert.Equal(ModelServerAddresses.Allowance.PublicOnly, strict.Allows("a.models.example"));
        Assert.Equal(ModelServerAddresses.Allowance.No, strict.Allows("models.example.evil"));
        Assert.False(ModelServerAddresses.IsPublic(IPAddress.Parse("64:ff9b::a00:1"))); // NAT64 of 10.0.0.1
        Assert.False(ModelServerAddresses.IsPublic(IPAddress.Parse("2002:c0a8:101::1"))); // 6to4 of 192.168.1.1
        Assert.True(ModelServerAddresses.IsPublic(IPAddress.Parse("93.184.216.34")));
        Assert.True(ModelServerAddresses.IsPublic(IPAddress.Parse("2606:4700::1111")));
    }
}

public sealed class ModelServerSqliteFixture : SqliteFixture
{
    protected override void Configure(WebApplicationBuilder builder) => AllowLoopbackByName(builder);

    internal static void AllowLoopbackByName(WebApplicationBuilder builder) =>
        builder.Services.Configure<ModelServerOptions>(o => o.AllowedHosts = ["127.0.0.1", "*"]);
}

public sealed class ModelServerPostgresFixture : PostgresFixture
{
    protected override void Configure(WebApplicationBuilder builder) => ModelServerSqliteFixture.AllowLoopbackByName(builder);
}

public sealed class SqliteModelServerTests(ModelServerSqliteFixture fx) : ModelServerTests<ModelServerSqliteFixture>(fx);

public sealed class PostgresModelServerTests(ModelServerPostgresFixture fx) : ModelServerTests<ModelServerPostgresFixture>(fx);
