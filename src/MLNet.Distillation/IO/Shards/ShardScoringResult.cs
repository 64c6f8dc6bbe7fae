namespace MLNet.Distillation;

/// <summary>What one <see cref="DistillationCatalog.ScoreShard(Microsoft.ML.IDataView, Teacher, ShardScoringOptions)"/> call did.</summary>
/// <param name="Path">The shard file (ML.NET binary format), complete; its manifest is <c>Path</c> with <c>.json</c> in place of <c>.idv</c>.</param>
/// <param name="ShardIndex">The shard's index.</param>
/// <param name="ShardCount">How many shards the data is split into.</param>
/// <param name="FirstRow">The shard's first row in the data (0-based).</param>
/// <param name="Rows">The shard's rows.</param>
/// <param name="TotalRows">The data's rows.</param>
/// <param name="Skipped">
/// Whether the shard was already complete (its manifest names the same teacher, rows and input fingerprint, and the file's
/// SHA-256 matches) and was left as it was, instead of being scored again.
/// </param>
/// <param name="Elapsed">Time the call took.</param>
public sealed record ShardScoringResult(string Path, int ShardIndex, int ShardCount, long FirstRow, long Rows, long TotalRows, bool Skipped,
    TimeSpan Elapsed);
