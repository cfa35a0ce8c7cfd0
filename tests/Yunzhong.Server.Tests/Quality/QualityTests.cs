namespace Yunzhong.Server.Tests.Quality;

public abstract class QualityTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const double Tol = 1e-9;

    /// <summary>Choices, rating, spans and a whole-task transcription on one text field.</summary>
    private static readonly object _mixedSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[]
        {
            new { name = "label", type = "choices", field = "text", options = new[] { "pos", "neg", "neu" } },
            new { name = "score", type = "rating", max = 5 },
            new { name = "ents", type = "spans", field = "text", labels = new[] { "PER", "LOC" } },
            new { name = "note", type = "transcription" },
        },
    };

    // "张三在北京工作": 张三 = [0,2), 北京 = [3,5) in code points.
    private static readonly string[] _texts = ["张三在北京工作 #0", "张三在北京工作 #1", "张三在北京工作 #2", "张三在北京工作 #3"];

    private static object Span(int start, int end, string label, string id) => new { id, start, end, label };

    /// <summary>
    /// What annotators A, B and C (index 0..2) answer on task t0..t3:
    ///   label: t0 pos pos pos | t1 pos pos neg | t2 neg neg neg | t3 pos neg neu
    ///   score (A, B only): t0 5 5 | t1 4 5 | t2 1 2 | t3 3 3
    ///   ents: t0 A {PER 0-2, LOC 3-5}, B {PER 0-2}, C {PER 0-2, LOC 3-5}; t1 A PER 0-2, B PER 0-3, C PER 0-2; t2, t3 none
    ///   note (A, B on t0, t1): t0 "你好世界" / "你好世间"; t1 "the cat sat" / "the cat sat down"
    /// </summary>
    private static Dictionary<string, object> Answer(int task, int who)
    {
        string[][] labels = [["pos", "pos", "pos"], ["pos", "pos", "neg"], ["neg", "neg", "neg"], ["pos", "neg", "neu"]];
        int[][] scores = [[5, 5], [4, 5], [1, 2], [3, 3]];
        var r = new Dictionary<string, object> { ["label"] = new[] { labels[task][who] } };
        if (who < 2)
        {
            r["score"] = scores[task][who];
        }
        if (task == 0)
        {
            r["ents"] = who == 1
                ? new[] { Span(0, 2, "PER", "s1") }
                : new[] { Span(0, 2, "PER", "s1"), Span(3, 5, "LOC", "s2") };
        }
        else if (task == 1)
        {
            r["ents"] = new[] { Span(0, who == 1 ? 3 : 2, "PER", "s1") };
        }
        if (who < 2 && task < 2)
        {
            r["note"] = (task, who) switch
            {
                (0, 0) => "你好世界",
                (0, _) => "你好世间",
                (_, 0) => "the cat sat",
                _ => "the cat sat down",
            };
        }
        return r;
    }

    private sealed record Setup(Org Org, Person Manager, long Project, Person[] Annotators, long[] TaskIds);

    /// <summary>Three annotators answer all four tasks through the real queue (overlap 3).</summary>
    private async Task<Setup> AnnotatedAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, schema: _mixedSchema, overlap: 3);
        await TestData.ImportAsync(manager.Http, project, _texts);
        var people = new[] { await org.PersonAsync(Roles.Annotator), await org.PersonAsync(Roles.Annotator), await org.PersonAsync(Roles.Annotator) };
        var ids = new long[_texts.Length];
        for (var who = 0; who < people.Length; who++)
        {
            var done = 0;
            while (await NextAsync(people[who], project) is { } lease)
            {
                var task = Array.IndexOf(_texts, lease.Task.Data.GetProperty("text").GetString());
                ids[task] = lease.Task.Id;
                await people[who].Http.PostOkAsync($"api/assignments/{lease.AssignmentId}/submit",
                    new { result = Answer(task, who), leadTimeSeconds = 2.0 });
                done++;
            }
            Assert.Equal(_texts.Length, done);
        }
        return new Setup(org, manager, project, people, ids);
    }

    private static Task<NextResponse?> NextAsync(Person p, long project) => p.NextAsync(project);

    private static ControlAgreement Control(AgreementView agreement, string name) => agreement.Controls.Single(c => c.Name == name);

    private static double Metric(ControlAgreement control, string metric) => control.Metrics[metric]!.Value;

    [Fact]
    public async Task ProjectAgreementMatchesHandComputedValuesPerControl()
    {
        var s = await AnnotatedAsync();
        var a = await s.Manager.Http.GetOkAsync<AgreementView>($"api/projects/{s.Project}/quality/agreement");
        Assert.Equal(4, a.Tasks);

        // Choices, counts per task (pos, neg, neu): t0 (3,0,0), t1 (2,1,0), t2 (0,3,0), t3 (1,1,1); n = 3 per task.
        // P_i = Σ n(n−1) / 6: 1, 1/3, 1, 0 → P̄ = 7/12 (also the percent agreement).
        // p_pos = 6/12, p_neg = 5/12, p_neu = 1/12 → P_e = (36 + 25 + 1)/144 = 31/72.
        // Fleiss κ = (7/12 − 31/72) / (1 − 31/72) = (11/72) / (41/72) = 11/41.
        // Krippendorff (nominal): Σ_u (m² − Σ n_c²)/(m − 1) = 0 + 2 + 0 + 3 = 5, n = 12 → D_o = 5/12;
        // D_e = (12² − 62) / (12·11) = 82/132 → α = 1 − (5/12)/(82/132) = 1 − 55/82 = 27/82.
        var label = Control(a, "label");
        Assert.Equal(Yunzhong.Core.Schema.ControlType.Choices, label.Type);
        Assert.Equal(4, label.Tasks);
        Assert.Equal(12, label.Pairs);
        Assert.Equal(7.0 / 12, Metric(label, "percentAgreement"), Tol);
        Assert.Equal(11.0 / 41, Metric(label, "fleissKappa"), Tol);
        Assert.Equal(27.0 / 82, Metric(label, "krippendorffAlpha"), Tol);

        // Rating (interval α), pairs (5,5) (4,5) (1,2) (3,3): D_o = Σ ordered-pair δ² / n = (0+2+2+0)/8 = 1/2;
        // values 5,5,4,5,1,2,3,3: Σv = 28, Σv² = 114, Σ_{i≠j} (v_i−v_j)² = 2(8·114 − 28²) = 256,
        // D_e = 256/(8·7) → α = 1 − (1/2)/(256/56) = 1 − 28/256 = 0.890625.
        var score = Control(a, "score");
        Assert.Equal(4, score.Pairs);
        Assert.Equal(0.890625, Metric(score, "krippendorffAlpha"), Tol);

        // Spans, 12 annotator pairs. Exact F1: t0 A–B 2/3, A–C 1, B–C 2/3; t1 A–B 0, A–C 1, B–C 0;
        // t2, t3 nobody marked anything: 6 pairs of 1 → (7/3 + 1 + 6)/12 = 7/9.
        // Overlap F1: t1 becomes 1, 1, 1 → (7/3 + 3 + 6)/12 = 17/18.
        var ents = Control(a, "ents");
        Assert.Equal(12, ents.Pairs);
        Assert.Equal(7.0 / 9, Metric(ents, "f1Exact"), Tol);
        Assert.Equal(17.0 / 18, Metric(ents, "f1Overlap"), Tol);

        // Transcription, A–B on t0 and t1; each pair averages both directions.
        // t0: CER 1/4 either way (one of four characters); WER 1 (one word, different).
        // t1: CER 5/11 and 5/16 (" down" inserted) → 135/352; WER 1/3 and 1/4 → 7/24.
        // Means: CER (88/352 + 135/352)/2 = 223/704; WER (1 + 7/24)/2 = 31/48.
        var note = Control(a, "note");
        Assert.Equal(2, note.Tasks);
        Assert.Equal(223.0 / 704, Metric(note, "cer"), Tol);
        Assert.Equal(31.0 / 48, Metric(note, "wer"), Tol);
    }

    [Fact]
    public async Task OneTasksAgreementUsesOnlyThatTask()
    {
        var s = await AnnotatedAsync();
        var a = await s.Manager.Http.GetOkAsync<AgreementView>($"api/projects/{s.Project}/quality/agreement?taskId={s.TaskIds[1]}");
        Assert.Equal(s.TaskIds[1], a.TaskId);
        Assert.Equal(1, a.Tasks);
        // t1 pos, pos, neg: P = 2/6 = 1/3; P_e = (2/3)² + (1/3)² = 5/9 → κ = (1/3 − 5/9)/(4/9) = −1/2.
        // α: D_o = ((9 − 5)/2)/3 = 2/3, D_e = (9 − 5)/(3·2) = 2/3 → α = 0.
        var label = Control(a, "label");
        Assert.Equal(1.0 / 3, Metric(label, "percentAgreement"), Tol);
        Assert.Equal(-0.5, Metric(label, "fleissKappa"), Tol);
        Assert.Equal(0.0, Metric(label, "krippendorffAlpha"), Tol);
        var ents = Control(a, "ents");
        Assert.Equal(1.0 / 3, Metric(ents, "f1Exact"), Tol);
        Assert.Equal(1.0, Metric(ents, "f1Overlap"), Tol);
        var note = Control(a, "note");
        Assert.Equal(135.0 / 352, Metric(note, "cer"), Tol);
        Assert.Equal(7.0 / 24, Metric(note, "wer"), Tol);

        using var missing = await s.Manager.Http.GetAsync($"api/projects/{s.Project}/quality/agreement?taskId=999999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AgreementExportsAsCsvOneRowPerMetric()
    {
        var s = await AnnotatedAsync();
        using var r = await s.Manager.Http.GetAsync($"api/projects/{s.Project}/quality/agreement?format=csv");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var lines = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("control,type,metric,value,tasks,pairs", lines[0]);
        var fleiss = lines.Single(l => l.StartsWith("label,choices,fleissKappa,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(11.0 / 41, double.Parse(fleiss[3], System.Globalization.CultureInfo.InvariantCulture), Tol);
        Assert.Equal(["4", "12"], fleiss[4..]);
        // 3 choices metrics + 1 rating + 2 spans + 2 transcription.
        Assert.Equal(1 + 8, lines.Length);
    }

    [Fact]
    public async Task AgreementLeavesOutRejectedAnnotations()
    {
        var s = await AnnotatedAsync();
        // Reject C's neu on t3: t3 keeps pos, neg → P_3 = 0; P̄ = (1 + 1/3 + 1 + 0)/4 = 7/12 still, but
        // now 11 answers: pos 6, neg 5 → P_e = (36 + 25)/121 = 61/121, κ = (7/12 − 61/121)/(60/121) = 115/720.
        var reviewer = await s.Org.PersonAsync(Roles.Reviewer);
        var c = s.Annotators[2].Id;
        var annotation = (await fx.QueryAsync<long>(
            "SELECT id FROM annotations WHERE task_id = @task AND user_id = @c", new { task = s.TaskIds[3], c })).Single();
        await reviewer.Http.PostOkAsync($"api/annotations/{annotation}/review", new { action = "reject", comment = "not neutral" });

        var label = Control(await s.Manager.Http.GetOkAsync<AgreementView>($"api/projects/{s.Project}/quality/agreement"), "label");
        Assert.Equal(10, label.Pairs); // 3 + 3 + 3 + 1
        Assert.Equal(7.0 / 12, Metric(label, "percentAgreement"), Tol);
        Assert.Equal(115.0 / 720, Metric(label, "fleissKappa"), Tol);
    }

    [Fact]
    public async Task AgreementAndAggregatePageThroughEveryTaskOfALargerProject()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(1203));
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        // Stored directly: 2,406 submissions through HTTP would only slow the test down. B says neg where the id is a multiple of 4.
        const string insert = """
            INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
            SELECT id, project_id, @user, @user, 1, 'submitted',
                   CASE WHEN @contrary = 1 AND id % 4 = 0 THEN '{"label":["neg"]}' ELSE '{"label":["pos"]}' END, 0
            FROM tasks WHERE project_id = @project
            """;
        await fx.QueryAsync<long>(insert, new { user = a.Id, contrary = 0, project });
        await fx.QueryAsync<long>(insert, new { user = b.Id, contrary = 1, project });
        var ids = await fx.QueryAsync<long>("SELECT id FROM tasks WHERE project_id = @project", new { project });
        var disagreeing = ids.Count(id => id % 4 == 0);

        var label = Control(await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement"), "label");
        Assert.Equal(1203, label.Tasks);
        Assert.Equal((1203.0 - disagreeing) / 1203, Metric(label, "percentAgreement"), Tol);

        var mv = await manager.Http.PostOkAsync<AggregateView>($"api/projects/{project}/quality/aggregate", new { method = "mv" });
        var items = mv.Items.ToList();
        Assert.Equal(ids.Order(), items.Select(i => i.TaskId));
        // A pos / B neg is a tie, which goes to the smallest label, neg.
        Assert.Equal(disagreeing, items.Count(i => i.Label == "neg"));
    }

    [Fact]
    public async Task AnnotatorScoresCombineWorkGoldAndReviews()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(3));
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var annotationsOf = new Dictionary<long, List<long>> { [a.Id] = [], [b.Id] = [] };
        foreach (var (p, leads) in new[] { (a, new[] { 2.0, 4.0, 6.0 }), (b, new[] { 1.0, 1.0, 1.0 }) })
        {
            var i = 0;
            while (await NextAsync(p, project) is { } lease)
            {
                var r = await p.Http.PostOkAsync<SubmitResponse>($"api/assignments/{lease.AssignmentId}/submit",
                    new { result = new { label = new[] { "pos" } }, leadTimeSeconds = leads[i++] });
                annotationsOf[p.Id].Add(r.AnnotationId);
            }
        }
        // A: accepted twice, rejected once → 2/3. B: accepted once, fixed once (a fix is reviewed, not accepted) → 1/2.
        await reviewer.Http.PostOkAsync($"api/annotations/{annotationsOf[a.Id][0]}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync($"api/annotations/{annotationsOf[a.Id][1]}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync($"api/annotations/{annotationsOf[a.Id][2]}/review", new { action = "reject", comment = "no" });
        await reviewer.Http.PostOkAsync($"api/annotations/{annotationsOf[b.Id][0]}/review", new { action = "accept" });
        await reviewer.Http.PostOkAsync($"api/annotations/{annotationsOf[b.Id][1]}/review",
            new { action = "fix", result = new { label = new[] { "neg" } } });
        using (var patch = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { quality = new { goldThreshold = 0.7, goldMinimum = 5 } }))
        {
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        }
        // Gold records as the queue keeps them: A 6 of 10 (0.6, enough seen → flagged); B 1 of 4 (0.25, too few to judge).
        await fx.QueryAsync<long>("INSERT INTO annotator_scores (project_id, user_id, gold_seen, gold_score) VALUES (@project, @a, 10, 6), (@project, @b, 4, 1)",
            new { project, a = a.Id, b = b.Id });

        var view = await reviewer.Http.GetOkAsync<AnnotatorsView>($"api/projects/{project}/quality/annotators");
        Assert.Equal(0.7, view.GoldThreshold, Tol);
        Assert.Equal(5, view.GoldMinimum);
        var rows = view.Annotators.ToDictionary(r => r.UserId);
        Assert.Equal(2, rows.Count); // the reviewer's fix is B's annotation, not the reviewer's work
        var ra = rows[a.Id];
        Assert.Equal(3, ra.Annotations);
        Assert.Equal(10, ra.GoldSeen);
        Assert.Equal(0.6, ra.GoldAccuracy!.Value, Tol);
        Assert.True(ra.Flagged);
        Assert.Equal(4.0, ra.AvgLeadTimeSeconds!.Value, Tol);
        Assert.Equal(3, ra.Reviewed);
        Assert.Equal(2.0 / 3, ra.AcceptanceRate!.Value, Tol);
        var rb = rows[b.Id];
        Assert.Equal(3, rb.Annotations);
        Assert.Equal(0.25, rb.GoldAccuracy!.Value, Tol);
        Assert.False(rb.Flagged);
        Assert.Equal(1.0, rb.AvgLeadTimeSeconds!.Value, Tol);
        Assert.Equal(0.5, rb.AcceptanceRate!.Value, Tol);
    }

    [Fact]
    public async Task OtherOrganisationsGetNotFoundAndAnnotatorsForbidden()
    {
        var s = await AnnotatedAsync();
        var stranger = await (await fx.NewOrgAsync()).PersonAsync(Roles.Manager);
        foreach (var who in new[] { stranger, s.Annotators[0] })
        {
            var expected = who == stranger ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden;
            using var annotators = await who.Http.GetAsync($"api/projects/{s.Project}/quality/annotators");
            using var agreement = await who.Http.GetAsync($"api/projects/{s.Project}/quality/agreement");
            using var aggregate = await who.Http.PostAsJsonAsync($"api/projects/{s.Project}/quality/aggregate", new { method = "mv" });
            Assert.Equal(expected, annotators.StatusCode);
            Assert.Equal(expected, agreement.StatusCode);
            Assert.Equal(expected, aggregate.StatusCode);
        }
    }

    [Fact]
    public async Task MajorityVoteAggregateBreaksTiesToTheSmallestLabelAndGoldOverridesIt()
    {
        var s = await AnnotatedAsync();
        var mv = await s.Manager.Http.PostOkAsync<AggregateView>($"api/projects/{s.Project}/quality/aggregate", new { method = "mv", control = "label" });
        Assert.Equal("mv", mv.Method);
        Assert.Equal("label", mv.Control);
        var items = mv.Items.ToDictionary(i => i.TaskId);
        // Vote shares: t0 pos 3/3, t1 pos 2/3, t2 neg 3/3, t3 a three-way tie → "neg", the smallest label, 1/3.
        AssertItem(items[s.TaskIds[0]], "pos", 1);
        AssertItem(items[s.TaskIds[1]], "pos", 2.0 / 3);
        AssertItem(items[s.TaskIds[2]], "neg", 1);
        AssertItem(items[s.TaskIds[3]], "neg", 1.0 / 3);
        // Skill under majority vote = share of one's answers equal to the result: A misses t3, B none, C t1 and t3.
        var skills = mv.Workers.ToDictionary(w => w.UserId, w => w.Skill);
        Assert.Equal(0.75, skills[s.Annotators[0].Id], Tol);
        Assert.Equal(1.0, skills[s.Annotators[1].Id], Tol);
        Assert.Equal(0.5, skills[s.Annotators[2].Id], Tol);

        // t3 becomes a gold task whose answer is neu: it is clamped to it, and now A, B and C each miss one of four.
        await fx.QueryAsync<long>("UPDATE tasks SET gold_json = @gold WHERE id = @id", new { gold = """{"label":["neu"]}""", id = s.TaskIds[3] });
        var gold = await s.Manager.Http.PostOkAsync<AggregateView>($"api/projects/{s.Project}/quality/aggregate", new { method = "mv" });
        var withGold = gold.Items.ToDictionary(i => i.TaskId);
        AssertItem(withGold[s.TaskIds[3]], "neu", 1);
        AssertItem(withGold[s.TaskIds[1]], "pos", 2.0 / 3);
        Assert.All(gold.Workers, w => Assert.Equal(0.75, w.Skill, Tol));

        using var csv = await s.Manager.Http.PostAsJsonAsync($"api/projects/{s.Project}/quality/aggregate?format=csv", new { method = "mv" });
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            $"task,truth,confidence\n{s.TaskIds[0]},pos,1\n{s.TaskIds[1]},pos,0.666667\n{s.TaskIds[2]},neg,1\n{s.TaskIds[3]},neu,1\n",
            await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AggregateCsvWritesALabelThatLooksLikeAFormulaAsText()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new[] { new { name = "text", type = "text" } },
            controls = new object[] { new { name = "label", type = "choices", field = "text", options = new[] { "=1+1", "ok" } } },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema);
        await TestData.ImportAsync(manager.Http, project, ["一条"]);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(annotator, project))!;
        await annotator.Http.PostOkAsync($"api/assignments/{lease.AssignmentId}/submit", new { result = new { label = new[] { "=1+1" } } });
        using var csv = await manager.Http.PostAsJsonAsync($"api/projects/{project}/quality/aggregate?format=csv", new { method = "mv" });
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains(",\"'=1+1\",", text, StringComparison.Ordinal);
    }

    private static void AssertItem(AggregateItem item, string label, double confidence)
    {
        Assert.Equal(label, item.Label);
        Assert.Equal(confidence, item.Confidence, Tol);
    }

    [Fact]
    public async Task AggregateDefaultsToTheDefaultMethodAndFirstChoicesControl()
    {
        var s = await AnnotatedAsync();
        using var empty = await s.Manager.Http.PostAsync($"api/projects/{s.Project}/quality/aggregate", null);
        var json = await empty.OkAsync<AggregateView>("aggregate");
        // The default is auto, and the response names what it chose: with fewer than 20 gold tasks
        // that is plain Dawid–Skene.
        Assert.Equal("ds", json.Method);
        Assert.Equal("label", json.Control);
        var items = json.Items.ToDictionary(i => i.TaskId);
        Assert.Equal(4, items.Count);
        // Unanimous tasks stay what everyone said under any sensible model.
        Assert.Equal("pos", items[s.TaskIds[0]].Label);
        Assert.Equal("neg", items[s.TaskIds[2]].Label);
        Assert.All(items.Values, i => Assert.InRange(i.Confidence, 0, 1));
        Assert.Equal(3, json.Workers.Count);
    }

    [Fact]
    public async Task AggregateRejectsUnknownMethodsAndControlsThatAreNotChoices()
    {
        var s = await AnnotatedAsync();
        using var method = await s.Manager.Http.PostAsJsonAsync($"api/projects/{s.Project}/quality/aggregate", new { method = "oracle" });
        Assert.Equal(HttpStatusCode.BadRequest, method.StatusCode);
        using var control = await s.Manager.Http.PostAsJsonAsync($"api/projects/{s.Project}/quality/aggregate", new { control = "ents" });
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        using var missing = await s.Manager.Http.PostAsJsonAsync($"api/projects/{s.Project}/quality/aggregate", new { control = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task JsonlExportWithConsensusWritesInferredChoicesAndMergedSpans()
    {
        var s = await AnnotatedAsync();
        using (var csv = await s.Manager.Http.PostAsJsonAsync($"api/projects/{s.Project}/exports", new { format = "csv", consensus = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        }
        var job = await s.Manager.Http.PostOkAsync<ExportView>($"api/projects/{s.Project}/exports", new { format = "jsonl", consensus = true, consensusMethod = "mv" });
        var text = await s.Manager.DownloadExportAsync(job.Id);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l))
            .ToDictionary(l => l.GetProperty("id").GetInt64(), l => l.GetProperty("consensus"));
        Assert.Equal(4, lines.Count);

        // Choices by majority vote (as in the aggregate test).
        AssertChoice(lines[s.TaskIds[0]], "pos", 1);
        AssertChoice(lines[s.TaskIds[1]], "pos", 2.0 / 3);
        AssertChoice(lines[s.TaskIds[3]], "neg", 1.0 / 3);
        // t0: PER 0-2 by all three; LOC 3-5 by A and C, more than half of three → kept.
        var t0 = lines[s.TaskIds[0]].GetProperty("ents").EnumerateArray().ToList();
        Assert.Equal(2, t0.Count);
        AssertSpan(t0[0], 0, 2, "PER", 3);
        AssertSpan(t0[1], 3, 5, "LOC", 2);
        // t1: 0-2, 0-3, 0-2 overlap with IoU 2/3 → one cluster, ends 2, 2, 3 → lower median 2.
        var t1 = lines[s.TaskIds[1]].GetProperty("ents").EnumerateArray().ToList();
        AssertSpan(Assert.Single(t1), 0, 2, "PER", 3);
        Assert.Equal(0, lines[s.TaskIds[2]].GetProperty("ents").GetArrayLength());
    }

    [Fact]
    public async Task BoxesAgreeByIoUAndMergeIntoConsensusBoxesDrawnByAMajority()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new[] { new { name = "image", type = "image" } },
            controls = new object[] { new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "car" } } },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema, overlap: 3);
        using (var import = await TestData.ImportRawAsync(manager.Http, project, """{"key":"i1","data":{"image":"img/street.jpg"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }
        // A and B draw nearly the same car, C one elsewhere.
        double[][] drawn = [[0, 0, 10, 10], [0, 0, 10, 12], [50, 50, 10, 10]];
        foreach (var box in drawn)
        {
            var p = await org.PersonAsync(Roles.Annotator);
            var lease = (await NextAsync(p, project))!;
            await p.Http.PostOkAsync($"api/assignments/{lease.AssignmentId}/submit", new
            {
                result = new { boxes = new[] { new { id = "r1", label = "car", x = box[0], y = box[1], width = box[2], height = box[3] } } },
            });
        }

        // A–B: IoU 100/120 = 5/6 ≥ 0.5 → F1 1; A–C and B–C: no overlap → F1 0, no matched pair.
        // Mean F1 = 1/3; mean IoU over matched pairs = 5/6.
        var boxes = Control(await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement"), "boxes");
        Assert.Equal(3, boxes.Pairs);
        Assert.Equal(1.0 / 3, Metric(boxes, "f1"), Tol);
        Assert.Equal(5.0 / 6, Metric(boxes, "meanIoU"), Tol);

        // Consensus: A and B cluster (2 of 3, kept), C alone (1 of 3, dropped). Edges are medians:
        // left 0, top 0, right 10, bottom median(10, 12) = 11.
        var job = await manager.Http.PostOkAsync<ExportView>($"api/projects/{project}/exports", new { format = "jsonl", consensus = true });
        var line = JsonSerializer.Deserialize<JsonElement>(await manager.DownloadExportAsync(job.Id));
        var merged = Assert.Single(line.GetProperty("consensus").GetProperty("boxes").EnumerateArray());
        Assert.Equal("car", merged.GetProperty("label").GetString());
        Assert.Equal([0.0, 0.0, 10.0, 11.0], new[] { "x", "y", "width", "height" }.Select(k => merged.GetProperty(k).GetDouble()).ToArray());
        Assert.Equal(2, merged.GetProperty("support").GetInt32());
    }

    private static void AssertChoice(JsonElement consensus, string label, double confidence)
    {
        var c = consensus.GetProperty("label");
        Assert.Equal([label], c.GetProperty("value").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal(confidence, c.GetProperty("confidence").GetDouble(), Tol);
    }

    private static void AssertSpan(JsonElement span, int start, int end, string label, int support)
    {
        Assert.Equal(start, span.GetProperty("start").GetInt32());
        Assert.Equal(end, span.GetProperty("end").GetInt32());
        Assert.Equal(label, span.GetProperty("label").GetString());
        Assert.Equal(support, span.GetProperty("support").GetInt32());
        Assert.Equal(1.0, span.GetProperty("agreement").GetDouble(), Tol);
    }
}

public sealed class SqliteQualityTests(SqliteFixture fx) : QualityTests<SqliteFixture>(fx);

public sealed class PostgresQualityTests(PostgresFixture fx) : QualityTests<PostgresFixture>(fx);
