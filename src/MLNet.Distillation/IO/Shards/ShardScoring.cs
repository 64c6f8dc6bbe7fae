using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// Scores one shard of a data set with a teacher and writes it whole, for a worker of a job array (a Kubernetes Indexed
/// Job, a Slurm array, an AWS Batch array job): shard i of N is the i-th contiguous block of rows, so the shards read in
/// index order are the data in its order, and training from them is training on the data. The work is idempotent: a
/// shard whose manifest already names the same rows, input fingerprint and teacher, and whose file still has the recorded
/// SHA-256, is skipped; anything else (no manifest: the worker died mid-shard; another teacher; changed rows) is scored
/// again. The shard is written under a temporary name and renamed, and its manifest only after it, so a reader never
/// takes a partial shard for a complete one.
/// </summary>
internal static class ShardScoring
{
    public static ShardScoringResult Score(MLContext mlContext, IDataView data, Teacher teacher, ShardScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(options);
        var kept = Check(data.Schema, options);
        var clock = Stopwatch.StartNew();
        long total = data.GetRowCount() ?? Count(data);
        long first = Boundary(options.ShardIndex, options.ShardCount, total);
        long end = Boundary(options.ShardIndex + 1, options.ShardCount, total);
        if (total < options.ShardCount)
            throw new ArgumentOutOfRangeException(nameof(options), options.ShardCount, $"ShardScoringOptions.ShardCount is {options.ShardCount}, but the data has {total:N0} rows: every shard needs one. Use fewer shards.");
        Directory.CreateDirectory(options.Directory);
        // ML.NET's SkipRows and TakeRows refuse a count of 0.
        var rows = mlContext.Data.TakeRows(first > 0 ? mlContext.Data.SkipRows(data, first) : data, end - first);
        string path = Path.Combine(options.Directory, ShardManifest.ShardFileName(options.ShardIndex, options.ShardCount));
        string manifestPath = ShardManifest.PathOf(path);
        var manifest = Planned(path, first, end, total, teacher, options, kept);
        // A shard already complete for these rows and this teacher is left as it is. Its input rows are read (fingerprinted)
        // only when everything else matches: the common case, a first run, reads them once, to score them.
        if (IsComplete(path, manifestPath, manifest) is { } done)
        {
            var (input, counted) = InputFingerprint(rows, kept.Select(c => c.Name));
            CheckCount(counted, manifest);
            if (input == done.InputFingerprint)
                return Result(path, done, skipped: true, clock);
        }

        // Scored from here: until its new manifest lands, the shard counts as unfinished.
        File.Delete(manifestPath);
        var scored = mlContext.Transforms.TeacherScore(new TeacherScoringEstimator.Options
        {
            Teacher = teacher,
            OutputColumnName = options.TeacherColumnName,
            BatchSize = options.BatchSize,
        }).Fit(rows).Transform(rows);
        var selected = mlContext.Transforms.SelectColumns([.. kept.Select(c => c.Name), options.TeacherColumnName]).Fit(scored).Transform(scored);
        AtomicFile.Write(path, stream => mlContext.Data.SaveAsBinary(selected, stream));
        // The input's fingerprint is taken from the shard just written (its kept columns are the input's, value for value):
        // reading the local binary file is far cheaper than reading the source (a CSV file parsed again) a second time.
        var (written, rowsWritten) = InputFingerprint(mlContext.Data.LoadFromBinary(path), kept.Select(c => c.Name));
        CheckCount(rowsWritten, manifest);
        var complete = manifest with { InputFingerprint = written, Bytes = new FileInfo(path).Length, Sha256 = ShardManifest.Sha256Of(path) };
        AtomicFile.WriteAllBytes(manifestPath, complete.ToBytes());
        return Result(path, complete, skipped: false, clock);
    }

    /// <summary>The manifest of the shard about to be scored: everything but what only the written file tells.</summary>
    private static ShardManifest Planned(string path, long first, long end, long total, Teacher teacher, ShardScoringOptions options,
        IEnumerable<DataViewSchema.Column> kept)
        => new()
        {
            Format = ShardManifest.CurrentFormat,
            ShardIndex = options.ShardIndex,
            ShardCount = options.ShardCount,
            FirstRow = first,
            Rows = end - first,
            TotalRows = total,
            Teacher = teacher.Description,
            TeacherFingerprint = teacher.Fingerprint(),
            TeacherColumn = options.TeacherColumnName,
            Columns = kept.Select(c => Describe(c)).ToArray(),
            InputFingerprint = "",
            SourceId = options.SourceId,
            File = Path.GetFileName(path),
            Bytes = 0,
            Sha256 = "",
            LibraryVersion = typeof(ShardScoring).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        };

