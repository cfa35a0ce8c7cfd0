using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Yunzhong.Server.Tests.Auth;

public abstract class AuthTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Password = "长城-Great-Wall-2026";

    private HttpClient Browser(CookieContainer? jar = null) =>
        new(new SocketsHttpHandler { CookieContainer = jar ?? new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(fx.Url + "/") };

    private HttpClient Bearer(string token)
    {
        var c = new HttpClient { BaseAddress = new Uri(fx.Url + "/") };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    [Fact]
    public async Task WrongPasswordAndUnknownEmailGetTheSameUnauthorizedProblemAndNoCookie()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator, Password);
        using var browser = Browser();
        using var wrong = await browser.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password + "x" });
        var problem = await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        using var unknown = await browser.PostAsJsonAsync("api/auth/login", new { email = "nobody-" + p.Email, password = Password });
        var unknownProblem = await unknown.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(problem.GetProperty("title").GetString(), unknownProblem.GetProperty("title").GetString());
        using var me = await browser.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task RightPasswordGivesAnHttpOnlySessionCookieThatOpensMe()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator | Roles.Reviewer, Password);
        using var browser = Browser();
        // Emails are matched without regard to case or surrounding spaces.
        using var login = await browser.PostAsJsonAsync("api/auth/login", new { email = "  " + p.Email.ToUpperInvariant(), password = Password });
        var body = await login.OkAsync<MeResponse>("login");
        Assert.Equal(p.Email, body.Email);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("yz_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        var me = await browser.GetOkAsync<MeResponse>("api/me");
        Assert.Equal(p.Id, me.Id);
        var membership = Assert.Single(me.Organizations);
        Assert.Equal(org.Id, membership.Id);
        Assert.Equal([Role.Annotator, Role.Reviewer], membership.Roles);
    }

    [Fact]
    public async Task RepeatedWrongPasswordsPauseThatAccountsPasswordLogInOnly()
    {
        var org = await fx.NewOrgAsync();
        var target = await org.PersonAsync(Roles.Annotator, Password);
        var bystander = await org.PersonAsync(Roles.Annotator, Password);
        using var browser = Browser();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await browser.PostAsJsonAsync("api/auth/login", new { email = target.Email, password = $"guess-{i}" });
            await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
        }
        // Now even the right password waits, and the answer says for how long.
        using (var paused = await browser.PostAsJsonAsync("api/auth/login", new { email = target.Email.ToUpperInvariant(), password = Password }))
        {
            var problem = await paused.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("paused", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            var retry = paused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
            Assert.InRange(retry, TimeSpan.FromSeconds(1), LoginThrottle.Window);
        }
        using (var other = await browser.PostAsJsonAsync("api/auth/login", new { email = bystander.Email, password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        // Scripts with the account's token carry on.
        await target.Http.GetOkAsync("api/me");
    }

    [Fact]
    public async Task GuessesSentTogetherGetFiveTriesNotMore()
    {
        var org = await fx.NewOrgAsync();
        var target = await org.PersonAsync(Roles.Annotator, Password);
        using var browser = Browser();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var r = await browser.PostAsJsonAsync("api/auth/login", new { email = target.Email, password = $"guess-{i}" });
            return r.StatusCode;
        }));
        Assert.Equal(LoginThrottle.MaxFailures, answers.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(40 - LoginThrottle.MaxFailures, answers.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task AnUnknownEmailIsPausedLikeAKnownOne()
    {
        using var browser = Browser();
        var email = $"nobody-{Guid.NewGuid():N}@test.yunzhong";
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await browser.PostAsJsonAsync("api/auth/login", new { email, password = $"guess-{i}" });
            await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
        }
        using var paused = await browser.PostAsJsonAsync("api/auth/login", new { email, password = "guess" });
        await paused.ProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task AStoredHashOfFewerRoundsIsMadeAgainAtTheNextLogIn()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator);
        // As an older version stored it: 210,000 rounds.
        var salt = RandomNumberGenerator.GetBytes(16);
        var old = $"pbkdf2-sha256$210000${Convert.ToBase64String(salt)}$" +
            Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(Password, salt, 210_000, HashAlgorithmName.SHA256, 32));
        await fx.QueryScalarAsync<long>("UPDATE users SET password_hash = @old WHERE id = @id RETURNING id", new { old, id = p.Id });

        using var http = Browser();
        using (var r = await http.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var stored = await fx.QueryScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = p.Id });
        Assert.StartsWith($"pbkdf2-sha256${Secrets.Iterations}$", stored, StringComparison.Ordinal);
        Assert.True(Secrets.VerifyPassword(Password, stored));
        Assert.False(Secrets.NeedsRehash(stored));
    }
    [Fact]
    public async Task LogoutClearsTheSession()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Manager, Password);
        var jar = new CookieContainer();
        using var browser = Browser(jar);
        (await browser.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password })).Dispose();
        await browser.GetOkAsync("api/me");
        using var logout = await browser.PostAsync("api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.DoesNotContain(jar.GetCookies(new Uri(fx.Url)), c => c.Name == "yz_session" && !c.Expired);
        using var me = await browser.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task LogoutEndsTheSessionOnTheServerSoACopiedCookieStopsWorking()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator, Password);
        using var raw = fx.Client(); // no cookie jar: the cookie travels by hand, as a stolen copy would
        using var login = await raw.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("yz_session=", StringComparison.Ordinal)).Split(';')[0];
        HttpRequestMessage WithCookie(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookie);
            return request;
        }
        using (var me = await raw.SendAsync(WithCookie(HttpMethod.Get, "api/me")))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        // A second session of the same person (another browser) is not affected by this logout.
        using var other = Browser();
        (await other.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password })).Dispose();

        using (var logout = await raw.SendAsync(WithCookie(HttpMethod.Post, "api/auth/logout")))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        using (var replay = await raw.SendAsync(WithCookie(HttpMethod.Get, "api/me")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        }
        await other.GetOkAsync("api/me");
    }

    [Fact]
    public async Task TokenIsShownOnceListedWithoutItsSecretAndStopsWorkingWhenRevoked()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Manager, Password);
        using var browser = Browser();
        (await browser.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password })).Dispose();
        var created = await browser.PostOkAsync<CreatedToken>("api/tokens", new { name = "训练脚本" });
        var token = created.Token;
        var id = created.Id;
        Assert.StartsWith("yz_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 40, token);

        // The list never shows the secret again: TokenView has no such field, and reading is strict.
        var listed = Assert.Single(await browser.GetOkAsync<List<TokenView>>("api/tokens"), t => t.Id == id);
        Assert.Equal("训练脚本", listed.Name);
        using (var raw = await browser.GetAsync("api/tokens"))
        {
            Assert.DoesNotContain(token, await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var script = Bearer(token);
        Assert.Equal(p.Id, (await script.GetOkAsync<MeResponse>("api/me")).Id);

        using (var revoke = await browser.DeleteAsync($"api/tokens/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        // Revoking through this server forgets the cached look-up at once.
        using (var after = await script.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        Assert.DoesNotContain(await browser.GetOkAsync<List<TokenView>>("api/tokens"), t => t.Id == id);
        using var again = await browser.DeleteAsync($"api/tokens/{id}");
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NobodyRevokesSomeoneElsesToken()
    {
        var org = await fx.NewOrgAsync();
        var owner = await org.PersonAsync(Roles.Annotator);
        var admin = await org.PersonAsync(Roles.Admin);
        var created = await owner.Http.PostOkAsync<CreatedToken>("api/tokens", new { name = "mine" });
        using var r = await admin.Http.DeleteAsync($"api/tokens/{created.Id}");
        await r.ProblemAsync(HttpStatusCode.NotFound);
        using var script = Bearer(created.Token);
        await script.GetOkAsync("api/me");
    }

    [Fact]
    public async Task TokenRevokedInTheStoreByAnotherNodeStopsWorkingOnceTheCacheEntryIsOld()
    {
        using var script = await CachedTokenRevokedByAnotherNodeAsync();
        fx.Time.Advance(TokenCache.Ttl + TimeSpan.FromSeconds(1));
        using var r = await script.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public async Task ATokenInUseIsCheckedAgainstTheStoreBeforeItsCacheEntryRunsOut()
    {
        // Past at most three quarters of its life an entry in use is looked up again behind the request that
        // noticed (so annotators who signed in together do not all wait on the store at once, every
        // TTL): that request is answered from the cache, a revocation shows up right after it.
        using var script = await CachedTokenRevokedByAnotherNodeAsync();
        fx.Time.Advance(TokenCache.Ttl * 0.76);
        await script.GetOkAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(script, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ASessionInUseIsCheckedAgainstTheStoreBeforeItsCacheEntryRunsOut()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator, Password);
        using var browser = Browser();
        using (var login = await browser.PostAsJsonAsync("api/auth/login", new { email = p.Email, password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        await browser.GetOkAsync("api/me");
        // Another node logs the session out: only the store knows.
        await fx.QueryAsync<long>("UPDATE sessions SET revoked_at = 1 WHERE user_id = @id RETURNING user_id", new { id = p.Id });
        fx.Time.Advance(SessionStore.Ttl * 0.76);
        await browser.GetOkAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, await EventuallyAsync(browser, HttpStatusCode.Unauthorized));
    }

    /// <summary>A script whose token this server has cached, then revoked in the store only (as
    /// another node would).</summary>
    private async Task<HttpClient> CachedTokenRevokedByAnotherNodeAsync()
    {
        var org = await fx.NewOrgAsync();
        var p = await org.PersonAsync(Roles.Annotator);
        var script = Bearer(p.Token);
        await script.GetOkAsync("api/me"); // cached now
        await fx.QueryAsync<long>("UPDATE api_tokens SET revoked_at = 1 WHERE user_id = @id RETURNING id", new { id = p.Id });
        return script;
    }

    /// <summary>Asks api/me until it answers <paramref name="wanted"/>, or gives up after 3 s and
    /// returns the last answer: the entry (advanced to 76 % of its life) is then still 0.6 s short
    /// of running out, so only a look-up ahead of time can have ended it.</summary>
    private static async Task<HttpStatusCode> EventuallyAsync(HttpClient http, HttpStatusCode wanted)
    {
        var last = HttpStatusCode.OK;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (last != wanted && clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50);
            using var r = await http.GetAsync("api/me");
            last = r.StatusCode;
        }
        return last;
    }

    [Fact]
    public async Task PasswordsAndTokensAreStoredOnlyAsSaltedOrOneWayHashes()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin);
        var emails = new[] { $"a-{Guid.NewGuid():N}@test.yunzhong", $"b-{Guid.NewGuid():N}@test.yunzhong" };
        foreach (var email in emails)
        {
            var member = await admin.Http.PostOkAsync<MemberView>($"api/organizations/{org.Id}/members", new { email, name = "新同事", password = Password, roles = new[] { "annotator" } });
            Assert.Equal([Role.Annotator], member.Roles);
        }
        var hashes = await fx.QueryAsync<string>("SELECT password_hash FROM users WHERE email = @a OR email = @b ORDER BY email", new { a = emails[0], b = emails[1] });
        Assert.Equal(2, hashes.Count);
        Assert.All(hashes, h =>
        {
            Assert.DoesNotContain(Password, h, StringComparison.Ordinal);
            Assert.DoesNotContain("Great-Wall", h, StringComparison.Ordinal);
            Assert.StartsWith("pbkdf2-sha256$", h, StringComparison.Ordinal);
        });
        Assert.NotEqual(hashes[0], hashes[1]); // salted: the same password hashes differently
        using var browser = Browser();
        using var login = await browser.PostAsJsonAsync("api/auth/login", new { email = emails[0], password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var token = (await admin.Http.PostOkAsync<CreatedToken>("api/tokens", new { name = "t" })).Token;
        var rows = (await fx.QueryAsync<object>("SELECT * FROM api_tokens WHERE user_id = @id", new { id = admin.Id })).Select(r => r.ToString()!).ToList();
        Assert.Equal(2, rows.Count); // the fixture's token and this one
        Assert.All(rows, r => Assert.DoesNotContain(token[3..], r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAdminRemovesAMemberWhoThenLosesTheOrganisationButNeverTheLastAdmin()
    {
        var org = await fx.NewOrgAsync();
        var admin = await org.PersonAsync(Roles.Admin);
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(admin, org.Id);
        await TestData.ImportAsync(admin.Http, project, ["一", "二"]);
        Assert.NotNull(await annotator.NextAsync(project));

        using (var r = await manager.Http.DeleteAsync($"api/organizations/{org.Id}/members/{annotator.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden); // managers list members; only admins change who belongs
        }
        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{annotator.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using (var r = await annotator.Http.PostAsync($"api/projects/{project}/queue/next", null))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound); // the project is no longer theirs to see
        }
        var listed = await admin.Http.GetOkAsync<List<MemberView>>($"api/organizations/{org.Id}/members");
        Assert.DoesNotContain(listed, m => m.UserId == annotator.Id);
        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{annotator.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await admin.Http.DeleteAsync($"api/organizations/{org.Id}/members/{admin.Id}"))
        {
            await r.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Single(await fx.QueryAsync<long>("SELECT user_id FROM memberships WHERE organization_id = @org AND user_id = @id", new { org = org.Id, id = admin.Id }));
    }

    [Fact]
    public async Task OnlyAdminsOfTheParkOperatorOpenOrganisations()
    {
        var park = await fx.NewOrgAsync("operator");
        var operatorAdmin = await park.PersonAsync(Roles.Admin);
        using (var r = await operatorAdmin.Http.PostAsJsonAsync("api/organizations", new { name = "大同标注基地", kind = "vendor" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            var created = await r.ReadAsync<OrganizationMembership>();
            Assert.Equal([Role.Admin], created.Roles);
            var mine = await operatorAdmin.Http.GetOkAsync<List<OrganizationMembership>>("api/organizations");
            var listed = Assert.Single(mine, o => o.Id == created.Id);
            Assert.Equal(("大同标注基地", OrganizationKind.Vendor), (listed.Name, listed.Kind));
        }
        using (var r = await operatorAdmin.Http.PostAsJsonAsync("api/organizations", new { name = "x", kind = "government" }))
        {
            Assert.Equal(["kind"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        var clientAdmin = await (await fx.NewOrgAsync("client")).PersonAsync(Roles.Admin);
        var operatorManager = await park.PersonAsync(Roles.Manager);
        foreach (var p in new[] { clientAdmin, operatorManager })
        {
            using var r = await p.Http.PostAsJsonAsync("api/organizations", new { name = "mine", kind = "client" });
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task OnlyAdminsAddMembersAndOnlyAdminsAndManagersListThem()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var listed = await manager.Http.GetOkAsync<List<MemberView>>($"api/organizations/{org.Id}/members");
        Assert.Equal(new[] { manager.Id, annotator.Id }.Order(), listed.Select(m => m.UserId).Order());
        using (var r = await annotator.Http.GetAsync($"api/organizations/{org.Id}/members"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await manager.Http.PostAsJsonAsync($"api/organizations/{org.Id}/members", new { email = $"x-{Guid.NewGuid():N}@t.test", password = Password, roles = new[] { "admin" } }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
    }
}

public sealed class SqliteAuthTests(SqliteFixture fx) : AuthTests<SqliteFixture>(fx);

public sealed class PostgresAuthTests(PostgresFixture fx) : AuthTests<PostgresFixture>(fx);
