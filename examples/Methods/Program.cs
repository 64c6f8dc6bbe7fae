// Every method family of the library, one short block each, on one real table (UCI digits, shipped in examples/data):
// each student is measured against the same teacher with ml.Distillation.Evaluate and printed beside the same student
// trained from labels alone. One seed, one split: this shows how each method is called and that it runs end to end;
// what each method is worth is measured with seeds and spreads in the benchmark suites (docs/articles/benchmarks/index.md,
// "Every method, side by side").
// The `// <name>` ... `// </name>` comments mark the blocks the documentation site quotes (docs/articles/methods/*.md), so
// the pages show code that CI runs; docs/build.sh fails a page whose quoted block came out empty.
// Run: dotnet run -c Release --project examples/Methods            (all, about a minute and a half on 2 cores)
//      dotnet run -c Release --project examples/Methods -- dkd hint   (chosen blocks; names in the table below)
//      dotnet run -c Release --project examples/Methods -- --seeds 1,2,3   (every student once per seed: mean ± std)
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation;
using static TorchSharp.torch;

// --seeds 1,2,3 trains every student once per seed (the teacher and the split stay fixed); other arguments name blocks.
int seedsAt = Array.FindIndex(args, a => a == "--seeds");
int[] seeds = seedsAt < 0 ? [1] : args.ElementAtOrDefault(seedsAt + 1)?.Split(',').Select(int.Parse).ToArray()
    ?? throw new ArgumentException("--seeds needs a comma-separated list of seeds, e.g. --seeds 1,2,3");
var blocks = args.Where((a, i) => seedsAt < 0 || (i != seedsAt && i != seedsAt + 1)).ToArray();
var chosen = blocks.Length > 0 ? blocks.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
bool Run(string name) => chosen is null || chosen.Contains(name);

// <setup>
var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromTextFile(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv"), [
    new TextLoader.Column("Features", DataKind.Single, 0, 63),
    new TextLoader.Column("Label", DataKind.String, 64),
], separatorChar: ',');
var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 0);
var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(split.TrainSet);
var train = ml.Data.Cache(keys.Transform(split.TrainSet));
var test = ml.Data.Cache(keys.Transform(split.TestSet));

// The teacher: a wide MLP trained from labels, used through its ONNX export. Its first hidden layer ("hidden1" in the
// export) is emitted as a second teacher column for the feature and relation terms.
var teacherModel = ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
{
    TeacherColumnName = null, Student = new MlpStudent { HiddenLayers = [256, 256], Dropout = 0.2f }, NumberOfEpochs = 60, Seed = 1,
}).Fit(train);
var teacher = Teacher.FromStudent(teacherModel);
var scored = ml.Data.Cache(ml.Transforms.TeacherScore(new TeacherScoringEstimator.Options
{
    Teacher = teacher,
    IntermediateOutputs = new Dictionary<string, string> { ["TeacherHidden"] = "hidden1" },
}).Fit(train).Transform(train));

// Every student below is this small MLP unless the block says otherwise.
int seed = seeds[0];
DistillationMulticlassTrainer.Options Small(string? teacherColumn = DefaultColumnNames.TeacherLogits) => new()
{
    TeacherColumnName = teacherColumn, Student = new MlpStudent { HiddenLayers = [32] }, Temperature = 4, Alpha = 0.1f, NumberOfEpochs = 60, Seed = seed,
};
ITransformer Fit(DistillationMulticlassTrainer.Options options, IDataView? on = null) => ml.MulticlassClassification.Trainers.Distillation(options).Fit(on ?? scored);
// </setup>

var rows = new List<(string Block, string Method, DistillationEvaluation Evaluation)>();
void Report(string block, string method, ITransformer student, string? detail = null)
{
    var e = ml.Distillation.Evaluate(teacher, student, test, new EvaluationOptions { MeasureSpeed = false });
    rows.Add((block, method, e));
    Console.WriteLine($"  {block,-9} {method + detail,-62} accuracy {e.Student.Metric("MicroAccuracy"),7:P2}   agreement {e.Agreement.Fidelity,7:P2}   " +
                      $"params {e.Student.ParameterCount,7:N0}   bytes {e.Student.SerializedBytes,8:N0}");
}

