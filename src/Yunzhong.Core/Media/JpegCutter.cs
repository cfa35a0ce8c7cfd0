namespace Yunzhong.Core.Media;

/// <summary>
/// Cuts a stream of JPEG images written one after another (what ffmpeg's <c>image2pipe</c> writes
/// for <c>mjpeg</c>) into whole images, as the bytes arrive. An image ends at its EOI marker; the
/// marker segments are walked by their lengths and entropy-coded data is scanned for the next marker
/// (a 0xFF byte there is always followed by 0x00 or a restart marker), so an FF D9 pair inside a table
/// or a comment never ends an image early. Holds at most one image and what has arrived of the next.
/// </summary>
public sealed class JpegCutter(int maxImageBytes)
{
    private byte[] _buffer = new byte[Math.Min(maxImageBytes, 64 * 1024)];
    private int _length;
    // Where the walk of the image at the start of the buffer has got to, so bytes are looked at once.
    private int _at;
    private bool _inScan;
    // The image handed out last, dropped from the buffer at the next call (its span is valid until then).
    private int _consumed;

    /// <summary>Bytes received and not yet handed out as an image.</summary>
    public int Pending => _length - _consumed;

    /// <summary>Adds bytes read from the stream.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        Compact();
        // Only the image being cut and the start of the next are held: more than a bound's worth is
        // an image past the bound (or a stream that is no JPEG and never ends one).
        if (_length + bytes.Length > maxImageBytes)
        {
            throw new InvalidDataException($"A JPEG image in the stream is larger than {maxImageBytes} bytes.");
        }
        if (_length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(maxImageBytes, Math.Max(_buffer.Length * 2, _length + bytes.Length)));
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Compact()
    {
        if (_consumed > 0)
        {
            _buffer.AsSpan(_consumed, _length - _consumed).CopyTo(_buffer);
            _length -= _consumed;
            _consumed = 0;
        }
    }

    /// <summary>
    /// The next whole image, or false when more bytes are needed. The span is valid until the next
    /// call on this object.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a JPEG image.</exception>
    public bool TryRead(out ReadOnlySpan<byte> image)
    {
        image = default;
        Compact();
        var b = _buffer.AsSpan(0, _length);
        if (_at == 0)
        {
            if (b.Length < 2)
            {
                return false;
            }
            if (b[0] != 0xFF || b[1] != 0xD8)
            {
                throw new InvalidDataException("The stream does not start with a JPEG image (no SOI marker).");
            }
            _at = 2;
        }
        while (true)
        {
            if (_inScan)
            {
                // Entropy-coded data: runs to the first 0xFF not followed by 0x00 or RST0–RST7.
                var i = _at;
                while (true)
                {
                    var ff = b[i..].IndexOf((byte)0xFF);
                    if (ff < 0)
                    {
                        _at = b.Length;
                        return false;
                    }
                    i += ff;
                    if (i + 1 >= b.Length)
                    {
                        _at = i;
                        return false;
                    }
                    var next = b[i + 1];
                    if (next == 0x00 || next is >= 0xD0 and <= 0xD7 || next == 0xFF)
                    {
                        i += next == 0xFF ? 1 : 2;
                        continue;
                    }
                    break;
                }
                _at = i;
                _inScan = false;
            }
            if (_at + 2 > b.Length)
            {
                return false;
            }
            if (b[_at] != 0xFF)
            {
                throw new InvalidDataException($"A JPEG image has no marker where one belongs (byte {_at}).");
            }
            var marker = b[_at + 1];
            if (marker == 0xFF)
            {
                _at++; // fill byte
                continue;
            }
            if (marker == 0xD9)
            {
                var end = _at + 2;
                image = b[..end];
                _consumed = end;
                _at = 0;
                return true;
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                _at += 2;
                continue;
            }
            if (_at + 4 > b.Length)
            {
                return false;
            }
            var segment = (b[_at + 2] << 8) | b[_at + 3];
            if (segment < 2)
            {
                throw new InvalidDataException($"A JPEG segment has a length of {segment} (byte {_at}).");
            }
            if (_at + 2 + segment > b.Length)
            {
                if (2 + segment > maxImageBytes)
                {
                    throw new InvalidDataException($"A JPEG image in the stream is larger than {maxImageBytes} bytes.");
                }
                return false;
            }
            _at += 2 + segment;
            if (marker == 0xDA)
            {
                _inScan = true;
            }
        }
    }

    /// <summary>The width and height a JPEG image's frame header (SOF0–SOF2) declares, or null where it has none before its scan.</summary>
    public static (int Width, int Height)? SizeOf(ReadOnlySpan<byte> image)
    {
        var at = 2;
        while (at + 4 <= image.Length && image[at] == 0xFF)
        {
            var marker = image[at + 1];
            var length = (image[at + 2] << 8) | image[at + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2 && at + 9 <= image.Length)
            {
                return ((image[at + 7] << 8) | image[at + 8], (image[at + 5] << 8) | image[at + 6]);
            }
            if (marker == 0xDA)
            {
                return null;
            }
            at += 2 + length;
        }
        return null;
    }
}
