namespace Yunzhong.Core.Schema;

/// <summary>
/// Whether a project's label schema may be replaced once annotations were written against it.
/// Annotations are kept as they were written, and exports, review fixes and quality figures read
/// them through the current schema; so a change may add (fields, optional controls, labels,
/// options, a higher rating scale, more answers allowed) but never take away or reinterpret what
/// an existing result can hold.
/// </summary>
public static class SchemaChange
{
    /// <summary>
    /// What <paramref name="next"/> takes away from <paramref name="current"/>, as errors with JSON
    /// pointers into <paramref name="next"/> (or to its controls' list for a control it lacks);
    /// empty when every result valid under the current schema stays valid under the next one.
    /// </summary>
    public static IReadOnlyList<SchemaError> Breaks(LabelSchema current, LabelSchema next)
    {
        var errors = new List<SchemaError>();
        foreach (var field in current.Fields)
        {
            var i = IndexOf(next.Fields, f => f.Name == field.Name);
            if (i < 0)
            {
                errors.Add(SchemaError.Of("/fields", $"Field \"{field.Name}\" is labelled by existing annotations and cannot be removed.", SchemaErrorCodes.ChangeFieldRemoved, ("name", field.Name)));
            }
            else if (next.Fields[i].Type != field.Type)
            {
                errors.Add(SchemaError.Of($"/fields/{i}/type", $"Field \"{field.Name}\" keeps its type {Name(field.Type)} once annotations exist.", SchemaErrorCodes.ChangeKeeps, ("name", field.Name), ("key", "type")));
            }
        }
        foreach (var control in current.Controls)
        {
            var i = IndexOf(next.Controls, c => c.Name == control.Name);
            if (i < 0)
            {
                errors.Add(SchemaError.Of("/controls", $"Control \"{control.Name}\" holds existing annotations and cannot be removed or renamed.", SchemaErrorCodes.ChangeControlRemoved, ("name", control.Name)));
                continue;
            }
            CompareControl(control, next.Controls[i], $"/controls/{i}", errors);
        }
        for (var i = 0; i < next.Controls.Count; i++)
        {
            var added = next.Controls[i];
            if (added.Required && IndexOf(current.Controls, c => c.Name == added.Name) < 0)
            {
                errors.Add(SchemaError.Of($"/controls/{i}/required", $"New control \"{added.Name}\" cannot be required: existing annotations have no value for it.", SchemaErrorCodes.ChangeRequired, ("name", added.Name)));
            }
        }
        return errors;
    }

    private static void CompareControl(ControlDef was, ControlDef now, string at, List<SchemaError> errors)
    {
        var name = was.Name;
        if (now.Type != was.Type)
        {
            errors.Add(SchemaError.Of($"{at}/type", $"Control \"{name}\" keeps its type {Name(was.Type)} once annotations exist.", SchemaErrorCodes.ChangeKeeps, ("name", name), ("key", "type")));
            return;
        }
        if (now.Field != was.Field || !(now.Fields ?? []).SequenceEqual(was.Fields ?? [], StringComparer.Ordinal))
        {
            var key = was.Fields is null ? "field" : "fields";
            errors.Add(SchemaError.Of($"{at}/{key}", $"Control \"{name}\" keeps labelling field \"{was.Field ?? string.Join(", ", was.Fields ?? [])}\" once annotations exist.", SchemaErrorCodes.ChangeKeeps, ("name", name), ("key", key)));
        }
        if (now.Spans != was.Spans || now.PerSegment != was.PerSegment || now.PerMessage != was.PerMessage
            || !(now.PerRegion ?? []).SequenceEqual(was.PerRegion ?? [], StringComparer.Ordinal))
        {
            errors.Add(SchemaError.Of(at, $"Control \"{name}\" keeps the control it refers to once annotations exist.", SchemaErrorCodes.ChangeKeeps, ("name", name), ("key", now.Spans is not null || was.Spans is not null ? "spans" : now.PerRegion is not null || was.PerRegion is not null ? "perRegion" : now.PerMessage is not null || was.PerMessage is not null ? "perMessage" : "perSegment")));
        }
        if (now.Mode != was.Mode)
        {
            errors.Add(SchemaError.Of($"{at}/mode", $"Control \"{name}\" keeps its mode once annotations exist.", SchemaErrorCodes.ChangeKeeps, ("name", name), ("key", "mode")));
        }
        if (was.Multiple && !now.Multiple)
        {
            errors.Add(SchemaError.Of($"{at}/multiple", $"Control \"{name}\" already has answers with several values; it stays multiple.", SchemaErrorCodes.ChangeKeeps, ("name", name), ("key", "multiple")));
        }
        if (now.Required && !was.Required)
        {
            errors.Add(SchemaError.Of($"{at}/required", $"Control \"{name}\" cannot become required: existing annotations may have no value for it.", SchemaErrorCodes.ChangeRequired, ("name", name)));
        }
        if (now.Type == ControlType.Rating ? now.RatingMax < was.RatingMax : (now.Max is { } max && (was.Max is null || max < was.Max)))
        {
            errors.Add(SchemaError.Of($"{at}/max", $"Control \"{name}\" cannot lower its maximum once annotations exist.", SchemaErrorCodes.ChangeNarrower, ("name", name), ("key", "max")));
        }
        if (now.Min is { } min && (was.Min is null || min > was.Min))
        {
            errors.Add(SchemaError.Of($"{at}/min", $"Control \"{name}\" cannot raise its minimum once annotations exist.", SchemaErrorCodes.ChangeNarrower, ("name", name), ("key", "min")));
        }
        if (now.LeafsOnly && !was.LeafsOnly)
        {
            errors.Add(SchemaError.Of($"{at}/leafsOnly", $"Control \"{name}\" cannot become leaves-only once annotations exist.", SchemaErrorCodes.ChangeNarrower, ("name", name), ("key", "leafsOnly")));
        }
        var kept = Paths(now.Labels, "").ToHashSet(StringComparer.Ordinal);
        var labelKey = ControlKinds.Of(now.Type).LabelKey;
        var missing = Paths(was.Labels, "").Where(p => !kept.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(SchemaError.Of($"{at}/{labelKey}", $"Control \"{name}\" keeps the {labelKey} existing annotations use: "
                + string.Join(", ", missing.Select(m => $"\"{m}\"")) + " cannot be removed or renamed.",
                SchemaErrorCodes.ChangeLabelsRemoved, ("name", name), ("labels", string.Join(", ", missing))));
        }
    }

    // A taxonomy option is known by its path from the top ("Animal / Cat"); a flat label by its value.
    private static IEnumerable<string> Paths(IReadOnlyList<LabelDef> labels, string prefix)
    {
        foreach (var l in labels)
        {
            var path = prefix + l.Value;
            yield return path;
            if (l.Children is { } children)
            {
                foreach (var child in Paths(children, path + " / "))
                {
                    yield return child;
                }
            }
        }
    }

    private static int IndexOf<T>(IReadOnlyList<T> list, Func<T, bool> match)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (match(list[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
