using System.Globalization;
using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// A folder of shards written by <see cref="ShardScoring"/>, checked to be one complete set before it is read: every
/// <c>.idv</c> has a manifest (a shard without one was never finished, or was written by something else), every manifest
/// agrees on the data, the split and the teacher, each index from 0 to N − 1 is there exactly once, the rows follow on
/// without gap or overlap, and each file has the size its manifest recorded. Anything else is refused, naming the file.
/// </summary>
internal static class ScoredShardFolder
{
    public static IDataView Open(MLContext mlContext, string directory, Teacher? teacher, string? sourceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(directory))
            throw new InvalidDataException($"'{directory}' is a file: give the folder the shards were written to.");
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"The shard folder '{directory}' does not exist.");
        var manifests = ReadManifests(directory);
        var (firstPath, first) = manifests[0];
        foreach (var (path, manifest) in manifests)
            Agree(first, firstPath, manifest, path);
        // An ML.NET teacher's fingerprint saves the whole model: taken once.
        if (teacher?.Fingerprint() is { } expected && first.TeacherFingerprint != expected)
            throw new InvalidDataException($"The shards in '{directory}' were scored by another teacher ({Named(first.Teacher, first.TeacherFingerprint)}, in '{firstPath}') " +
                $"than {Named(teacher.Description, expected)}: " +
                "score them with this teacher, or train with the teacher that scored them.");
        if (sourceId is not null && first.SourceId != sourceId)
            throw new InvalidDataException($"The shards in '{directory}' were scored from other data (source '{first.SourceId ?? "not recorded"}', in '{firstPath}') than '{sourceId}'.");
        return new BinaryShards(mlContext, ShardFiles(directory, ByIndex(directory, manifests, first)));
    }

    /// <summary>Every manifest in the folder (each beside its shard), in file order; a shard without one is refused.</summary>
    private static List<(string Path, ShardManifest Manifest)> ReadManifests(string directory)
    {
        var manifests = new List<(string Path, ShardManifest Manifest)>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var manifest = ShardManifest.TryRead(file)
                ?? throw new InvalidDataException($"'{file}' in the shard folder is not a shard manifest (format {ShardManifest.CurrentFormat}): keep only the shards and their manifests there.");
            if (manifest.File != Path.GetFileName(Path.ChangeExtension(file, ".idv")))
                throw new InvalidDataException($"The manifest '{file}' describes '{manifest.File}', not the shard beside it: it was renamed or copied. Score that shard again.");
            manifests.Add((file, manifest));
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*.idv").Order(StringComparer.Ordinal))
            if (!File.Exists(ShardManifest.PathOf(file)))
                throw new InvalidDataException($"The shard '{file}' has no manifest: its worker did not finish it (or another tool wrote it). Score that shard again; " +
                    "a finished shard gets its manifest last.");
        if (manifests.Count == 0)
            throw new InvalidDataException($"The shard folder '{directory}' holds no scored shards (shard-NNNNN-of-NNNNN.idv with its .json).");
        return manifests;
    }

    /// <summary>The manifests by shard index, with the file each came from; an index twice or missing is refused.</summary>
    private static (ShardManifest Manifest, string Path)[] ByIndex(string directory, List<(string Path, ShardManifest Manifest)> manifests,
        ShardManifest first)
    {
        var byIndex = new (ShardManifest Manifest, string Path)[first.ShardCount];
        foreach (var (path, manifest) in manifests)
        {
            if (byIndex[manifest.ShardIndex].Manifest is not null)
                throw new InvalidDataException($"Shard {manifest.ShardIndex} of {first.ShardCount} is in '{directory}' twice: '{byIndex[manifest.ShardIndex].Path}' and '{path}'. Keep one.");
            byIndex[manifest.ShardIndex] = (manifest, path);
        }
        var missing = Enumerable.Range(0, first.ShardCount).Where(i => byIndex[i].Manifest is null).ToArray();
        if (missing.Length > 0)
        {
            string Describe(int i) => string.Create(CultureInfo.InvariantCulture,
                $"{ShardManifest.ShardFileName(i, first.ShardCount)} (rows {ShardScoring.Boundary(i, first.ShardCount, first.TotalRows):N0} to {ShardScoring.Boundary(i + 1, first.ShardCount, first.TotalRows) - 1:N0})");
            throw new InvalidDataException($"{missing.Length} of {first.ShardCount} shards are missing from '{directory}': " +
                string.Join(", ", missing.Take(5).Select(Describe)) + (missing.Length > 5 ? ", ..." : "") + ". Run their workers (again) before training.");
        }
        return byIndex;
    }

    /// <summary>The shard files in index order, each starting where the one before ended and of its recorded size.</summary>
    private static string[] ShardFiles(string directory, (ShardManifest Manifest, string Path)[] byIndex)
    {
        var files = new string[byIndex.Length];
        long next = 0, total = byIndex[0].Manifest.TotalRows;
        for (int i = 0; i < byIndex.Length; i++)
        {
            var manifest = byIndex[i].Manifest;
            string file = Path.Combine(directory, manifest.File);
            if (manifest.FirstRow != next || manifest.FirstRow != ShardScoring.Boundary(i, byIndex.Length, total))
                throw new InvalidDataException($"The shard '{file}' starts at row {manifest.FirstRow:N0}, but shard {i} of {byIndex.Length} starts at row {next:N0}: it does not belong to this split.");
            next += manifest.Rows;
            if (!File.Exists(file))
                throw new InvalidDataException($"The shard '{file}' is missing, though its manifest '{byIndex[i].Path}' is there. Score it again.");
            long bytes = new FileInfo(file).Length;
            if (bytes != manifest.Bytes)
                throw new InvalidDataException($"The shard '{file}' holds {bytes:N0} bytes, but its manifest recorded {manifest.Bytes:N0}: it was changed or cut short after it was written. Score it again.");
            files[i] = file;
        }
        if (next != total)
            throw new InvalidDataException($"The shards in '{directory}' hold {next:N0} rows, but their manifests say the data has {total:N0}.");
        return files;
    }

    /// <summary>A teacher as messages name it: its description and the start of its fingerprint (two teacher.zip files differ there).</summary>
    private static string Named(string description, string fingerprint) => $"{description}, fingerprint {fingerprint[..Math.Min(12, fingerprint.Length)]}";

    /// <summary>Refuses a manifest that belongs to another job: another split, other data, another teacher or other columns.</summary>
    private static void Agree(ShardManifest first, string firstPath, ShardManifest other, string otherPath)
    {
        string? difference =
            other.ShardCount != first.ShardCount ? $"it is one of {other.ShardCount} shards, '{firstPath}' one of {first.ShardCount}"
            : other.TotalRows != first.TotalRows ? $"it splits {other.TotalRows:N0} rows, '{firstPath}' {first.TotalRows:N0}"
            : other.SourceId != first.SourceId
                ? $"it was scored from source '{other.SourceId ?? "not recorded"}', '{firstPath}' from '{first.SourceId ?? "not recorded"}'"
            : other.TeacherFingerprint != first.TeacherFingerprint
                ? $"it was scored by another teacher ({Named(other.Teacher, other.TeacherFingerprint)}) than '{firstPath}' ({Named(first.Teacher, first.TeacherFingerprint)})"
            : other.TeacherColumn != first.TeacherColumn ? $"its teacher column is '{other.TeacherColumn}', '{firstPath}''s '{first.TeacherColumn}'"
            : !other.Columns.SequenceEqual(first.Columns) ? $"its columns ({string.Join(", ", other.Columns)}) differ from '{firstPath}''s ({string.Join(", ", first.Columns)})"
            : other.ShardIndex < 0 || other.ShardIndex >= other.ShardCount ? $"its index {other.ShardIndex} is outside 0 to {other.ShardCount - 1}"
            : null;
        if (difference is not null)
            throw new InvalidDataException($"The shard manifest '{otherPath}' belongs to another scoring job: {difference}. Keep one job's shards in a folder.");
    }
}
