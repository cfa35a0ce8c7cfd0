using System.Text;
using System.Text.Json;
using Yunzhong.Core.Datasets;

namespace Yunzhong.Core.Tests.Datasets;

public sealed class ReleaseVerifierTests : IDisposable
{
    private static readonly DateTimeOffset _at = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("yz-release-").FullName;
    private readonly SigningKey _key = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<ReleaseStatement> SealAsync(string? dir = null, string dataset = "coal-mine-safety", int release = 1)
    {
        dir ??= _dir;
        Write(dir, "annotations.jsonl", "{\"id\":1,\"label\":\"安全帽\"}\n{\"id\":2,\"label\":\"😷\"}\n");
        Write(dir, "media/井下/0001.jpg", new string('x', 5000));
        Write(dir, "media/井下/0002.jpg", "second image");
        Write(dir, "coco.json", "{\"images\":[]}");
        var sections = new Dictionary<string, JsonElement>
        {
            ["licence"] = JsonSerializer.SerializeToElement("CC-BY-4.0"),
            ["label_counts"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["安全帽"] = 1, ["😷"] = 1 }),
        };
        return await ReleaseSealer.SealAsync(dir, dataset, release, _at, sections, _key);
    }

    private static void Write(string dir, string path, string text)
    {
        var full = Path.Combine(dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private Task<ReleaseCheck> CheckAsync(params PublicKey[] trusted) => ReleaseVerifier.CheckDirectoryAsync(_dir, trusted.Length == 0 ? [_key.Public] : trusted);

    private static (ReleaseProblemKind, string)[] Found(ReleaseCheck c) => [.. c.Problems.Select(p => (p.Kind, p.Path))];

    [Fact]
    public async Task ASealedReleaseVerifiesWithItsKey()
    {
        var statement = await SealAsync();
        var check = await CheckAsync();
        Assert.True(check.Ok, string.Join("; ", check.Problems));
        Assert.Equal(4, check.FilesChecked);
        Assert.Equal(statement.TotalBytes, check.BytesHashed);
        Assert.Equal(_key.Public.KeyId, check.KeyId);
        Assert.Equal(("coal-mine-safety", 1, 4L), (check.Statement!.Dataset, check.Statement.Release, check.Statement.FileCount));
    }

    [Fact]
    public async Task OneByteChangedIsNamed()
    {
        await SealAsync();
        var path = Path.Combine(_dir, "media/井下/0001.jpg");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[2500] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.Equal([(ReleaseProblemKind.Changed, "media/井下/0001.jpg")], Found(await CheckAsync()));
    }

    [Fact]
    public async Task ADeletedFileAndAnAddedFileAreNamed()
    {
        await SealAsync();
        File.Delete(Path.Combine(_dir, "coco.json"));
        Write(_dir, "media/extra.png", "not in the release");
        Assert.Equal(
            [(ReleaseProblemKind.Unexpected, "media/extra.png"), (ReleaseProblemKind.Missing, "coco.json")],
            Found(await CheckAsync()));
    }

    [Fact]
    public async Task AnEditedManifestIsCaughtEvenWhenItsFilesAgree()
    {
        await SealAsync();
        // Drop a file from the manifest and from the directory: the files agree with the manifest,
        // but the manifest is no longer the signed one, and its root not the signed root.
        var manifestPath = Path.Combine(_dir, ReleaseFormat.ManifestName);
        var (_, files) = ReleaseFormat.ReadManifest(await File.ReadAllBytesAsync(manifestPath));
        var fewer = ReleaseFormat.Ordered(files.Where(f => f.Path != "coco.json"));
        await File.WriteAllBytesAsync(manifestPath, ReleaseFormat.WriteManifest("coal-mine-safety", 1, fewer, []));
        File.Delete(Path.Combine(_dir, "coco.json"));
        var found = Found(await CheckAsync());
        Assert.Contains((ReleaseProblemKind.ManifestChanged, ReleaseFormat.ManifestName), found);
        Assert.Contains((ReleaseProblemKind.RootMismatch, ReleaseFormat.ManifestName), found);
    }

    [Fact]
    public async Task AManifestSwappedForAnotherSignedReleasesIsCaught()
    {
        await SealAsync();
        var other = Directory.CreateTempSubdirectory("yz-release-other-").FullName;
        try
        {
            await SealAsync(other, release: 2);
            Write(other, "new.txt", "only in release 2");
            await ReleaseSealer.SealAsync(other, "coal-mine-safety", 2, _at, [], _key);
            File.Copy(Path.Combine(other, ReleaseFormat.ManifestName), Path.Combine(_dir, ReleaseFormat.ManifestName), overwrite: true);
            var found = Found(await CheckAsync());
            Assert.Contains((ReleaseProblemKind.ManifestChanged, ReleaseFormat.ManifestName), found);
            Assert.Contains((ReleaseProblemKind.Missing, "new.txt"), found);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task AStatementEditedOrSignedByAnotherKeyFails()
    {
        await SealAsync();
        var statementPath = Path.Combine(_dir, ReleaseFormat.StatementName);
        var text = await File.ReadAllTextAsync(statementPath);
        await File.WriteAllTextAsync(statementPath, text.Replace("\"release\": 1", "\"release\": 7", StringComparison.Ordinal));
        Assert.Equal([(ReleaseProblemKind.BadSignature, ReleaseFormat.StatementName)], Found(await CheckAsync()));

        await File.WriteAllTextAsync(statementPath, text);
        var stranger = new SigningKey(new byte[32]);
        Assert.Equal([(ReleaseProblemKind.UnknownKey, ReleaseFormat.SignatureName)], Found(await CheckAsync(stranger.Public)));

        // Re-signed by a stranger under the park's key id: the signature does not verify.
        var forged = SignatureFile.Write(_key.Public, stranger.Sign(Encoding.UTF8.GetBytes(text)));
        await File.WriteAllBytesAsync(Path.Combine(_dir, ReleaseFormat.SignatureName), forged);
        Assert.Equal([(ReleaseProblemKind.BadSignature, ReleaseFormat.StatementName)], Found(await CheckAsync()));
    }

    [Fact]
    public async Task AManifestThatPointsOutsideTheReleaseIsRefusedAsMalformed()
    {
        await SealAsync();
        var manifestPath = Path.Combine(_dir, ReleaseFormat.ManifestName);
        var text = await File.ReadAllTextAsync(manifestPath);
        await File.WriteAllTextAsync(manifestPath, text.Replace("\"coco.json\"", "\"../../etc/passwd\"", StringComparison.Ordinal));
        var found = Found(await CheckAsync());
        Assert.Contains((ReleaseProblemKind.Malformed, ReleaseFormat.ManifestName), found);
        Assert.DoesNotContain(found, f => f.Item2.Contains("passwd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingOwnFilesAreNamed()
    {
        await SealAsync();
        File.Delete(Path.Combine(_dir, ReleaseFormat.SignatureName));
        Assert.Contains((ReleaseProblemKind.Malformed, ReleaseFormat.SignatureName), Found(await CheckAsync()));
    }

    [Fact]
    public async Task OneFileChecksWithItsProofAloneAndAChangedOneDoesNot()
    {
        await SealAsync();
        var proof = ProofFile.Read(ProofFile.Write(ReleaseSealer.Prove(_dir, "media/井下/0002.jpg")));
        var alone = Path.Combine(Directory.CreateTempSubdirectory("yz-one-").FullName, "0002.jpg");
        File.Copy(Path.Combine(_dir, "media/井下/0002.jpg"), alone);
        Assert.Empty(await ReleaseVerifier.CheckFileAsync(alone, proof, [_key.Public]));

        await File.WriteAllTextAsync(alone, "second imagE");
        Assert.Equal([ReleaseProblemKind.Changed], (await ReleaseVerifier.CheckFileAsync(alone, proof, [_key.Public])).Select(p => p.Kind));
        // The right bytes claimed under another path do not pass either.
        File.Copy(Path.Combine(_dir, "media/井下/0002.jpg"), alone, overwrite: true);
        Assert.NotEmpty(await ReleaseVerifier.CheckFileAsync(alone, proof with { Path = "media/井下/0001.jpg" }, [_key.Public]));
        Assert.Equal([ReleaseProblemKind.UnknownKey], (await ReleaseVerifier.CheckFileAsync(alone, proof, [])).Select(p => p.Kind));
    }

    [Fact]
    public void PublishedKeysRoundTripAndAMismatchedIdIsRefused()
    {
        var keys = SignatureFile.ReadKeys(Encoding.UTF8.GetString(SignatureFile.WriteKeys([_key.Public])));
        Assert.Equal(_key.Public.Key, Assert.Single(keys).Key);
        Assert.Equal(_key.Public.KeyId, SignatureFile.ReadKeys(Convert.ToBase64String(_key.Public.Key))[0].KeyId);
        var lying = Encoding.UTF8.GetString(SignatureFile.WriteKeys([_key.Public])).Replace(_key.Public.KeyId, "0000000000000000", StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SignatureFile.ReadKeys(lying));
    }

    [Fact]
    public void SignaturesAreRfc8032Ed25519()
    {
        // RFC 8032 §7.1, TEST 2: a one-byte message.
        var key = new SigningKey(Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        Assert.Equal("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", Convert.ToHexStringLower(key.Public.Key));
        Assert.Equal(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            Convert.ToHexStringLower(key.Sign([0x72])));
    }
}
