using Microsoft.ML;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Training.Data;

/// <summary>Batches gathered into one reused, aligned buffer that a tensor shares.</summary>
public sealed class BatchGatherTests
{
    [Fact]
    public void A_gathered_batch_holds_the_rows_asked_for_and_a_short_batch_is_narrowed()
    {
        var rows = new FloatRows(width: 3);
        for (int r = 0; r < 10; r++) { var row = rows.AppendRow(); row[0] = r; row[1] = r * r; row[2] = -r; }
        using var gather = new BatchGather(rows: 4, width: 3, CPU);
        using (var full = gather.Gather(rows, [9, 1, 5, 0]))
        {
            Assert.Equal(new long[] { 4, 3 }, full.shape);
            Assert.Equal([9f, 81, -9, 1, 1, -1, 5, 25, -5, 0, 0, 0], full.data<float>().ToArray());
        }
        using var shortBatch = gather.Gather(rows, [2, 3]);
        Assert.Equal(new long[] { 2, 3 }, shortBatch.shape);
        Assert.Equal([2f, 4, -2, 3, 9, -3], shortBatch.data<float>().ToArray());
    }

    [Fact]
    public void The_same_seed_gives_the_same_student_wherever_the_heap_puts_the_batch_buffer()
    {
        // BLAS kernels take their code path by the alignment of their inputs; an unaligned batch buffer made the first Fit
        // of a process differ from later ones in the last bits. Pinned arrays of odd sizes move where the next buffer lands.
        var ml = new MLContext(0);
        var data = TestData.Concrete(ml);
        var keep = new List<float[]>();
        float[] Scores(int shift)
        {
            keep.Add(GC.AllocateArray<float>(shift, pinned: true));
            var student = ml.Regression.Trainers.Distillation(new DistillationRegressionTrainer.Options
            {
                TeacherColumnName = null, NumberOfEpochs = 5, BatchSize = 64, Seed = 2,
            }).Fit(data);
            return TestData.Scalars(student.Transform(data), "Score");
        }
        var first = Scores(1);
        Assert.Equal(first, Scores(3));
        Assert.Equal(first, Scores(6));
        GC.KeepAlive(keep);
    }
}
