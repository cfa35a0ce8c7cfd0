namespace Yunzhong.Core.Formats;

/// <summary>
/// Single keypoints made into instances, as COCO and YOLO pose have them: a point belongs to the
/// smallest box holding it (edges included); points inside no box are a group of their own. Shared by
/// the COCO and YOLO writers so both group alike.
/// </summary>
internal static class KeypointInstances
{
    /// <summary>The box index of points inside no box (it sorts after every box).</summary>
    public const int NoBox = int.MaxValue;

    /// <summary>Groups points 0 … <paramref name="count"/> − 1 by (control, smallest box holding the point),
    /// ordered by control, then box (<see cref="NoBox"/> last); members keep their order.</summary>
    public static SortedDictionary<(int Control, int Box), List<int>> Group(
        int count, Func<int, (int Control, double X, double Y)> point, IReadOnlyList<(double Left, double Top, double Right, double Bottom)> boxes)
    {
        var groups = new SortedDictionary<(int Control, int Box), List<int>>();
        for (var p = 0; p < count; p++)
        {
            var (control, x, y) = point(p);
            var box = NoBox;
            var smallest = double.MaxValue;
            for (var b = 0; b < boxes.Count; b++)
            {
                var (left, top, right, bottom) = boxes[b];
                var size = (right - left) * (bottom - top);
                if (x >= left && x <= right && y >= top && y <= bottom && size < smallest)
                {
                    (box, smallest) = (b, size);
                }
            }

            if (!groups.TryGetValue((control, box), out var members))
            {
                groups[(control, box)] = members = [];
            }

            members.Add(p);
        }

        return groups;
    }

    /// <summary>One instance's points by keypoint name (index into the control's labels): the first point
    /// of a name fills its slot (<c>Point</c> its index; −1 for an empty slot); a second one is handed to
    /// <paramref name="duplicate"/> and left out.</summary>
    public static (double X, double Y, int Point)[] Slots(
        IEnumerable<int> members, int names, Func<int, (int Name, double X, double Y)> point, Action<int> duplicate)
    {
        var slots = new (double X, double Y, int Point)[names];
        Array.Fill(slots, (0, 0, -1));
        foreach (var p in members)
        {
            var (name, x, y) = point(p);
            if (slots[name].Point >= 0)
            {
                duplicate(p);
                continue;
            }

            slots[name] = (x, y, p);
        }

        return slots;
    }
}
