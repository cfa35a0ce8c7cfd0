namespace Yunzhong.Core;

/// <summary>
/// What the platform knows about one media file a task refers to: its pixel size (images, video)
/// and duration (audio, video), when known. Validation and exports use it; unknown parts are null.
/// </summary>
/// <param name="Name">The file's name inside the project's media (for COCO <c>file_name</c>).</param>
/// <param name="ContentType">MIME type detected from the content.</param>
/// <param name="Width">Pixel width (images, video), null when unknown.</param>
/// <param name="Height">Pixel height (images, video), null when unknown.</param>
/// <param name="DurationSeconds">Duration (audio, video), null when unknown.</param>
public sealed record MediaInfo(
    string Name,
    string ContentType,
    int? Width = null,
    int? Height = null,
    double? DurationSeconds = null);
