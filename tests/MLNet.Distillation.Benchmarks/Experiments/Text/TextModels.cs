using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Every model of one text task on the same test rows: ML.NET's own FeaturizeText + SDCA; the teachers (a pretrained
/// transformer encoder with a linear head fitted on the training labels, and the mean of its probabilities and the SDCA
/// baseline's); the students (a linear and a one-hidden-layer MLP over FeaturizeText's sparse
/// vector, a fastText student over hashed n-grams), each from labels alone and distilled from the ensemble teacher, over
/// seeds; the linear student also distilled on an augmented transfer set (Tang et al. 2019). The 10 %-labels regime (labels
/// for one training row in ten, the teacher fitted on those and labelling the rest, then also augmented copies of every
/// review) is a separate experiment, <c>{task}.fewlabels</c>, so that it can be re-run alone; <c>{task}.fewlabels-cv</c> makes the teacher's n-gram half the
/// linear model that cross-validation on those labels prefers instead of SDCA; <c>{task}.student-teacher</c> makes it the
/// library's own sparse linear student from labels. Latency is one row through
/// PredictionEngine from raw text, featurisation included; a teacher's is its own single-row scoring (tokenising included).
/// Fit time and the peak working set above the process's level before the Fit are the student trainer's alone (the
/// featurisation and the teacher's scores are computed once, before); teachers' times include fitting their heads.
/// </summary>
internal sealed class TextModels(TextTask task, BenchmarkSettings settings, string encoderModel, string encoderVocabulary, int augmentationMultiplier,
    bool fewLabels = false, bool chooseTeacherByCrossValidation = false, bool studentAsNgramTeacher = false, bool tfIdfFeatures = false) : IExperiment
{
    public string Name => tfIdfFeatures ? $"{task.Name}.tfidf" : studentAsNgramTeacher ? $"{task.Name}.student-teacher"
        : fewLabels ? $"{task.Name}.fewlabels{(chooseTeacherByCrossValidation ? "-cv" : "")}" : $"{task.Name}.models";

    public ExperimentResult Run()
    {
        var ml = new MLContext(0);
        var rows = new List<TextModelRow>();
        var evaluation = new EvaluationOptions { LatencyCalls = settings.Mode == "quick" ? 300 : 1000, ThroughputRows = 1000 };
        // FeaturizeText at its defaults weighs n-grams by their counts (TF); the .tfidf variant weighs them by TF-IDF, word
        // 1–2-grams and character 1–5-grams, the recipe of the issue's scikit-learn reference (0.876 with logistic regression).
        var tfidf = tfIdfFeatures ? TfIdfFeaturizer(ml) : ml.Transforms.Text.FeaturizeText("Features", "Text");
        string featuresName = tfIdfFeatures ? "FeaturizeText TF-IDF, word 1–2 + char 1–5" : "FeaturizeText";
        var hashed = ml.Transforms.HashedTextNgrams("Features", "Text");

        // ML.NET's own text classifier, the baseline every student must beat.
        IEstimator<ITransformer> sdcaTrainer = task.Binary ? ml.BinaryClassification.Trainers.SdcaLogisticRegression() : ml.MulticlassClassification.Trainers.SdcaMaximumEntropy();
        var (sdca, sdcaFit) = FitCost.Measure(() => tfidf.Append(sdcaTrainer).Fit(task.Train));
        rows.Add(Row($"ML.NET {featuresName} + SDCA", null, ml.Distillation.EvaluateModel(sdca, task.Test, "sdca", evaluation), sdcaFit, null));

        using var encoder = TextEncoder.FromOnnx(encoderModel, encoderVocabulary);
        if (studentAsNgramTeacher)
        {
            StudentAsNgramTeacher(ml, rows, encoder, tfidf, evaluation);
            return new TextModelsResult($"{task.Name}, a student as the teacher's n-gram half", task.Description, task.TrainRows, task.TestRows,
                task.Binary ? "AUC" : "accuracy", settings.Seeds, null, rows);
        }
        if (fewLabels)
        {
            FewLabels(ml, rows, encoder, tfidf, sdcaTrainer, sdca, evaluation);
            return new TextModelsResult($"{task.Name}, 10 % labels", task.Description, task.TrainRows, task.TestRows, task.Binary ? "AUC" : "accuracy", settings.Seeds, null, rows);
        }
        var teachers = Teachers(ml, task.Train, encoder, tfidf, sdca, sdcaFit.Seconds);
        var probe = ml.Distillation.Evaluate(teachers.Ensemble, sdca, task.Test, evaluation);
        rows.Add(Row("teacher: MiniLM + linear head", null, ml.Distillation.Evaluate(teachers.Encoder, sdca, task.Test, evaluation).Teacher, teachers.EncoderFit, null));
        rows.Add(Row("teacher: ensemble (mean probability)", null, probe.Teacher, teachers.EncoderFit + teachers.TfidfFit, null));

        // The teacher scores the training rows once (timed: rows/s of the whole ensemble); every student reads those scores.
        var scoring = Stopwatch.StartNew();
        var scored = ml.Data.Cache(ml.Transforms.TeacherScore(teachers.Ensemble).Fit(task.Train).Transform(task.Train));
        long scoredRows = scored.GetColumn<VBuffer<float>>(DefaultColumnNames.TeacherLogits).LongCount();
        double teacherRowsPerSecond = scoredRows / scoring.Elapsed.TotalSeconds;

        var students = new (string Name, IEstimator<ITransformer> Featurizer, Func<StudentArchitecture> Student)[]
        {
            ($"linear ({featuresName}, sparse)", tfidf, () => new MlpStudent { HiddenLayers = [] }),
            ($"MLP 64 ({featuresName}, sparse)", tfidf, () => new MlpStudent()),
            ("fastText 64 (hashed n-grams)", hashed, () => new FastTextStudent()),
        };
        if (tfIdfFeatures)
            students = students[..1]; // the variant asks one question: do TF-IDF features lift the linear student and the teacher's n-gram half
        foreach (var (name, featurizer, student) in students)
        {
            var features = featurizer.Fit(task.Train);
            var table = Materialised(ml.Data.Cache(features.Transform(scored)));
            foreach (bool distilled in new[] { false, true })
                rows.Add(Seeds(ml, $"{name}, {(distilled ? "distilled" : "from labels")}", distilled ? "ensemble" : null, features, table, student, distilled, teachers.Ensemble, evaluation));
        }

        // Tang et al.'s transfer set: augmented copies of the training reviews, labelled by the teacher.
        if (!tfIdfFeatures)
        {
            var features = tfidf.Fit(task.Train);
            var augmented = ml.Distillation.AugmentText(task.Train, new TextAugmentationOptions { Multiplier = augmentationMultiplier, Seed = 1 });
            var augmentedScored = Materialised(ml.Data.Cache(features.Transform(ml.Transforms.TeacherScore(teachers.Ensemble).Fit(augmented).Transform(augmented))));
            rows.Add(Seeds(ml, $"linear (FeaturizeText, sparse), distilled, +{augmentationMultiplier}× augmented", "ensemble", features, augmentedScored,
                () => new MlpStudent { HiddenLayers = [] }, true, teachers.Ensemble, evaluation));
        }

        teachers.Dispose();
        return new TextModelsResult(tfIdfFeatures ? $"{task.Name}, TF-IDF features" : task.Name, task.Description, task.TrainRows, task.TestRows, task.Binary ? "AUC" : "accuracy", settings.Seeds, teacherRowsPerSecond, rows);
    }

    /// <summary>FeaturizeText with TF-IDF weights over word 1–2-grams and character 1–5-grams (rows L2-normalised, as by default).</summary>
    private static IEstimator<ITransformer> TfIdfFeaturizer(MLContext ml)
        => ml.Transforms.Text.FeaturizeText("Features", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new Microsoft.ML.Transforms.Text.WordBagEstimator.Options
            {
                NgramLength = 2, UseAllLengths = true, Weighting = Microsoft.ML.Transforms.Text.NgramExtractingEstimator.WeightingCriteria.TfIdf,
            },
            CharFeatureExtractor = new Microsoft.ML.Transforms.Text.WordBagEstimator.Options
            {
                NgramLength = 5, UseAllLengths = true, Weighting = Microsoft.ML.Transforms.Text.NgramExtractingEstimator.WeightingCriteria.TfIdf,
            },
        }, "Text");

    /// <summary>
    /// One training row in ten keeps its label; the teachers are fitted on those (the transformer's head, and the linear
    /// n-gram model that cross-validation on those rows prefers), and the ensemble labels the rest.
    /// </summary>
    private void FewLabels(MLContext ml, List<TextModelRow> rows, TextEncoder encoder, IEstimator<ITransformer> tfidf, IEstimator<ITransformer> sdcaTrainer,
        ITransformer sdca, EvaluationOptions evaluation)
    {
        // A whole shuffle: fine foods' training reviews come product after product.
        var shuffled = ml.Data.ShuffleRows(task.Train, seed: 11, shufflePoolSize: 100_000);
        int labelled = Math.Max(20, task.TrainRows / 10);
        var few = ml.Data.Cache(ml.Data.TakeRows(shuffled, labelled));
        var rest = ml.Data.SkipRows(shuffled, labelled).GetColumn<string>("Text").ToArray();
        var (fewSdca, fewSdcaFit) = FitCost.Measure(() => tfidf.Append(sdcaTrainer).Fit(few));
        rows.Add(Row($"10 % labels: ML.NET FeaturizeText + SDCA ({labelled} labels)", null, ml.Distillation.EvaluateModel(fewSdca, task.Test, "sdca", evaluation), fewSdcaFit, null));
        // The teacher's n-gram half: SDCA at its defaults, or (the -cv variant) tuned as a user would tune a teacher, by
        // cross-validation on the labelled rows alone.
        (ITransformer ngrams, FitCost ngramFit) = (fewSdca, fewSdcaFit);
        if (chooseTeacherByCrossValidation)
        {
            var ((chosenName, chosen), chosenFit) = FitCost.Measure(() => ChooseLinearModel(ml, few, tfidf));
            rows.Add(Row($"10 % labels: ML.NET FeaturizeText + {chosenName}, chosen by 5-fold CV on the {labelled} labels", null,
                ml.Distillation.EvaluateModel(chosen, task.Test, "chosen", evaluation), chosenFit, null));
            (ngrams, ngramFit) = (chosen, chosenFit);
        }
        var fewTeachers = Teachers(ml, few, encoder, tfidf, ngrams, ngramFit.Seconds);
        var probeFew = ml.Distillation.Evaluate(fewTeachers.Ensemble, sdca, task.Test, evaluation);
        rows.Add(Row($"10 % labels: teacher ensemble ({labelled} labels)", null, probeFew.Teacher, fewTeachers.EncoderFit + fewTeachers.TfidfFit, null));
        var features = tfidf.Fit(task.Train); // featurisation is unsupervised: every review's text may shape it
        var fewTable = Materialised(ml.Data.Cache(features.Transform(ml.Transforms.TeacherScore(fewTeachers.Ensemble).Fit(few).Transform(few))));
        rows.Add(Seeds(ml, "10 % labels: linear from labels", null, features, fewTable, () => new MlpStudent { HiddenLayers = [] }, false, fewTeachers.Ensemble, evaluation));
        var transfer = ml.Distillation.AppendUnlabelledText(few, rest);
        var transferTable = Materialised(ml.Data.Cache(features.Transform(ml.Transforms.TeacherScore(fewTeachers.Ensemble).Fit(transfer).Transform(transfer))));
        rows.Add(Seeds(ml, "10 % labels: linear distilled (teacher labels the rest)", "10 % ensemble", features, transferTable,
            () => new MlpStudent { HiddenLayers = [] }, true, fewTeachers.Ensemble, evaluation));
        // Tang et al.'s transfer set where the paper says it pays, with few labels: augmented copies of every training review
        // (labelled or not), all labelled by the 10 % teacher, beside the reviews themselves.
        var augmented = ml.Distillation.AugmentText(transfer, new TextAugmentationOptions { Multiplier = augmentationMultiplier, Seed = 1 });
        var augmentedTable = Materialised(ml.Data.Cache(features.Transform(ml.Transforms.TeacherScore(fewTeachers.Ensemble).Fit(augmented).Transform(augmented))));
        rows.Add(Seeds(ml, $"10 % labels: linear distilled (teacher labels the rest and {augmentationMultiplier}× augmented copies of every review)", "10 % ensemble",
            features, augmentedTable, () => new MlpStudent { HiddenLayers = [] }, true, fewTeachers.Ensemble, evaluation));
        fewTeachers.Dispose();
    }

    /// <summary>
    /// The ensemble teacher with a stronger n-gram half: the library's own sparse linear student trained from the labels
    /// alone (seed 1; it beats SDCA on the same features), in place of SDCA; then the linear student distilled from that
    /// ensemble over the seeds. Every model sees the training labels only; the test rows play no part in any choice.
    /// </summary>
    private void StudentAsNgramTeacher(MLContext ml, List<TextModelRow> rows, TextEncoder encoder, IEstimator<ITransformer> tfidf, EvaluationOptions evaluation)
    {
        var features = tfidf.Fit(task.Train);
        var labelled = Materialised(ml.Data.Cache(features.Transform(task.Train)));
        var linear = new MlpStudent { HiddenLayers = [] };
        IEstimator<StudentTransformer> trainer = task.Binary
            ? ml.BinaryClassification.Trainers.Distillation(Options<DistillationBinaryTrainer.Options>(linear, 1, distilled: false))
            : ml.MulticlassClassification.Trainers.Distillation(Options<DistillationMulticlassTrainer.Options>(linear, 1, distilled: false));
        var (ngrams, ngramFit) = FitCost.Measure(() => (ITransformer)new TransformerChain<ITransformer>(features, trainer.Fit(labelled)));
        rows.Add(Row("n-gram half: linear student from labels (seed 1)", null, ml.Distillation.EvaluateModel(ngrams, task.Test, "linear", evaluation), ngramFit, null));
        var teachers = Teachers(ml, task.Train, encoder, tfidf, ngrams, ngramFit.Seconds);
        rows.Add(Row("teacher: ensemble (MiniLM + that linear student)", null, ml.Distillation.Evaluate(teachers.Ensemble, ngrams, task.Test, evaluation).Teacher,
            teachers.EncoderFit + teachers.TfidfFit, null));
        var scored = ml.Data.Cache(ml.Transforms.TeacherScore(teachers.Ensemble).Fit(task.Train).Transform(task.Train));
        var table = Materialised(ml.Data.Cache(features.Transform(scored)));
        rows.Add(Seeds(ml, "linear (FeaturizeText, sparse), distilled from that ensemble", "ensemble", features, table,
            () => new MlpStudent { HiddenLayers = [] }, true, teachers.Ensemble, evaluation));
        // The library's temperature and alpha search on a held-out share of the training rows (seed 1), then every seed at its choice.
        DistillationTrainerOptions searchOptions = task.Binary
            ? Options<DistillationBinaryTrainer.Options>(new MlpStudent { HiddenLayers = [] }, 1, distilled: true)
            : Options<DistillationMulticlassTrainer.Options>(new MlpStudent { HiddenLayers = [] }, 1, distilled: true);
        var search = ml.Distillation.SearchTemperatureAndAlpha(table, searchOptions, new DistillationSearchOptions { Seed = 1 });
        foreach (var trial in search.Trials)
            Console.WriteLine($"  {task.Name} | search | {trial}");
        if (search.Best is { FromLabelsAlone: false, Temperature: float t } best)
            rows.Add(Seeds(ml, $"linear, distilled from that ensemble at the searched T = {t}, α = {best.Alpha}", "ensemble", features, table,
                () => new MlpStudent { HiddenLayers = [] }, true, teachers.Ensemble, evaluation, (t, best.Alpha)));
        else
            Console.WriteLine($"  {task.Name} | search | the student from labels alone ranked first");
        teachers.Dispose();
    }

    /// <summary>
    /// ML.NET's linear text classifiers over FeaturizeText (SDCA at its defaults; L-BFGS logistic regression or maximum
    /// entropy with L2 only, at three strengths), scored by 5-fold cross-validation on <paramref name="labelled"/> (AUC or
    /// micro accuracy): the best, fitted on all of them, and its name. The test rows play no part in the choice.
    /// </summary>
    private (string Name, ITransformer Model) ChooseLinearModel(MLContext ml, IDataView labelled, IEstimator<ITransformer> tfidf)
    {
        var candidates = new List<(string Name, IEstimator<ITransformer> Trainer)>
        {
            ("SDCA", task.Binary ? ml.BinaryClassification.Trainers.SdcaLogisticRegression() : ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
        };
        foreach (float l2 in new[] { 1f, 0.1f, 0.01f })
            candidates.Add(($"L-BFGS (L2 {l2.ToString(CultureInfo.InvariantCulture)}, no L1)", task.Binary
                ? ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l1Regularization: 0, l2Regularization: l2)
                : ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(l1Regularization: 0, l2Regularization: l2)));
        (string Name, IEstimator<ITransformer> Trainer, double Score)? best = null;
        foreach (var (name, trainer) in candidates)
        {
            var pipeline = tfidf.Append(trainer);
            double score = task.Binary
                ? ml.BinaryClassification.CrossValidate(labelled, pipeline, numberOfFolds: 5, seed: 1).Average(f => f.Metrics.AreaUnderRocCurve)
                : ml.MulticlassClassification.CrossValidate(labelled, pipeline, numberOfFolds: 5, seed: 1).Average(f => f.Metrics.MicroAccuracy);
            Console.WriteLine($"  {task.Name} | 5-fold CV on the labelled rows | {name}: {score:F4}");
            if (best is null || score > best.Value.Score)
                best = (name, trainer, score);
        }
        return (best!.Value.Name, tfidf.Append(best.Value.Trainer).Fit(labelled));
    }

    private sealed record TeacherSet(Teacher Encoder, Teacher Tfidf, Teacher Ensemble, double EncoderFit, double TfidfFit) : IDisposable
    {
        public void Dispose()
        {
            Ensemble.Dispose();
            Encoder.Dispose();
            Tfidf.Dispose();
        }
    }

    /// <summary>The transformer with a head fitted on <paramref name="train"/>, an ML.NET FeaturizeText model (SDCA, or the one CV chose), and the mean of their probabilities.</summary>
    private static TeacherSet Teachers(MLContext ml, IDataView train, TextEncoder encoder, IEstimator<ITransformer> tfidf, ITransformer ngrams, double ngramSeconds)
    {
        var (head, headFit) = FitCost.Measure(() => Teacher.FromTextEncoder(ml, train, encoder));
        var tfidfTeacher = Teacher.FromTransformer(ngrams);
        return new TeacherSet(head, tfidfTeacher, Teacher.Ensemble([(head, 1f), (tfidfTeacher, 1f)], EnsembleCombination.MeanProbabilities), headFit.Seconds, ngramSeconds);
    }

    /// <summary>One student configuration over every seed: the mean and spread of its figures.</summary>
    private TextModelRow Seeds(MLContext ml, string name, string? teacherName, ITransformer featurizer, IDataView table, Func<StudentArchitecture> student,
        bool distilled, Teacher teacher, EvaluationOptions evaluation, (float Temperature, float Alpha)? softening = null)
    {
        var runs = new List<(ModelEvaluation Student, double? Agreement, FitCost Cost)>();
        var teacherPredictions = distilled ? TeacherPredictions(ml, teacher) : null;
        foreach (int seed in settings.Seeds)
        {
            IEstimator<StudentTransformer> trainer = task.Binary
                ? ml.BinaryClassification.Trainers.Distillation(Options<DistillationBinaryTrainer.Options>(student(), seed, distilled, softening))
                : ml.MulticlassClassification.Trainers.Distillation(Options<DistillationMulticlassTrainer.Options>(student(), seed, distilled, softening));
            var (fitted, cost) = FitCost.Measure(() => trainer.Fit(table));
            var model = new TransformerChain<ITransformer>(featurizer, fitted);
            var measured = ml.Distillation.EvaluateModel(model, task.Test, name, evaluation);
            runs.Add((measured, teacherPredictions is null ? null : Agreement(teacherPredictions, model.Transform(task.Test)), cost));
            Console.WriteLine($"  {task.Name} | {name} | seed {seed}: {Primary(measured):F4}, fit {cost.Seconds:F1} s, {fitted.TrainingHistory.Count} epochs");
        }
        var first = runs[0].Student;
        return new TextModelRow(name, teacherName, MeanStd.Of(runs.Select(r => Primary(r.Student))), MeanStd.Of(runs.Select(r => Accuracy(r.Student))),
            MeanStd.Of(runs.Select(r => MacroF1(r.Student))), runs[0].Agreement is null ? null : MeanStd.Of(runs.Select(r => r.Agreement ?? 0)),
            first.ParameterCount, first.SerializedBytes, runs.Average(r => r.Student.Latency?.P50Microseconds ?? double.NaN),
            runs.Average(r => r.Cost.Seconds), runs.Max(r => r.Cost.PeakMegabytes));
    }

    /// <summary>The teacher's predicted class per test row (binary: its logit is positive), from its logits through TeacherScore.</summary>
    private int[] TeacherPredictions(MLContext ml, Teacher teacher)
    {
        var scored = ml.Transforms.TeacherScore(teacher).Fit(task.Test).Transform(task.Test);
        return scored.GetColumn<VBuffer<float>>(DefaultColumnNames.TeacherLogits).Select(v =>
        {
            var logits = v.DenseValues().ToArray();
            return logits.Length == 1 ? (logits[0] > 0 ? 1 : 0) : Array.IndexOf(logits, logits.Max());
        }).ToArray();
    }

    /// <summary>The share of test rows on which the model predicts the teacher's class.</summary>
    private double Agreement(int[] teacher, IDataView scored)
    {
        var predicted = task.Binary
            ? scored.GetColumn<bool>(DefaultColumnNames.PredictedLabel).Select(b => b ? 1 : 0).ToArray()
            : scored.GetColumn<uint>(DefaultColumnNames.PredictedLabel).Select(k => (int)k - 1).ToArray();
        return predicted.Zip(teacher).Count(p => p.First == p.Second) / (double)teacher.Length;
    }

    /// <summary>The trainer at its defaults (T = 4, alpha 0.1, batches of 256, epochs sized by rows seen, automatic early stopping on sparse features): what a user gets.</summary>
    private static TOptions Options<TOptions>(StudentArchitecture student, int seed, bool distilled, (float Temperature, float Alpha)? softening = null)
        where TOptions : DistillationTrainerOptions, new()
    {
        var options = new TOptions { Student = student, TeacherColumnName = distilled ? DefaultColumnNames.TeacherLogits : null, Seed = seed };
        if (softening is { } chosen)
            (options.Temperature, options.Alpha) = (chosen.Temperature, chosen.Alpha);
        return options;
    }

    /// <summary>Reads every row of a cached view once, so that the teacher's scoring is done before a student's Fit is timed.</summary>
    private static IDataView Materialised(IDataView cached)
    {
        using var cursor = cached.GetRowCursor(cached.Schema);
        while (cursor.MoveNext()) { }
        return cached;
    }

    private TextModelRow Row(string name, string? teacher, ModelEvaluation evaluation, FitCost cost, double? agreement)
        => new(name, teacher, MeanStd.Of([Primary(evaluation)]), MeanStd.Of([Accuracy(evaluation)]), MeanStd.Of([MacroF1(evaluation)]),
            agreement is null ? null : MeanStd.Of([agreement.Value]), evaluation.ParameterCount, evaluation.SerializedBytes,
            evaluation.Latency?.P50Microseconds ?? double.NaN, cost.Seconds, cost.PeakMegabytes);

    private TextModelRow Row(string name, string? teacher, ModelEvaluation evaluation, double fitSeconds, double? agreement)
        => Row(name, teacher, evaluation, new FitCost(fitSeconds, double.NaN), agreement);

    private double Primary(ModelEvaluation e) => task.Binary ? e.BinaryMetrics!.AreaUnderRocCurve : e.MulticlassMetrics!.MicroAccuracy;

    private double Accuracy(ModelEvaluation e) => task.Binary ? e.BinaryMetrics!.Accuracy : e.MulticlassMetrics!.MicroAccuracy;

    private double MacroF1(ModelEvaluation e) => task.Binary ? DistillationMetrics.MacroF1(e.BinaryMetrics!.ConfusionMatrix) : DistillationMetrics.MacroF1(e.MulticlassMetrics!.ConfusionMatrix);
}

