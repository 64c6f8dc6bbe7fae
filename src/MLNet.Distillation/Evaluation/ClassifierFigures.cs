namespace MLNet.Distillation;

/// <summary>Figures of a classifier computed from its predictions: calibration (ECE, reliability bins) and accuracy per class.</summary>
internal static class ClassifierFigures
{
    /// <summary>
    /// Bins labelled rows by confidence into <paramref name="bins"/> equal-width bins over [0, 1] (a confidence of 1 goes
    /// to the last bin) and returns ECE = Σ_b (n_b / N) · |accuracy_b − mean confidence_b| with the bins.
    /// </summary>
    /// <param name="rows">Each labelled row's confidence (its largest class probability) and whether that class is the label.</param>
    /// <param name="bins">Number of bins.</param>
    public static CalibrationSummary Calibration(IEnumerable<(double Confidence, bool Correct)> rows, int bins)
    {
        var count = new long[bins];
        var correct = new long[bins];
        var confidence = new double[bins];
        long total = 0;
        foreach (var (c, right) in rows)
        {
            int bin = Math.Clamp((int)(c * bins), 0, bins - 1);
            count[bin]++;
            confidence[bin] += c;
            if (right) correct[bin]++;
            total++;
        }
        if (total == 0)
            throw new ArgumentException("No labelled rows to measure calibration on.");
        double ece = 0;
        var result = new ReliabilityBin[bins];
        for (int b = 0; b < bins; b++)
        {
            double accuracy = count[b] == 0 ? 0 : (double)correct[b] / count[b];
            double meanConfidence = count[b] == 0 ? 0 : confidence[b] / count[b];
            ece += (double)count[b] / total * Math.Abs(accuracy - meanConfidence);
            result[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b], accuracy, meanConfidence);
        }
        return new CalibrationSummary(ece, result);
    }

    /// <summary>Calibration of a model's class probabilities on the labelled rows; null when the model has no probabilities.</summary>
    public static CalibrationSummary? Calibration(EvaluationLabels labels, ModelOutputs outputs, int bins)
    {
        if (outputs.Probabilities is null) return null;
        return Calibration(LabelledRows(labels).Select(r =>
        {
            Span<float> binary = stackalloc float[2];
            var p = outputs.Distribution(r, labels, binary);
            int best = ScoredModel.ArgMax(p);
            return ((double)p[best], best == (int)labels.Values[r]);
        }).ToList(), bins);
    }

    /// <summary>Per true class: its labelled rows and the share the model predicted as that class.</summary>
    public static IReadOnlyList<ClassAccuracy> PerClass(EvaluationLabels labels, ModelOutputs outputs)
    {
        var rows = new long[labels.ClassCount];
        var right = new long[labels.ClassCount];
        foreach (int r in LabelledRows(labels))
        {
            int truth = (int)labels.Values[r];
            rows[truth]++;
            if (outputs.Predicted![r] == truth) right[truth]++;
        }
        return labels.ClassNames.Select((name, c) => new ClassAccuracy(name, rows[c], rows[c] == 0 ? 0 : (double)right[c] / rows[c])).ToArray();
    }

    /// <summary>Indexes of the rows whose label is present.</summary>
    public static IEnumerable<int> LabelledRows(EvaluationLabels labels)
    {
        for (int r = 0; r < labels.Rows; r++)
            if (!float.IsNaN(labels.Values[r]))
                yield return r;
    }
}
