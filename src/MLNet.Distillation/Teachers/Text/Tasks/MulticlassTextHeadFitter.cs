using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNet.Distillation;

/// <summary>A multiclass text head: softmax regression (ML.NET's L-BFGS maximum entropy) on a key label, one logit per class.</summary>
internal sealed class MulticlassTextHeadFitter : TextHeadFitter
{
    public static MulticlassTextHeadFitter Instance { get; } = new();

    /// <summary>Any scalar key label; one the multiclass trainer would refuse is refused here, by its message.</summary>
    public override bool TakesLabel(ColumnView label)
    {
        if (!label.IsScalar || !label.IsKey)
            return false;
        MulticlassTask.Instance.CheckLabel(label);
        return true;
    }

    public override int ClassCount(DataViewSchema.Column label) => (int)((KeyDataViewType)label.Type).Count;

    public override string[]? ClassNames(DataViewSchema.Column label) => ColumnAnnotations.TextKeyValues(label);

    public override TextHead Fit(MLContext mlContext, float[] embeddings, int size, float[] labels, int classCount, string[]? classNames, float l2)
    {
        // The class index becomes a key through MapValueToKey over every index 0..K−1 in order, so class k is key k + 1
        // (and the softmax has K outputs) even when a class has no labelled row.
        var indices = InMemory(mlContext, embeddings, size, labels.Select(y => new ClassRow { Class = (uint)y }));
        var allClasses = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, classCount).Select(k => new ClassIndex { Class = (uint)k }));
        var data = mlContext.Transforms.Conversion.MapValueToKey(DefaultColumnNames.Label, nameof(ClassRow.Class),
                keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue, keyData: allClasses)
            .Fit(indices).Transform(indices);
        var model = mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = l2, L1Regularization = 0, NumberOfThreads = 1,
        }).Fit(data).Model;
        VBuffer<float>[] weights = [];
        model.GetWeights(ref weights, out int classes);
        float[] biases = [.. model.GetBiases()];
        if (classes != classCount)
            throw new InvalidOperationException($"The softmax head has {classes} classes, but the label has {classCount}.");
        var w = new float[classes * size];
        for (int k = 0; k < classes; k++)
            weights[k].CopyTo(w.AsSpan(k * size, size));
        return new TextHead(MulticlassTask.Instance, w, biases, classNames);
    }

    public override string Name(int outputs) => $"{outputs}-class softmax";

    private sealed class ClassRow : LabelledRow
    {
        public uint Class;
    }

    private sealed class ClassIndex
    {
        public uint Class;
    }
}
