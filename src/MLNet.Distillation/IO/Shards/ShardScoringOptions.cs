namespace MLNet.Distillation;

/// <summary>
/// Settings of <see cref="DistillationCatalog.ScoreShard(Microsoft.ML.IDataView, Teacher, ShardScoringOptions)"/>: which
/// shard of the data to score, where to write it, and what to keep beside the teacher's outputs.
/// </summary>
public sealed class ShardScoringOptions
{
    /// <summary>The folder the shards are written to (created if missing); every worker of one job writes to the same folder.</summary>
    public string Directory { get; set; } = "";

    /// <summary>This worker's shard, from 0 to <see cref="ShardCount"/> − 1 (a job engine's array index).</summary>
    public int ShardIndex { get; set; }

    /// <summary>How many shards the data is split into: shard i holds rows [⌊i·R/N⌋, ⌊(i+1)·R/N⌋) of the R rows, in order.</summary>
    public int ShardCount { get; set; } = 1;

    /// <summary>The teacher's output column. Default <c>TeacherLogits</c>, which the distillation trainers read.</summary>
    public string TeacherColumnName { get; set; } = DefaultColumnNames.TeacherLogits;

    /// <summary>Rows per teacher call. Default 64 (as <c>TeacherScore</c>).</summary>
    public int BatchSize { get; set; } = Defaults.TeacherBatchSize;

    /// <summary>
    /// The columns of the data to keep in the shard beside the teacher's outputs; null (the default) keeps every visible
    /// column. Keep what training needs (features, label, or the raw columns a featuriser fitted later reads).
    /// </summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>
    /// What identifies the data set (a file's SHA-256, a table's version), recorded in every shard's manifest:
    /// <see cref="DistillationCatalog.LoadScoredShards(string, Teacher?, string?)"/> refuses shards whose ids differ, or
    /// differ from the one it is given. Null records none; shards of two data sets with the same row count and columns
    /// then cannot be told apart by the folder alone (each shard's rows are still fingerprinted).
    /// </summary>
    public string? SourceId { get; set; }
}
