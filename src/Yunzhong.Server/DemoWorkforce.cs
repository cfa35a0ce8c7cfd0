using Yunzhong.Core.Workforce;
using Yunzhong.Server.Features.Workforce;

namespace Yunzhong.Server;

/// <summary>
/// The demo park's workforce (`yz serve --demo`, after <see cref="DemoPark"/>): the skills catalogue, certificates
/// held by most of the vendors' annotators (a few expired, one revoked), joining dates spread over the last
/// three months so the time to a first certificate means something, a requirement on client two's active
/// contract (中文命名实体) that routes its work to certified people only, and an open demand of the client's.
/// </summary>
public sealed class DemoWorkforce(Db db, TimeProvider time, ILogger<DemoWorkforce> log)
{
    /// <summary>code, English and Chinese names, levels.</summary>
    public static readonly (string Code, string NameEn, string NameZh, int Levels)[] Skills =
    [
        ("asr-mandarin", "Mandarin speech transcription", "普通话语音转写", 3),
        ("dialect-datong", "Dialect speech: Datong", "方言语音·大同话", 3),
        ("dialect-shuozhou", "Dialect speech: Shuozhou", "方言语音·朔州话", 3),
        ("ner-zh", "Chinese named entities", "中文命名实体", 3),
        ("ad-bbox-2d", "Autonomous driving 2D boxes", "自动驾驶 2D 框", 3),
        ("medical-imaging", "Medical imaging", "医学影像", 3),
        ("llm-preference", "LLM preference ranking", "大模型偏好排序", 3),
    ];

    public async Task SeedAsync(long clientOrg, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM skills", cancellationToken: ct)) > 0)
        {
            return; // seeded before
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        const long Day = 86_400_000L;
        await using var tx = await db.BeginWriteAsync(c, ct);
        var ids = new Dictionary<string, long>();
        foreach (var (code, en, zh, levels) in Skills)
        {
            ids[code] = await c.ExecuteScalarAsync<long>(new CommandDefinition(SkillsSql.InsertSql,
                new { code, nameEn = en, nameZh = zh, description = "", maxLevel = levels, now }, tx, cancellationToken: ct));
        }
        var annotators = (await c.QueryAsync<(long Id, string Email)>(new CommandDefinition(
            "SELECT id, email FROM users WHERE email LIKE 'v%-annotator%@demo.yunzhong' ORDER BY email", transaction: tx, cancellationToken: ct))).ToList();
        // Each vendor's people hold the skills of its line of work: vendor 1 text and speech, vendor 2 images, vendor 3 entities and LLM ranking.
        var lines = new Dictionary<char, string[]>
        {
            ['1'] = ["ner-zh", "asr-mandarin", "dialect-datong"], ['2'] = ["ad-bbox-2d", "medical-imaging", "asr-mandarin"], ['3'] = ["ner-zh", "llm-preference", "dialect-shuozhou"],
        };
        var n = 0;
        foreach (var (id, email) in annotators)
        {
            var joined = now - (20 + (n * 7 % 70)) * Day;
            await c.ExecuteAsync(new CommandDefinition("UPDATE users SET created_at = @joined WHERE id = @id", new { joined, id }, tx, cancellationToken: ct));
            var line = lines[email[1]];
            // Most hold their vendor's first skill, some a second; every seventh person none yet.
            var held = n % 7 == 6 ? 0 : 1 + (n % 3 == 0 ? 1 : 0) + (n % 5 == 0 ? 1 : 0);
            for (var k = 0; k < held && k < line.Length; k++)
            {
                var issued = joined + (5 + (n * 3 + k * 4) % 25) * Day;
                long? expires = (n + k) % 9 == 4 ? now - 2 * Day : issued + 365 * Day; // a few lapsed already
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO certificates (user_id, skill_id, level, issued_at, expires_at, source, revoked_at)
                    VALUES (@id, @skill, @level, @issued, @expires, 'granted', @revoked)
                    """, new { id, skill = ids[line[k]], level = 1 + (n + k) % 3, issued = Math.Min(issued, now - Day), expires, revoked = n == 10 && k == 0 ? now - Day : (long?)null },
                    tx, cancellationToken: ct));
            }
            n++;
        }
        // Client two's active contract needs Chinese named entities: only its certified people are served.
        var contract = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT k.id FROM contracts k JOIN organizations o ON o.id = k.client_org_id WHERE o.name = @client AND k.state = 'active' ORDER BY k.id LIMIT 1",
            new { client = DemoPark.Client2 }, tx, cancellationToken: ct));
        if (contract is { } k2)
        {
            await c.ExecuteAsync(new CommandDefinition(RoutingSql.InsertNeedSql,
                new { projectId = (long?)null, contractId = (long?)k2, skillId = ids["ner-zh"], minLevel = 1, now }, tx, cancellationToken: ct));
        }
        var by = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT MIN(user_id) FROM memberships WHERE organization_id = @clientOrg", new { clientOrg }, tx, cancellationToken: ct));
        foreach (var (title, volume, days, skills) in new[]
                 {
                     ("大同话客服录音转写 · Datong call-centre recordings", 20_000L, 30, new[] { ("dialect-datong", 1), ("asr-mandarin", 1) }),
                     ("新闻命名实体 · News entities", 50_000L, 45, new[] { ("ner-zh", 2) }),
                     ("自动驾驶前视 2D 框 · Front-camera boxes", 120_000L, 60, new[] { ("ad-bbox-2d", 1) }),
                 })
        {
            var demand = await c.ExecuteScalarAsync<long>(new CommandDefinition(MatchingSql.InsertDemandSql,
                new { clientOrgId = clientOrg, title, volume, deadline = now + days * Day, by, now }, tx, cancellationToken: ct));
            foreach (var (skill, level) in skills)
            {
                await c.ExecuteAsync(new CommandDefinition(MatchingSql.InsertDemandSkillSql, new { demandId = demand, skillId = ids[skill], minLevel = level }, tx, cancellationToken: ct));
            }
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Demo workforce seeded: {Skills} skills, certificates for {People} annotators, 3 demands", Skills.Length, annotators.Count);
    }
}
