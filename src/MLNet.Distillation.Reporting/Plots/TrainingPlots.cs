using MLNet.Distillation.Reporting.Tasks;
using ScottPlot;

namespace MLNet.Distillation.Reporting.Plots;

/// <summary>The charts drawn from the student's training history: loss per term and total, and accuracy per epoch.</summary>
internal static class TrainingPlots
{
    public const string LossName = "loss", LossTitle = "Training loss per epoch";
    public const string AccuracyName = "accuracy", AccuracyTitle = "Accuracy per epoch";

    private const string LossDescription =
        "The student's training loss per epoch: each loss term's mean over the epoch's batches (unweighted, by its registry name), " +
        "the weighted total the optimiser minimised, and the validation cross-entropy when a validation set was given.";

    private const string AccuracyDescription =
        "The share of training rows the student predicted right during each epoch, and its accuracy on the validation set when one was given. " +
        "A widening gap between the two is overfitting.";

    public static PlotSpec Loss(IReadOnlyList<EpochReport>? history)
    {
        if (MissingHistory(history) is string reason)
            return PlotSpec.Omitted(LossName, LossTitle, LossDescription, reason);
        return PlotSpec.Drawn(LossName, LossTitle, LossDescription, plot =>
        {
            var terms = history!.SelectMany(e => e.LossTerms.Keys).Distinct().ToList();
            for (int i = 0; i < terms.Count; i++)
            {
                var points = history!.Where(e => e.LossTerms.ContainsKey(terms[i])).ToList();
                Line(plot, points.Select(e => (double)e.Epoch), points.Select(e => e.LossTerms[terms[i]]), terms[i], PlotStyle.Series(i),
                    LinePattern.Solid, 1.5f);
            }
            Line(plot, history!.Select(e => (double)e.Epoch), history!.Select(e => e.TotalLoss), "total (weighted)", Colors.Black, LinePattern.Solid,
                2.5f);
            var validated = history!.Where(e => e.ValidationLoss is not null).ToList();
            if (validated.Count > 0)
                Line(plot, validated.Select(e => (double)e.Epoch), validated.Select(e => e.ValidationLoss!.Value), "validation cross-entropy",
                    PlotStyle.Neutral, LinePattern.Dashed, 2f);
            plot.XLabel("Epoch");
            plot.YLabel("Loss");
            EpochTicks(plot, history!);
            plot.ShowLegend(Alignment.UpperRight);
        });
    }

    public static PlotSpec Accuracy(ReportTask task, IReadOnlyList<EpochReport>? history)
    {
        if (task.NoAccuracy is string noAccuracy)
            return PlotSpec.Omitted(AccuracyName, AccuracyTitle, AccuracyDescription, noAccuracy);
        if (MissingHistory(history) is string reason)
            return PlotSpec.Omitted(AccuracyName, AccuracyTitle, AccuracyDescription, reason);
        var trained = history!.Where(e => e.TrainingAccuracy is not null).ToList();
        var validated = history!.Where(e => e.ValidationAccuracy is not null).ToList();
        if (trained.Count == 0 && validated.Count == 0)
            return PlotSpec.Omitted(AccuracyName, AccuracyTitle, AccuracyDescription, "The training history records no accuracy.");
        return PlotSpec.Drawn(AccuracyName, AccuracyTitle, AccuracyDescription, plot =>
        {
            if (trained.Count > 0)
                Line(plot, trained.Select(e => (double)e.Epoch), trained.Select(e => e.TrainingAccuracy!.Value), "training", PlotStyle.Student,
                    LinePattern.Solid, 2f);
            if (validated.Count > 0)
                Line(plot, validated.Select(e => (double)e.Epoch), validated.Select(e => e.ValidationAccuracy!.Value), "validation",
                    PlotStyle.Student, LinePattern.Dashed, 2f);
            plot.XLabel("Epoch");
            plot.YLabel("Accuracy");
            EpochTicks(plot, history!);
            plot.ShowLegend(Alignment.LowerRight);
        }, validated.Count == 0 ? "No validation set was given: training accuracy only." : null);
    }

    private static string? MissingHistory(IReadOnlyList<EpochReport>? history) => history switch
    {
        null => "No training history was given (set History = model.TrainingHistory() before saving the model).",
        { Count: 0 } => "The training history is empty.",
        _ => null,
    };

    private static void Line(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, string label, Color color, LinePattern pattern, float width)
    {
        // A diverged epoch (NaN or infinite loss) is left off the line rather than breaking the axis.
        var points = xs.Zip(ys).Where(p => double.IsFinite(p.Second)).ToArray();
        var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), color);
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = width;
        line.MarkerSize = 4;
    }

    /// <summary>Integer epochs on the x axis.</summary>
    private static void EpochTicks(Plot plot, IReadOnlyList<EpochReport> history)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (history.Count == 1)
            plot.Axes.SetLimitsX(history[0].Epoch - 1, history[0].Epoch + 1);
    }
}
