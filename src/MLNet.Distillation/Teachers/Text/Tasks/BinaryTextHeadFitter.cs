using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace MLNet.Distillation;

/// <summary>A binary text head: logistic regression (ML.NET's L-BFGS) on a Boolean label, one logit per row.</summary>
internal sealed class BinaryTextHeadFitter : TextHeadFitter
{
    public static BinaryTextHeadFitter Instance { get; } = new();

    public override bool TakesLabel(ColumnView label) => label.IsScalar && !label.IsKey && label.RawItemType == typeof(bool);

    public override void CheckLabels(DataViewSchema.Column label, IReadOnlyList<float> labels)
    {
        if (labels.Distinct().Count() < 2)
            throw new ArgumentException($"Label column '{label.Name}' holds only {(labels[0] == 1 ? "true" : "false")} on the labelled rows; " +
                "a binary head needs both classes.", "data");
    }

    public override TextHead Fit(MLContext mlContext, float[] embeddings, int size, float[] labels, int classCount, string[]? classNames, float l2)
    {
        var data = InMemory(mlContext, embeddings, size, labels.Select(y => new BinaryRow { Label = y == 1 }));
        // One thread: L-BFGS sums its gradient over rows, and chunks summed in another order give other weights.
        var model = mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = l2, L1Regularization = 0, NumberOfThreads = 1,
        }).Fit(data).Model.SubModel;
        return new TextHead(BinaryTask.Instance, model.Weights.ToArray(), [model.Bias], null);
    }

    public override string Name(int outputs) => "logistic-regression";

    private sealed class BinaryRow : LabelledRow
    {
        public bool Label;
    }
}
