using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Tests.Schema;

/// <summary>Row fingerprints: the same values give the same fingerprint however the vector is stored; other values another.</summary>
public sealed class RowFingerprintTests
{
    private sealed class Row
    {
        [VectorType(6)] public VBuffer<float> Features { get; set; }
    }

    private static List<ulong> Fingerprints(MLContext ml, IEnumerable<VBuffer<float>> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }));
        using var cursor = data.GetRowCursor(data.Schema);
        var fingerprint = new RowFingerprint(cursor, [data.Schema["Features"]]);
        var result = new List<ulong>();
        while (cursor.MoveNext())
            result.Add(fingerprint.Current());
        return result;
    }

    [Fact]
    public void Dense_and_sparse_storage_of_the_same_values_fingerprint_alike()
    {
        var ml = new MLContext(0);
        float[] values = [0, 2.5f, 0, 0, -1, 0];
        var dense = new VBuffer<float>(6, values);
        var sparse = new VBuffer<float>(6, 2, [2.5f, -1], [1, 4]);
        var other = new VBuffer<float>(6, [0, 2.5f, 0, 0, -1, 1e-7f]);
        var fingerprints = Fingerprints(ml, [dense, sparse, other, dense]);
        Assert.Equal(fingerprints[0], fingerprints[1]);
        Assert.Equal(fingerprints[0], fingerprints[3]);
        Assert.NotEqual(fingerprints[0], fingerprints[2]);
    }
}
