using System.Text;
using MLNet.Distillation.Reporting.Html;
using MLNet.Distillation.Reporting.Plots;
using MLNet.Distillation.Reporting.Tasks;

namespace MLNet.Distillation.Reporting;

/// <summary>
/// What distillation bought, drawn: loss curves and accuracy per epoch from the training history, the reliability diagram
/// and per-class accuracy of teacher and student (classifiers), and the primary metric of every model against its
/// single-row latency and its size; saved as PNG and SVG files, or as one self-contained HTML file that also carries the
/// evaluation table and the ratios. A chart whose data is missing is left out (see <see cref="OmittedPlots"/>), never drawn empty.
/// </summary>
/// <example>
/// <code>
/// var model = ml.Transforms.TeacherScore(teacher).Append(ml.MulticlassClassification.Trainers.Distillation(options)).Fit(train);
/// var evaluation = ml.Distillation.Evaluate(teacherModel, model.Student(), test);
/// new DistillationReport(evaluation) { History = model.TrainingHistory(), OtherModels = [scratch] }.SaveHtml("report.html");
/// </code>
/// </example>
public sealed class DistillationReport
{
    /// <summary>Creates a report of an evaluation.</summary>
    /// <param name="evaluation">Teacher and student measured on the same rows, typically from <c>mlContext.Distillation.Evaluate(...)</c>.</param>
    /// <exception cref="ArgumentException">The teacher or the student lacks the task's primary metric.</exception>
    public DistillationReport(DistillationEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        CheckPrimaryMetric(evaluation, evaluation.Teacher, nameof(evaluation));
        CheckPrimaryMetric(evaluation, evaluation.Student, nameof(evaluation));
        Evaluation = evaluation;
    }

    /// <summary>The evaluation the report shows.</summary>
    public DistillationEvaluation Evaluation { get; }

