using Microsoft.ML;

namespace MLNet.Distillation.Cli;

/// <summary>
/// The validation rows and early stopping every student of <c>distill train</c> trains with, the distilled ones and
/// those from labels alone alike: a student from labels alone trained for every epoch overfits a small table, and beside
/// it a distilled student looks better than distillation made it. <see cref="ValidationFraction"/> of the training rows
/// are held out (seeded with <c>--seed</c>, the same rows for every student and seed); each student is measured on them
/// after every epoch, keeps the weights of its best epoch, and stops after <see cref="Patience"/> epochs without a better one.
/// </summary>
/// <param name="Rows">The rows the students train on.</param>
/// <param name="Validation">The held-out rows, or null when the training rows are too few to hold any out.</param>
/// <param name="TrainingRows">Rows the students train on.</param>
/// <param name="ValidationRows">Rows held out.</param>
/// <param name="Epochs">The epochs a student runs at most.</param>
/// <param name="Patience">Epochs without a better validation result before a student stops, or null without validation rows.</param>
internal sealed record EarlyStopping(IDataView Rows, IDataView? Validation, long TrainingRows, long ValidationRows, int Epochs, int? Patience)
{
    /// <summary>The share of the training rows held out for validation (as <c>distill sweep</c> holds out to rank).</summary>
    public const double ValidationFraction = 0.2;

    /// <summary>The fewest validation rows worth stopping on; with fewer, every row trains and every epoch runs.</summary>
    public const int MinimumValidationRows = 10;

    /// <summary>Epochs without a better validation result before stopping: a tenth of the epochs, at least 10.</summary>
    public static int PatienceFor(int epochs) => Math.Max(10, epochs / 10);

    /// <summary>Holds out the validation rows of <paramref name="run"/>'s featurised training rows.</summary>
    public static EarlyStopping Split(PreparedRun run, RunArguments args)
    {
        var split = run.Ml.Data.TrainTestSplit(run.Train, ValidationFraction, seed: args.Seed);
        long validationRows = PreparedRun.Count(split.TestSet), trainingRows = run.TrainRows - validationRows;
        if (validationRows < MinimumValidationRows || trainingRows < MinimumValidationRows)
        {
            int all = StudentOptions.Epochs(run.Plan.Task, args.Epochs, run.TrainRows);
            return new EarlyStopping(run.Train, null, run.TrainRows, 0, all, null);
        }
        int epochs = StudentOptions.Epochs(run.Plan.Task, args.Epochs, trainingRows);
        return new EarlyStopping(run.Ml.Data.Cache(split.TrainSet), run.Ml.Data.Cache(split.TestSet), trainingRows, validationRows, epochs,
            PatienceFor(epochs));
    }

    /// <summary>What the console says about it.</summary>
    public string Describe() => Validation is null
        ? $"Early stopping: off ({TrainingRows:N0} training rows are too few to hold {MinimumValidationRows} out); every student trains on every row for every epoch."
        : $"Early stopping: {ValidationRows:N0} of the {TrainingRows + ValidationRows:N0} training rows held out for validation; every student keeps its best epoch " +
          $"and stops after {Patience} epochs without a better one.";
}
