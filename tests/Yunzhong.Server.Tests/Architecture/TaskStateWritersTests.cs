using System.Text.RegularExpressions;

namespace Yunzhong.Server.Tests.Architecture;

/// <summary>
/// One component writes a task's lifecycle columns (<c>state</c>, <c>remaining</c>, <c>target</c>):
/// <c>Features/Tasks/TaskStates.cs</c>, whose statements are checked against the Core lifecycle.
/// Any other source file with SQL that writes them fails here.
/// </summary>
public partial class TaskStateWritersTests
{
    private const string Owner = "src/Yunzhong.Server/Features/Tasks/TaskStates.cs";

    [Fact]
    public void OnlyTaskStatesWritesTheLifecycleColumns()
    {
        var src = ServerFixture.RepoFolder("src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: "src/" + Path.GetRelativePath(src, f).Replace(Path.DirectorySeparatorChar, '/'), Writes: LifecycleWrites(File.ReadAllText(f))))
            .Where(f => f.File != Owner && f.Writes.Count > 0)
            .Select(f => $"{f.File}: {string.Join(" | ", f.Writes)}")
            .ToList();
        Assert.True(offenders.Count == 0,
            "Only TaskStates writes tasks.state, remaining or target; move these into it (and into the lifecycle test):\n"
            + string.Join("\n", offenders));
        Assert.NotEmpty(LifecycleWrites(File.ReadAllText(Path.Combine(src, "..", Owner))));
    }

    /// <summary>The detector finds the writes the code had before they moved (so the test above can fail).</summary>
    [Theory]
    [InlineData("UPDATE tasks SET annotation_count = annotation_count - 1, remaining = remaining + @free, state = 'rejected' WHERE id = @TaskId")]
    [InlineData("counted AS (UPDATE tasks t SET annotation_count = t.annotation_count + 1, updated_at = @now,\n state = CASE WHEN t.annotation_count + 1 >= t.target THEN 'x' END FROM ins WHERE t.id = ins.task_id)")]
    [InlineData("UPDATE tasks SET remaining = remaining - 1 WHERE id = @taskId AND remaining > 0")]
    [InlineData("UPDATE tasks SET control = 1, target = @controlTarget, remaining = @controlTarget WHERE project_id = @projectId")]
    [InlineData("update  tasks\n   set updated_at = @now, state = CASE WHEN annotation_count >= target THEN 'accepted' ELSE state END WHERE id = @taskId")]
    [InlineData("INSERT INTO tasks (project_id, task_key, data_json, priority, shuffle, least_order, state, target, remaining) VALUES ")]
    [InlineData("INSERT INTO tasks (project_id, data_json, remaining) SELECT 1")]
    public void TheDetectorSeesLifecycleWrites(string sql) => Assert.NotEmpty(LifecycleWrites(sql));

    [Theory]
    [InlineData("UPDATE tasks SET priority = @priority, updated_at = @now WHERE project_id = @projectId AND state = 'new'")]
    [InlineData("UPDATE tasks SET shuffle = 1 WHERE project_id = @projectId AND remaining > 0")]
    [InlineData("UPDATE projects SET confidence_target = @ConfidenceTarget, overlap = 2 WHERE id = @id")]
    [InlineData("SELECT state, remaining, target FROM tasks WHERE id = @id")]
    [InlineData("INSERT INTO task_views (state) VALUES ('new')")]
    public void TheDetectorLeavesOtherWritesAlone(string sql) => Assert.Empty(LifecycleWrites(sql));

    internal static List<string> LifecycleWrites(string text)
    {
        var found = new List<string>();
        foreach (Match m in Update().Matches(text))
        {
            if (Column().IsMatch(m.Groups["set"].Value))
            {
                found.Add(Shorten(m.Value));
            }
        }
        foreach (Match m in Insert().Matches(text))
        {
            if (ColumnName().IsMatch(m.Groups["cols"].Value))
            {
                found.Add(Shorten(m.Value));
            }
        }
        return found;
    }

    private static string Shorten(string sql) => Regex.Replace(sql, @"\s+", " ")[..Math.Min(90, Regex.Replace(sql, @"\s+", " ").Length)];

    /// <summary>An UPDATE of tasks (with or without an alias) up to where its SET clause ends.</summary>
    [GeneratedRegex(@"\bUPDATE\s+tasks(\s+(?!SET\b)\w+)?\s+SET\b(?<set>.*?)(\bWHERE\b|\bFROM\b|\bRETURNING\b|""|\z)",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Update();

    /// <summary>A lifecycle column assigned (or compared, which only happens inside its own CASE).</summary>
    [GeneratedRegex(@"(?<![\w.])(\w+\.)?(state|remaining|target)\s*=(?!=)", RegexOptions.IgnoreCase)]
    private static partial Regex Column();

    [GeneratedRegex(@"\bINSERT\s+INTO\s+tasks\s*\((?<cols>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex Insert();

    [GeneratedRegex(@"\b(state|remaining|target)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ColumnName();
}
