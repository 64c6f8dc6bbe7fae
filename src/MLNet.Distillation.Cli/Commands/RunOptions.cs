using System.CommandLine;
using System.Globalization;

namespace MLNet.Distillation.Cli;

/// <summary>The options <c>train</c> and <c>sweep</c> share (data, label, task, teacher, output, budget, student settings).</summary>
internal sealed class RunOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "Training data: a comma-separated file (a header row is detected).",
        Required = true
    };
    public Option<string> Label { get; } = new("--label") { Description = "The label column (its header name; col0, col1, ... in a file without a header).", Required = true };
    public Option<string?> Task { get; } = new("--task") { Description = "binary, multiclass or regression; inferred from the label when left out." };
    public Option<string> Teacher { get; } = new("--teacher") { Description = "lightgbm (the default: trained here first, on the featurised columns, text included), minilm (a pretrained transformer over the free-text column, its head fitted here), an ONNX model (.onnx, reading the featurised vector; with --vocab, a text encoder like minilm) or an ML.NET model (.zip, reading the CSV's columns).", DefaultValueFactory = _ => "lightgbm" };
    public Option<string?> TeacherOutputs { get; } = new(TeacherSource.OutputsFlag) { Description = "What an ONNX teacher's output holds: logits or probabilities (probabilities become logits; when left out, a teacher whose outputs are plainly probabilities is refused, to be told which)." };
    public Option<string?> Vocabulary { get; } = new("--vocab") { Description = "The WordPiece vocab.txt of a BERT-family encoder given as --teacher ENCODER.onnx." };
    public Option<string> Out { get; } = new("--out") { Description = "Output folder (created if missing).", Required = true };
    public Option<string?> Test { get; } = new("--test") { Description = "Evaluation data with the same columns; without it, 20 % of --data (seeded) is held out." };
    public Option<string?> Time { get; } = new("--time") { Description = "Time budget for the whole command, e.g. 90s, 5m, 1h: training stops at an epoch boundary and keeps the student." };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Passes over the training rows; default: sized by rows seen (at least 192,000 rows, 20 to 2,000 epochs)." };
    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the split, the teacher and the student (same seed, same student).",
        DefaultValueFactory = _ => 0
    };
    public Option<float?> Temperature { get; } = new("--temperature") { Description = $"Softening temperature T (classifiers; default {Number(TrainerDefaults.Temperature)})." };
    public Option<float?> Alpha { get; } = new("--alpha") { Description = $"Weight of the hard-label term; the teacher's term gets 1 - alpha (default {Number(TrainerDefaults.Alpha)})." };
    public Option<string?> Hidden { get; } = new("--hidden") { Description = $"Hidden layer widths of the MLP student, e.g. 64 or 128,64 (default {string.Join(",", new MlpStudent().HiddenLayers)})." };

    /// <summary>The library's defaults, read from its public options so that the help cannot drift from them.</summary>
    private static readonly DistillationBinaryTrainer.Options TrainerDefaults = new();

    private static string Number(float value) => value.ToString(CultureInfo.InvariantCulture);
    public Option<string?> Positive { get; } = new("--positive") { Description = "Binary tasks: the class that is positive (true), as the label column writes it; default true, 1, or the later of two text values in ordinal order." };
    public Option<string?> Header { get; } = new("--header") { Description = "true or false: whether the CSV files start with a header row (default: detected)." };
    public Option<bool> Force { get; } = new("--force") { Description = "Overwrite files already in --out." };
    public Option<string> Name { get; } = new("--name")
    {
        Description = "Name of the generated C# class (and of its file, NAME.consumption.cs).",
        DefaultValueFactory = _ => "StudentModel"
    };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Label, Task, Teacher, TeacherOutputs, Vocabulary, Out, Test, Time, Epochs, Seed, Temperature,
            Alpha, Hidden, Positive, Header, Force, Name })
            command.Options.Add(option);
    }

    /// <summary>The parsed arguments, each checked (bad values are bad-input errors naming the option).</summary>
    public RunArguments Parse(ParseResult result)
    {
        int? epochs = result.GetValue(Epochs);
        if (epochs is <= 0)
            throw CliException.BadInput($"--epochs {epochs}: must be positive.");
        // Checked here, as the user typed them, rather than by the trainer after the teacher has trained.
        float? temperature = result.GetValue(Temperature), alpha = result.GetValue(Alpha);
        if (temperature is float t)
            CheckTemperature(t, "--temperature", Text(result, Temperature));
        if (alpha is float a)
            CheckAlpha(a, "--alpha", Text(result, Alpha));
        var name = result.GetValue(Name)!;
        if (Identifiers.From(name) != name)
            throw CliException.BadInput($"--name {name}: must be a C# identifier (e.g. {Identifiers.From(name).TrimStart('@')}).");
        return new RunArguments
        {
            Data = result.GetValue(Data)!,
            Label = result.GetValue(Label)!,
            Task = result.GetValue(Task) is string task ? CliTask.Parse(task).Kind : null,
            Teacher = TeacherSource.Parse(result.GetValue(Teacher)!, vocabulary: result.GetValue(Vocabulary))
                .WithOutputs(result.GetValue(TeacherOutputs)),
            Out = result.GetValue(Out)!,
            Test = result.GetValue(Test),
            Time = result.GetValue(Time) is string time ? TimeBudget.Parse(time) : null,
            Epochs = epochs,
            Seed = result.GetValue(Seed),
            Temperature = temperature,
            Alpha = alpha,
            Hidden = result.GetValue(Hidden) is string hidden ? ParseWidths(hidden) : null,
            Positive = result.GetValue(Positive),
            Header = ParseHeader(result.GetValue(Header)),
            Force = result.GetValue(Force),
            Name = name,
        };
    }

    /// <summary>The value of <paramref name="option"/> as the user typed it (for messages).</summary>
    public static string Text(ParseResult result, Option option)
        => result.GetResult(option) is { Tokens.Count: > 0 } given ? given.Tokens[0].Value : "";

    /// <summary>Refuses a softening temperature that is not positive and finite, naming <paramref name="option"/>.</summary>
    public static void CheckTemperature(float value, string option, string typed)
    {
        if (!(value > 0) || !float.IsFinite(value))
            throw CliException.BadInput($"{option} {typed}: a temperature must be positive (1 leaves the teacher's probabilities as they are; 2 to 8 soften them).");
    }

    /// <summary>Refuses an alpha outside [0, 1], naming <paramref name="option"/>.</summary>
    public static void CheckAlpha(float value, string option, string typed)
    {
        if (!(value is >= 0 and <= 1))
            throw CliException.BadInput($"{option} {typed}: alpha must be between 0 and 1 (the weight of the labels; the teacher's term gets 1 - alpha).");
    }

    /// <summary>Parses <c>--header</c>.</summary>
    public static bool? ParseHeader(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw CliException.BadInput($"--header {value}: must be true or false."),
    };

    private static int[] ParseWidths(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] <= 0)
                throw CliException.BadInput($"--hidden {value}: must be positive layer widths separated by commas, e.g. 128,64.");
        return widths;
    }

    /// <summary>Parses a comma-separated list of floats for <paramref name="option"/>.</summary>
    public static float[] ParseFloats(string value, string option)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var numbers = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !float.IsFinite(numbers[i]))
                throw CliException.BadInput($"{option} {value}: must be numbers separated by commas, e.g. 2,4.");
        if (numbers.Length == 0)
            throw CliException.BadInput($"{option}: give at least one value.");
        return numbers;
    }
}
