using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Training;

/// <summary>A FastTree teacher distilled into a binary MLP student on the UCI breast-cancer data, through ML.NET's binary catalog.</summary>
public sealed class BinaryDistillationTests
{
    private static (IDataView Train, IDataView Test, ITransformer Teacher) FastTree(MLContext ml)
    {
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer(ml), testFraction: 0.3, seed: 1);
        return (split.TrainSet, split.TestSet, ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 50).Fit(split.TrainSet));
    }

    [Fact]
    public void Fasttree_teacher_distils_into_a_student_that_ml_net_evaluates_unchanged()
    {
        var ml = new MLContext(0);
        var (train, test, fastTree) = FastTree(ml);
        var model = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree))
            .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 100, seed: 1))
            .Fit(train);
        Assert.Equal("0.1·bce + 0.9·soft-bce", ml.BinaryClassification.Trainers.Distillation().LossRecipeDescription);

        var scored = model.Transform(test);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        var teacherMetrics = ml.BinaryClassification.Evaluate(fastTree.Transform(test));
        Assert.True(metrics.AreaUnderRocCurve > 0.97, $"student AUC {metrics.AreaUnderRocCurve:F4} (teacher {teacherMetrics.AreaUnderRocCurve:F4})");
        Assert.True(metrics.Accuracy > 0.92, $"student accuracy {metrics.Accuracy:F4}");
        Assert.True(metrics.LogLoss < 0.6, $"student log-loss {metrics.LogLoss:F4}");

        // ML.NET's binary columns: Score the logit, Probability its sigmoid, PredictedLabel Score > 0.
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var rows = ml.Data.CreateEnumerable<BinaryOutput>(scored, reuseRowObject: false).ToList();
        Assert.All(rows, r =>
        {
            Assert.True(Math.Abs(1 / (1 + Math.Exp(-r.Score)) - r.Probability) < 1e-6, $"σ({r.Score}) ≠ {r.Probability}");
            Assert.Equal(r.Score > 0, r.PredictedLabel);
        });
        var teacherLabels = fastTree.Transform(test).GetColumn<bool>("PredictedLabel").ToArray();
        double agreement = rows.Zip(teacherLabels).Count(p => p.First.PredictedLabel == p.Second) / (double)rows.Count;
        Assert.True(agreement > 0.93, $"agreement with the teacher {agreement:P1}");
    }

    [Fact]
    public void The_teacher_reads_a_calibrated_probability_as_its_logit_and_a_raw_score_when_asked()
    {
        var ml = new MLContext(0);
        var (train, _, fastTree) = FastTree(ml);
        var rows = ml.Data.TakeRows(train, 40);
        var byDefault = TestData.Column(ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree)).Fit(rows).Transform(rows), "TeacherLogits");
        var raw = TestData.Column(ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree, "Score")).Fit(rows).Transform(rows), "TeacherLogits");
        var scored = fastTree.Transform(rows);
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var score = scored.GetColumn<float>("Score").ToArray();
        for (int r = 0; r < probability.Length; r++)
        {
            double p = Math.Clamp(probability[r], 1e-12, 1 - 1e-7);
            Assert.Single(byDefault[r]);
            Assert.Equal(Math.Log(Math.Max(probability[r], 1e-12)) - Math.Log(Math.Max(1 - probability[r], 1e-12)), byDefault[r][0], 3);
            Assert.Equal(score[r], raw[r][0]);
        }
    }

    [Fact]
    public void Single_labels_mark_unlabelled_rows_with_nan()
    {
        var ml = new MLContext(0);
        var (train, _, fastTree) = FastTree(ml);
        // 0/1 labels as Single, the first 200 rows without label (NaN): they learn from the teacher alone.
        var definition = SchemaDefinition.Create(typeof(SingleRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 30);
        var singles = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<BoolRow>(train, reuseRowObject: false)
            .Select((r, i) => new SingleRow { Features = r.Features, Label = i < 200 ? float.NaN : r.Label ? 1 : 0 }).ToList(), definition);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var student = ml.Transforms.TeacherScore(Teacher.FromTransformer(fastTree))
            .Append(ml.BinaryClassification.Trainers.Distillation(numberOfEpochs: 5, seed: 1)).Fit(singles).LastTransformer;
        Assert.Contains(messages, m => m.Contains("200 of ") && m.Contains("rows have no label"));
        Assert.Equal(DistillationTask.BinaryClassification, student.Task);

    }


    private sealed class BinaryOutput
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class BoolRow
    {
        [VectorType(30)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class SingleRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }
}
