using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.Distillation;

/// <summary>
/// The record written beside a complete shard (<c>shard-00003-of-00008.json</c> beside <c>shard-00003-of-00008.idv</c>),
/// after the shard itself: a shard without one was not finished. It says which rows of which data the shard holds, which
/// teacher scored them, and the file's size and SHA-256, so a worker run again can tell a complete shard from one to redo,
/// and the reader can tell a missing, repeated or foreign shard by name.
/// </summary>
internal sealed record ShardManifest
{
    /// <summary>The format this code writes and reads.</summary>
    public const string CurrentFormat = "mlnet-distillation-shard/1";

    public required string Format { get; init; }
    public required int ShardIndex { get; init; }
    public required int ShardCount { get; init; }
    public required long FirstRow { get; init; }
    public required long Rows { get; init; }
    public required long TotalRows { get; init; }
    public required string Teacher { get; init; }
    public required string TeacherFingerprint { get; init; }
    public required string TeacherColumn { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>SHA-256 of the shard's input rows' fingerprints (the kept columns' values, in order), in hex.</summary>
    public required string InputFingerprint { get; init; }

    public string? SourceId { get; init; }
    public required string File { get; init; }
    public required long Bytes { get; init; }
    public required string Sha256 { get; init; }
    public string? LibraryVersion { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The shard file's name: <c>shard-00003-of-00008.idv</c> (names sort in row order).</summary>
    public static string ShardFileName(int index, int count)
        => string.Create(CultureInfo.InvariantCulture, $"shard-{index:D5}-of-{count:D5}.idv");

    /// <summary>The manifest beside <paramref name="shardPath"/>.</summary>
    public static string PathOf(string shardPath) => Path.ChangeExtension(shardPath, ".json");

    /// <summary>The manifest as its file's bytes.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest; null when the file is not one this code wrote (another JSON, another format, damaged).</summary>
    public static ShardManifest? TryRead(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<ShardManifest>(System.IO.File.ReadAllBytes(path), Json);
            return manifest?.Format == CurrentFormat ? manifest : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether this manifest describes the same shard as <paramref name="other"/>: the same rows of the same data,
    /// scored by the same teacher.
    /// </summary>
    public bool SameShardAs(ShardManifest other)
        => ShardIndex == other.ShardIndex && ShardCount == other.ShardCount && FirstRow == other.FirstRow && Rows == other.Rows
            && TotalRows == other.TotalRows && TeacherFingerprint == other.TeacherFingerprint && TeacherColumn == other.TeacherColumn
            && Columns.SequenceEqual(other.Columns) && InputFingerprint == other.InputFingerprint && SourceId == other.SourceId;

    /// <summary>The SHA-256 of a file, in lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