/// <summary>One row of the text table; student figures are mean ± std over seeds (teachers and the baseline: one run).</summary>
internal sealed record TextModelRow(string Model, string? Teacher, MeanStd Primary, MeanStd Accuracy, MeanStd MacroF1, MeanStd? Agreement,
    long? Parameters, long Bytes, double LatencyP50Microseconds, double FitSeconds, double FitPeakMegabytes);

/// <summary>The text table of one task.</summary>
internal sealed record TextModelsResult(string Task, string Description, int TrainRows, int TestRows, string PrimaryMetric, int[] Seeds,
    double? TeacherScoringRowsPerSecond, IReadOnlyList<TextModelRow> Rows) : ExperimentResult
{
    public override string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"### {Task}: {Description}");
        string scoring = TeacherScoringRowsPerSecond is double rate
            ? string.Create(c, $" The ensemble teacher scored the training rows at {rate:F1} rows/s.") : "";
        md.AppendLine(c, $"{TrainRows:N0} training and {TestRows:N0} test rows; students over seeds {string.Join(", ", Seeds)} (mean ± std).{scoring}");
        md.AppendLine();
        // A multiclass task's primary metric is the accuracy, which has a column of its own: printed once.
        bool primaryColumn = PrimaryMetric != "accuracy";
        md.AppendLine(c, $"| model |{(primaryColumn ? $" {PrimaryMetric} |" : "")} accuracy | macro-F1 | agreement with teacher | parameters | bytes | p50 µs, one row from text | Fit s | Fit peak MB |");
        md.AppendLine(primaryColumn ? "|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Rows)
            md.AppendLine(c, $"| {r.Model} |{(primaryColumn ? $" {r.Primary.Format("0.0000")} |" : "")} {r.Accuracy.Percent} | {r.MacroF1.Format("0.000")} | {(r.Agreement is null ? "–" : r.Agreement.Percent)} | " +
                $"{(r.Parameters is long p ? p.ToString("N0", c) : "–")} | {r.Bytes.ToString("N0", c)} | {r.LatencyP50Microseconds.ToString("N0", c)} | " +
                $"{r.FitSeconds.ToString("0.0", c)} | {(double.IsNaN(r.FitPeakMegabytes) ? "–" : r.FitPeakMegabytes.ToString("N0", c))} |");
        return md.ToString();
    }
}
