using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MLNet.Distillation;

/// <summary>
/// SHA-256 of training rows as loaded (features, labels, teacher outputs), fed table by table, so that a table in memory
/// and the same rows streamed in blocks give the same digest. Identifies the data a checkpoint was written for.
/// </summary>
internal sealed class DataHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _rows;

    /// <summary>The digest of <paramref name="train"/> followed by a separate validation table, when there is one.</summary>
    public static byte[] Of(TrainingTable train, TrainingTable? validation)
    {
        using var hash = new DataHash();
        hash.Add(train);
        if (validation is not null && validation != train)
        {
            hash.EndPart();
            hash.Add(validation);
        }
        return hash.Finish();
    }

    /// <summary>Adds every row of <paramref name="table"/>, in order.</summary>
    public void Add(TrainingTable table)
    {
        _rows += table.RowCount;
        if (table.SparseFeatures is { } sparse)
        {
            // Row lengths, not start offsets: a streamed block's offsets restart at 0, and the digest must not depend on blocks.
            var starts = sparse.Starts;
            var lengths = new int[sparse.Count];
            for (int r = 0; r < lengths.Length; r++)
                lengths[r] = (int)(starts[r + 1] - starts[r]);
            _hash.AppendData(MemoryMarshal.AsBytes(lengths.AsSpan()));
            _hash.AppendData(MemoryMarshal.AsBytes(sparse.Slots));
            _hash.AppendData(MemoryMarshal.AsBytes(sparse.Values));
        }
        else
            foreach (var chunk in table.Features!.FilledChunks())
                _hash.AppendData(MemoryMarshal.AsBytes(chunk.Span));
        _hash.AppendData(MemoryMarshal.AsBytes(table.Labels.AsSpan()));
        foreach (var teacher in table.ExtraTeacherColumns.Prepend(table.TeacherLogits))
            if (teacher is not null)
                foreach (var chunk in teacher.FilledChunks())
                    _hash.AppendData(MemoryMarshal.AsBytes(chunk.Span));
    }

    /// <summary>Marks the end of one part (training rows) so that moving rows into the next part changes the digest.</summary>
    public void EndPart()
    {
        _hash.AppendData(BitConverter.GetBytes(_rows));
        _rows = 0;
    }

    public byte[] Finish()
    {
        EndPart();
        return _hash.GetHashAndReset();
    }

    public void Dispose() => _hash.Dispose();
}