    /// <summary>Refuses a shard that got other rows than the data counted: the data changed while it was read.</summary>
    private static void CheckCount(long rows, ShardManifest manifest)
    {
        if (rows != manifest.Rows)
            throw new InvalidDataException($"Shard {manifest.ShardIndex} of {manifest.ShardCount} should hold rows {manifest.FirstRow:N0} to {manifest.FirstRow + manifest.Rows - 1:N0} of " +
                $"{manifest.TotalRows:N0}, but the data gave {rows:N0} of them: it changed since it was counted. Score shards from data that stays the same.");
    }

    /// <summary>The first row of shard <paramref name="index"/>: ⌊index·total/count⌋ (shards differ in size by at most one row).</summary>
    public static long Boundary(int index, int count, long total) => (long)((BigInteger)index * total / count);

    /// <summary>A column as the manifest records it: its name and ML.NET type.</summary>
    public static string Describe(DataViewSchema.Column column) => $"{column.Name}: {column.Type}";

    /// <summary>Checks the options against the data; returns the columns to keep.</summary>
    private static DataViewSchema.Column[] Check(DataViewSchema schema, ShardScoringOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
            throw new ArgumentException("ShardScoringOptions.Directory: name the folder the shards are written to.", nameof(options));
        if (options.ShardCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ShardCount, $"ShardScoringOptions.ShardCount is {options.ShardCount}: there must be at least one shard.");
        if (options.ShardIndex < 0 || options.ShardIndex >= options.ShardCount)
            throw new ArgumentOutOfRangeException(nameof(options), options.ShardIndex,
                $"ShardScoringOptions.ShardIndex is {options.ShardIndex}: it must be from 0 to {options.ShardCount - 1} (ShardCount is {options.ShardCount}).");
        if (options.BatchSize is < 1 or > Defaults.MaxTeacherBatchSize)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"ShardScoringOptions.BatchSize is {options.BatchSize}: it must be from 1 to {Defaults.MaxTeacherBatchSize:N0}.");
        if (string.IsNullOrWhiteSpace(options.TeacherColumnName))
            throw new ArgumentException("ShardScoringOptions.TeacherColumnName: name the teacher's output column.", nameof(options));
        if (options.ColumnNames is null)
            return schema.Where(c => !c.IsHidden && c.Name != options.TeacherColumnName).ToArray();
        var kept = new List<DataViewSchema.Column>();
        foreach (var name in options.ColumnNames)
        {
            if (name == options.TeacherColumnName)
                throw new ArgumentException($"ShardScoringOptions.ColumnNames names '{name}', the teacher's output column: the shard gets it from the teacher.", nameof(options));
            var column = schema.GetColumnOrNull(name) is { } found && !found.IsHidden ? found
                : throw new ArgumentException($"ShardScoringOptions.ColumnNames names '{name}', which the data does not have; its columns: " +
                    string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name)) + ".", nameof(options));
            if (kept.Any(c => c.Name == name))
                throw new ArgumentException($"ShardScoringOptions.ColumnNames names '{name}' twice.", nameof(options));
            kept.Add(column);
        }
        return [.. kept];
    }

    /// <summary>
    /// The manifest of a complete shard that matches <paramref name="expected"/> in everything but the input's fingerprint
    /// (not known yet), its file intact (size and SHA-256); null otherwise.
    /// </summary>
    private static ShardManifest? IsComplete(string path, string manifestPath, ShardManifest expected)
        => File.Exists(path) && File.Exists(manifestPath) && ShardManifest.TryRead(manifestPath) is { } done
            && done.SameShardAs(expected with { InputFingerprint = done.InputFingerprint })
            && new FileInfo(path).Length == done.Bytes && ShardManifest.Sha256Of(path) == done.Sha256 ? done : null;

    /// <summary>
    /// SHA-256 of the rows' fingerprints over the kept (hashable) columns, in order (as the teacher-output cache keys its
    /// files), and how many rows there were.
    /// </summary>
    private static (string Fingerprint, long Rows) InputFingerprint(IDataView rows, IEnumerable<string> kept)
    {
        var columns = RowFingerprint.Columns(rows.Schema, kept.Select(name => rows.Schema[name]).ToArray());
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        long count = 0;
        foreach (ulong row in RowFingerprint.OfRows(rows, columns))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, row);
            hash.AppendData(bytes);
            count++;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), count);
    }

    private static long Count(IDataView data)
    {
        long rows = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
            rows++;
        return rows;
    }

    private static ShardScoringResult Result(string path, ShardManifest manifest, bool skipped, Stopwatch clock)
        => new(path, manifest.ShardIndex, manifest.ShardCount, manifest.FirstRow, manifest.Rows, manifest.TotalRows, skipped, clock.Elapsed);
}
