using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Yunzhong.Server.Storage;

/// <summary>
/// Blobs as objects of one bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, …), under a key
/// prefix. Writes stream: larger blobs go up as a multipart upload, one part (8 MiB) sent in the
/// background while the next fills, so at most two parts are held in memory. An object appears only when the single PUT or the multipart completion
/// succeeds, so a writer that is not committed leaves nothing visible (its upload is aborted).
/// Reads stream too: a seekable stream that asks for the byte range from its position on, pinned
/// to the object's ETag so a blob replaced mid-read fails instead of mixing two versions.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>Above S3's 5 MiB minimum for all parts but the last; 10,000 parts make 80 GiB.</summary>
    internal const int PartSize = 8 * 1024 * 1024;

    private readonly AmazonS3Client _s3;
    private readonly S3Location _where;

    public S3BlobStore(S3Location where, AWSCredentials? credentials = null)
    {
        _where = where;
        var config = new AmazonS3Config
        {
            ForcePathStyle = where.Endpoint is not null,
            AuthenticationRegion = where.Region,
            // Checksums only where S3 requires them: trailing CRC checksums in aws-chunked bodies are
            // newer than many S3-compatible servers; the payload is signed (SHA-256) all the same.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // The SDK copies a request's body to the connection in pieces of this size (8 KiB by default):
            // 1,024 socket writes for every part, and the store wakes for each. An eighth of a part a write.
            BufferSize = PartSize / 8,
        };
        if (where.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(where.Region);
        }
        // Without credentials given, the SDK's own chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
        // a profile, or the instance's role.
        _s3 = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    public S3Location Location => _where;

    private string Key(string name)
    {
        LocalBlobStore.CheckName(name);
        return _where.Prefix + name;
    }

    public Stream? OpenRead(string name) => OpenReadAsync(name, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken ct)
    {
        var key = Key(name);
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _where.Bucket, Key = key }, ct);
            return new S3ReadStream(_s3, _where.Bucket, key, head.ContentLength, head.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>One GET of the whole object (no HEAD first): its answer gives the length and ETag, and its
    /// body is the stream's from position 0 (a seek after it asks for a range as usual). A release's media
    /// phase made four requests a medium, on a store that spends its time per request, not per byte.</summary>
    public async Task<Stream?> OpenWholeAsync(string name, CancellationToken ct)
    {
        var key = Key(name);
        try
        {
            var body = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _where.Bucket, Key = key }, ct);
            return new S3ReadStream(_s3, _where.Bucket, key, body.ContentLength, body.ETag, body);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken ct) =>
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _where.Bucket, Key = Key(name) }, ct);

    public Task<BlobWriter> CreateAsync(string name, CancellationToken ct) =>
        Task.FromResult<BlobWriter>(new S3Writer(_s3, _where.Bucket, Key(name)));

    /// <summary>Nothing to do: S3 answers a PUT or a completed upload only once the object is stored durably.</summary>
    public Task SyncAsync(IReadOnlyCollection<string> names, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Makes the bucket where it is missing (a first start against a fresh store); asks first,
    /// so credentials that may only read and write objects do not need the right to create buckets.</summary>
    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        try
        {
            await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _where.Bucket, MaxKeys = 1 }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _where.Bucket }, ct);
        }
    }

    public void Dispose() => _s3.Dispose();

    private sealed class S3Writer : BlobWriter
    {
        private readonly AmazonS3Client _s3;
        private readonly string _bucket;
        private readonly string _key;
        private readonly PartStream _stream;
        private readonly List<PartETag> _parts = [];
        private MemoryStream _spare = new();
        private Task? _inFlight;
        private string? _uploadId;
        private bool _done;

        public S3Writer(AmazonS3Client s3, string bucket, string key)
        {
            (_s3, _bucket, _key) = (s3, bucket, key);
            _stream = new PartStream(SendPartAsync);
        }

        public override Stream Stream => _stream;

        /// <summary>Sends each full part as soon as it is full (the stream hands them over here), in the
        /// background: the stream goes on filling a second buffer meanwhile. A part waits only for the
        /// one before it, so one upload is in flight at a time and parts go up in order.</summary>
        private async Task SendPartAsync(CancellationToken ct)
        {
            _uploadId ??= (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _key }, ct)).UploadId;
            await WaitForPartAsync();
            var full = _stream.Buffer;
            _stream.Buffer = _spare;
            _spare = full;
            _inFlight = UploadPartAsync(full, _parts.Count + 1, ct);
        }

        private async Task WaitForPartAsync()
        {
            if (_inFlight is { } part)
            {
                _inFlight = null;
                await part;
            }
        }

        private async Task UploadPartAsync(MemoryStream buffer, int number, CancellationToken ct)
        {
            var answer = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket,
                Key = _key,
                UploadId = _uploadId,
                PartNumber = number,
                // A view of the part's bytes that the SDK may close; the buffer itself is used again.
                InputStream = View(buffer),
                PartSize = buffer.Length,
                UseChunkEncoding = false,
            }, ct);
            _parts.Add(new PartETag(number, answer.ETag));
            buffer.SetLength(0);
        }

        private static MemoryStream View(MemoryStream buffer) => new(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);

        public override async Task CommitAsync(bool durable, CancellationToken ct)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            if (_uploadId is null)
            {
                await _s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _bucket,
                    Key = _key,
                    InputStream = View(_stream.Buffer),
                    UseChunkEncoding = false,
                }, ct);
            }
            else
            {
                if (_stream.Buffer.Length > 0)
                {
                    await SendPartAsync(ct);
                }
                await WaitForPartAsync();
                await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = _key,
                    UploadId = _uploadId,
                    PartETags = _parts,
                }, ct);
            }
            _done = true;
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await WaitForPartAsync();
            }
            catch (Exception e) when (e is AmazonServiceException or OperationCanceledException or IOException or HttpRequestException)
            {
                // The part that failed is aborted with the rest below; the caller has its exception.
            }
            if (!_done && _uploadId is not null)
            {
                // Parts of an upload never completed are invisible but billed: give them back.
                try
                {
                    await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId });
                }
                catch (AmazonServiceException)
                {
                    // A lifecycle rule for incomplete uploads is the backstop; the blob is not visible either way.
                }
            }
            _done = true;
            await _stream.DisposeAsync();
            await _spare.DisposeAsync();
        }

        /// <summary>Write-only; fills one part's buffer and hands it to the writer whenever it is full.</summary>
        private sealed class PartStream(Func<CancellationToken, Task> full) : Stream
        {
            private long _written;

            /// <summary>The part being filled; the writer swaps in an empty one when it sends this one.</summary>
            public MemoryStream Buffer { get; set; } = new();

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            /// <summary>The bytes written so far, as a file being written tells them (callers read the size here).</summary>
            public override long Length => _written;

            public override long Position
            {
                get => _written;
                set => throw new NotSupportedException();
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) =>
                WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
                WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
            {
                while (data.Length > 0)
                {
                    var take = (int)Math.Min(data.Length, PartSize - Buffer.Length);
                    Buffer.Write(data.Span[..take]);
                    _written += take;
                    data = data[take..];
                    if (Buffer.Length == PartSize)
                    {
                        await full(ct);
                    }
                }
            }

            protected override void Dispose(bool disposing)
            {
                Buffer.Dispose();
                base.Dispose(disposing);
            }
        }

    }

    /// <summary>Seekable over ranged GETs: one open response from the position on, reopened after a seek.</summary>
    private sealed class S3ReadStream(AmazonS3Client s3, string bucket, string key, long length, string etag, GetObjectResponse? body = null) : Stream
    {
        private GetObjectResponse? _body = body;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_position >= length || buffer.Length == 0)
            {
                return 0;
            }
            _body ??= await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ByteRange = new ByteRange(_position, length - 1),
                EtagToMatch = etag,
            }, ct);
            var n = await _body.ResponseStream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                throw new IOException($"Blob '{key}' ended at byte {_position} of {length}.");
            }
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => length + offset,
            };
            ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
            if (target != _position)
            {
                _body?.Dispose();
                _body = null;
                _position = target;
            }
            return _position;
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _body?.Dispose();
            _body = null;
            base.Dispose(disposing);
        }
    }
}