Console.WriteLine($"UCI digits: {Count(train)} training rows, {Count(test)} test rows. Teacher {teacherModel.Architecture}, " +
                  $"{teacherModel.ParameterCount:N0} parameters, test accuracy {ml.MulticlassClassification.Evaluate(teacherModel.Transform(test)).MicroAccuracy:P2}.");
foreach (int each in seeds)
{
    seed = each;
    if (seeds.Length > 1) Console.WriteLine($"seed {seed}");
    Report("labels", "student from labels alone (the baseline of every row)", Fit(Small(teacherColumn: null)));

    // <kd>
    if (Run("kd"))        // Hinton et al. 2015: alpha · CE(labels) + (1 − alpha) · T² · KL(teacher_T ‖ student_T)
        Report("kd", "logit KD (T 4, alpha 0.1)", Fit(Small()));
    // </kd>

    // <dkd>
    if (Run("dkd"))       // Zhao et al. 2022: target-class and non-target-class KL weighted separately
    {
        var options = Small();
        options.Losses = [new(LossNames.CrossEntropy, 1), new(LossNames.DecoupledKnowledgeDistillation, 1)];
        Report("dkd", "decoupled KD (alpha 1, beta 8, T 4: the paper's CIFAR defaults)", Fit(options));
    }
    // </dkd>

    // <hint>
    if (Run("hint"))      // FitNets (Romero et al. 2015): the student's hidden layer regresses the teacher's, through a projector
    {
        var options = Small();
        options.Losses = [new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f),
                          new(LossNames.Hint, 1) { StudentLayer = "hidden1", TeacherColumn = "TeacherHidden" }];   // 32 → 256 projector
        Report("hint", "KD + hint: student hidden1 ← teacher hidden1", Fit(options));
    }
    // </hint>

    // <rkd>
    if (Run("rkd"))       // Park et al. 2019: distances and angles between rows in a batch, on a hidden layer
    {
        var options = Small();
        options.Losses = [new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f),
                          new(LossNames.RelationDistance, 25) { StudentLayer = "hidden1", TeacherColumn = "TeacherHidden" },
                          new(LossNames.RelationAngle, 50) { StudentLayer = "hidden1", TeacherColumn = "TeacherHidden" }];
        Report("rkd", "KD + RKD distance (25) and angle (50) on hidden1", Fit(options));
    }
    // </rkd>

    // <sp>
    if (Run("sp"))        // Tung & Mori 2019: the batch's row-similarity matrices should match
    {
        var options = Small();
        options.Losses = [new(LossNames.CrossEntropy, 0.1f), new(LossNames.KnowledgeDistillation, 0.9f),
                          new(LossNames.SimilarityPreserving, 3000) { StudentLayer = "hidden1", TeacherColumn = "TeacherHidden" }];
        Report("sp", "KD + similarity-preserving (3000) on hidden1", Fit(options));
    }
    // </sp>

    // <ensemble>
    if (Run("ensemble"))  // multi-teacher: the MLP and an ML.NET LightGbm model, mean of their logits
    {
        var lightGbm = ml.MulticlassClassification.Trainers.LightGbm().Fit(train);
        var both = Teacher.Ensemble([(Teacher.FromStudent(teacherModel), 1f), (Teacher.FromTransformer(lightGbm), 1f)]);
        var scoredByBoth = ml.Data.Cache(ml.Transforms.TeacherScore(both).Fit(train).Transform(train));
        Report("ensemble", "KD from the mean logits of MLP + LightGbm teachers", Fit(Small(), scoredByBoth));
    }
    // </ensemble>

    // <self>
    if (Run("self"))      // born-again networks (Furlanello et al. 2018): generation k+1 learns from generation k
    {
        var result = ml.Distillation.SelfDistill(train, Small(teacherColumn: null), generations: 3, seed: seed);
        foreach (var generation in result.Generations)
            Report("self", $"born-again generation {generation.Generation}", generation.Student, $" (held-out {generation.Metric} {generation.Score:0.000})");
    }
    // </self>

    // <munge>
    if (Run("munge"))     // Bucilua et al. 2006: pseudo-rows around the few labelled rows, labelled by the teacher
    {
        var few = ml.Data.Cache(ml.Data.TakeRows(ml.Data.ShuffleRows(train, seed: seed), Count(train) / 10));
        var munged = ml.Distillation.Munge(few, new MungeOptions { Multiplier = 10, Seed = seed });
        var scoredMunged = ml.Data.Cache(ml.Transforms.TeacherScore(teacher).Fit(munged).Transform(munged));
        Report("munge", "10 % of the labels, from labels alone", Fit(Small(teacherColumn: null), few));
        Report("munge", "10 % of the labels + ×10 MUNGE pseudo-rows labelled by the teacher", Fit(Small(), scoredMunged));
    }
    // </munge>

    // <search>
    if (Run("search"))    // T and alpha chosen on a held-out part of the training rows; labels alone is always a trial
    {
        var result = ml.Distillation.SearchTemperatureAndAlpha(scored, Small(), new DistillationSearchOptions { Temperatures = [2, 4, 8], Alphas = [0.1f, 0.5f], Seed = seed });
        Report("search", $"best of {result.Trials.Count} trials on a held-out part", result.Best.Student, $": {result.Best}");
    }
    // </search>

    // <prune>
    if (Run("prune"))     // a wider student distilled, then its least active hidden units removed and the rest fine-tuned
    {
        var wide = Small();
        wide.Student = new MlpStudent { HiddenLayers = [128] };
        var student = Fit(wide);
        var pruned = ml.Distillation.Prune(student, scored, wide, new PruningOptions { Widths = [32], FineTuningEpochs = 20 });
        Report("prune", $"KD 64-128-10, pruned to 64-32-10 and fine-tuned", pruned.Student, $" ({pruned.Criterion})");
    }
    // </prune>

    // <int8>
    if (Run("int8"))      // the distilled student's ONNX graph with int8 weights (dynamic: no calibration data)
    {
        var student = Fit(Small());
        Report("int8", "logit KD, float (same student as quantized below)", student);
        Report("int8", "logit KD, int8 dynamic quantization", ml.Distillation.Quantize(student));
        Report("int8", "logit KD, int8 static quantization (calibrated on training rows)", ml.Distillation.Quantize(student, train));
    }
    // </int8>

    // <custom>
    if (Run("custom"))    // any TorchSharp module of the documented layer set as the student
    {
        var options = Small();
        options.Student = new TorchSharpStudent((inputs, classes) => nn.Sequential(
            nn.Linear(inputs, 48), nn.BatchNorm1d(48), nn.ReLU(), nn.Dropout(0.1), nn.Linear(48, classes)), name: "linear-bn");
        Report("custom", "logit KD into a TorchSharp Sequential (Linear-BatchNorm-ReLU-Linear)", Fit(options));
    }
    // </custom>

}

// One row per block and method; with several seeds, mean ± sample std over them (bytes and parameters of the first seed's student).
Console.WriteLine();
Console.WriteLine("| block | method | accuracy | agreement with teacher | parameters | bytes |");
Console.WriteLine("|---|---|---:|---:|---:|---:|");
foreach (var group in rows.GroupBy(r => (r.Block, r.Method)))
{
    var first = group.First().Evaluation;
    Console.WriteLine($"| {group.Key.Block} | {group.Key.Method} | {Spread(group.Select(r => r.Evaluation.Student.Metric("MicroAccuracy")))} | " +
                      $"{Spread(group.Select(r => r.Evaluation.Agreement.Fidelity ?? double.NaN))} | {first.Student.ParameterCount:N0} | {first.Student.SerializedBytes:N0} |");
}

static string Spread(IEnumerable<double> values)
{
    var v = values.ToArray();
    double mean = v.Average();
    return v.Length == 1 ? $"{mean * 100:0.00} %" : $"{mean * 100:0.00} ± {Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) * 100:0.00} %";
}

static long Count(IDataView view) => view.GetRowCount() ?? view.Preview(int.MaxValue).RowView.Length;