    /// <summary>The report's heading and the HTML page's title. Default "Distillation report".</summary>
    /// <exception cref="ArgumentException">Null or blank.</exception>
    public string Title
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Title must not be empty.", nameof(Title)) : value;
    } = "Distillation report";

    /// <summary>
    /// The student's training history (<c>model.TrainingHistory()</c> on the fitted pipeline), for the loss and accuracy
    /// charts; null (the default) leaves them out.
    /// </summary>
    public IReadOnlyList<EpochReport>? History { get; init; }

    /// <summary>
    /// Further models measured on the same rows with the same task (e.g. the student trained from labels alone, or students
    /// distilled with other settings): shown on the latency and size charts, and as columns of the evaluation and ratio tables.
    /// Empty by default.
    /// </summary>
    /// <exception cref="ArgumentException">A model is null or lacks the task's primary metric (the message names it).</exception>
    public IReadOnlyList<ModelEvaluation> OtherModels
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(OtherModels));
            for (int i = 0; i < value.Count; i++)
            {
                if (value[i] is null)
                    throw new ArgumentException($"OtherModels[{i}] is null.", nameof(OtherModels));
                CheckPrimaryMetric(Evaluation, value[i], nameof(OtherModels));
            }
            field = value.ToArray();
        }
    } = [];

    /// <summary>
    /// Regression only: models' predictions on the evaluation rows beside the true values (typically the teacher's, the
    /// student's and those of <see cref="OtherModels"/>), for the predicted-against-actual and residual charts, which are
    /// drawn only when this is given. Empty by default.
    /// </summary>
    /// <exception cref="ArgumentException">The task is not regression, an entry is null, or its two lists differ in length.</exception>
    public IReadOnlyList<PredictedValues> Predictions
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Predictions));
            if (value.Count > 0 && !Task.DrawsPredictions)
                throw new ArgumentException($"Predictions are drawn for regression; this report is {Evaluation.Task}.", nameof(Predictions));
            for (int i = 0; i < value.Count; i++)
            {
                if (value[i] is null)
                    throw new ArgumentException($"Predictions[{i}] is null.", nameof(Predictions));
                if (value[i].Actual.Count != value[i].Predicted.Count)
                    throw new ArgumentException($"Predictions[{i}] ('{value[i].ModelName}') has {value[i].Actual.Count} actual values and {value[i].Predicted.Count} predictions; " +
                        "each prediction needs its row's true value.", nameof(Predictions));
            }
            field = value.ToArray();
        }
    } = [];

    /// <summary>When the report was made, as the HTML states it. Default: when this object was created.</summary>
    public DateTimeOffset Date { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Every chart that applies to the task and the data given, in report order (PNG and SVG of each).</summary>
    public IReadOnlyList<ReportPlot> CreatePlots() => Plan().Where(s => s.Draw is not null).Select(s => s.Render()).ToList();

    /// <summary>The charts left out of <see cref="CreatePlots"/>, and why (no history given, speed not measured, not a classifier...).</summary>
    public IReadOnlyList<OmittedPlot> OmittedPlots()
        => Plan().Where(s => s.Draw is null).Select(s => new OmittedPlot(s.Name, s.Title, s.Reason!)).ToList();

    /// <summary>
    /// Writes each chart of <see cref="CreatePlots"/> as <c>&lt;name&gt;.png</c> and <c>&lt;name&gt;.svg</c> into
    /// <paramref name="folder"/> (created if missing; each file written to a temporary name and renamed).
    /// </summary>
    /// <param name="folder">Destination folder.</param>
    /// <returns>The paths written, PNG then SVG for each chart.</returns>
    public IReadOnlyList<string> SavePlots(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var plots = CreatePlots();
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var plot in plots)
        {
            var png = Path.Combine(folder, plot.Name + ".png");
            AtomicFile.WriteAllBytes(png, plot.Png);
            var svg = Path.Combine(folder, plot.Name + ".svg");
            AtomicFile.WriteAllBytes(svg, Encoding.UTF8.GetBytes(plot.Svg));
            paths.Add(png);
            paths.Add(svg);
        }
        return paths;
    }

    /// <summary>
    /// The report as one self-contained HTML page: title and date, the evaluation table (the figures of
    /// <see cref="DistillationEvaluation.ToMarkdown"/>, with a column for each other model), the ratios to the teacher,
    /// every chart as an embedded PNG with a caption saying what it shows, and the charts left out with the reason.
    /// Nothing outside the file is referenced; every user-given string is escaped.
    /// </summary>
    public string ToHtml() => ReportHtml.Render(this, Plan().Select(s => (s, s.Draw is null ? null : s.Render())).ToList());

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/> (UTF-8), through a temporary file renamed over the target.</summary>
    /// <param name="path">The HTML file to write; its folder must exist.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">The file could not be written (e.g. the path is a folder); an existing file is left as it was.</exception>
    public void SaveHtml(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToHtml()));
    }

    /// <summary>What differs in the report with the evaluation's task: its heading's words and which charts apply.</summary>
    internal ReportTask Task => ReportTask.Of(Evaluation.Task);

    /// <summary>Every chart of the report in order, drawn or left out with its reason.</summary>
    internal IReadOnlyList<PlotSpec> Plan() =>
    [
        TrainingPlots.Loss(History),
        TrainingPlots.Accuracy(Task, History),
        ClassifierPlots.Reliability(Evaluation, Task),
        ClassifierPlots.PerClassAccuracy(Evaluation, Task),
        .. Predictions.Count == 0 ? Array.Empty<PlotSpec>() :
        [
            RegressionPlots.PredictedAgainstActual(Evaluation, Predictions, OtherModels),
            RegressionPlots.Residuals(Evaluation, Predictions, OtherModels),
        ],
        TradeOffPlots.Latency(Evaluation, OtherModels),
        TradeOffPlots.Size(Evaluation, OtherModels),
    ];

    private static void CheckPrimaryMetric(DistillationEvaluation evaluation, ModelEvaluation model, string parameter)
    {
        if (!model.Metrics.Any(m => m.Name == evaluation.PrimaryMetric))
            throw new ArgumentException(
                $"The model '{model.Name}' has no metric '{evaluation.PrimaryMetric}' (it has {string.Join(", ", model.Metrics.Select(m => m.Name))}); " +
                $"every model of a {evaluation.Task} report must be evaluated on that task.", parameter);
    }
}
