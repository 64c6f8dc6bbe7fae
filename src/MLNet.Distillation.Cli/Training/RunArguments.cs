namespace MLNet.Distillation.Cli;

/// <summary>What <c>distill train</c> and <c>distill sweep</c> were asked (their shared options, parsed).</summary>
internal sealed record RunArguments
{
    /// <summary><c>--data</c>: the training CSV.</summary>
    public required string Data { get; init; }

    /// <summary><c>--label</c>: the label column.</summary>
    public required string Label { get; init; }

    /// <summary><c>--task</c>, or null to infer it from the label.</summary>
    public DistillationTask? Task { get; init; }

    /// <summary><c>--teacher</c>.</summary>
    public required TeacherSource Teacher { get; init; }

    /// <summary><c>--out</c>.</summary>
    public required string Out { get; init; }

    /// <summary><c>--shards</c>: a folder of shards <c>distill score</c> wrote from <see cref="Data"/>, or null to score the rows here.</summary>
    public string? Shards { get; init; }

    /// <summary><c>--test</c>, or null to hold out <see cref="HoldOutFraction"/> of the training rows.</summary>
    public string? Test { get; init; }

    /// <summary>Share of the rows held out for evaluation when there is no <c>--test</c>.</summary>
    public double HoldOutFraction { get; init; } = 0.2;

    /// <summary><c>--time</c>: the budget for the whole command, or null.</summary>
    public TimeSpan? Time { get; init; }

    /// <summary><c>--epochs</c>, or null for the trainer's default (sized by rows seen).</summary>
    public int? Epochs { get; init; }

    /// <summary><c>--seed</c>: the MLContext's, the split's and the student's.</summary>
    public int Seed { get; init; }

    /// <summary><c>--temperature</c>, or null for the default.</summary>
    public float? Temperature { get; init; }

    /// <summary><c>--alpha</c>, or null for the default.</summary>
    public float? Alpha { get; init; }

    /// <summary><c>--hidden</c>: the MLP student's hidden layer widths, or null for the default.</summary>
    public int[]? Hidden { get; init; }

    /// <summary><c>--positive</c>: a binary task's positive class as the label column writes it, or null for the default.</summary>
    public string? Positive { get; init; }

    /// <summary>
    /// <c>--metric</c>: the metric <c>train</c>'s verdict compares students on, or null to choose it from the task and
    /// the class balance.
    /// </summary>
    public string? Metric { get; init; }

    /// <summary>
    /// <c>--seeds</c>: how many seeds (<see cref="Seed"/>, <see cref="Seed"/> + 1, ...) <c>train</c>'s verdict trains
    /// each student with.
    /// </summary>
    public int Seeds { get; init; } = TrainCommand.DefaultSeeds;

    /// <summary><c>--header</c>: whether the CSV files have a header row; null decides from the values.</summary>
    public bool? Header { get; init; }

    /// <summary><c>--force</c>: overwrite files in <c>--out</c>.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Whether <c>train</c> also trains the same student from labels alone, for the report to compare with (off with
    /// <c>--no-baseline</c>): distillation is judged against that student, not against the teacher alone.
    /// </summary>
    public bool Baseline { get; init; } = true;

    /// <summary><c>--name</c>: the generated class (and file) name.</summary>
    public string Name { get; init; } = "StudentModel";
}
