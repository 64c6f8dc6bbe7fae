using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Data;

/// <summary>
/// <c>distill evaluate</c> refuses rows whose label the saved student's mapping does not know, instead of letting ML.NET's
/// evaluators drop them (multiclass) or count them as the negative class (binary labels written as text).
/// </summary>
public sealed class EvaluationLabelCheckTests
{
    [Fact]
    public void A_multiclass_file_with_a_class_the_student_never_saw_is_refused_naming_it_with_or_without_label()
    {
        using var folder = new TempFolder();
        var (code, _, error) = Distill.Run("train", "--data", Distill.Fixture("wine.csv"), "--label", "Cultivar", "--teacher", "lightgbm", "--epochs", "1",
            "--seeds", "1", "--out", folder["out"]);
        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(Distill.Fixture("wine.csv"));
        foreach (int row in new[] { 5, 40, 41 })
            lines[row] = lines[row][..lines[row].LastIndexOf(',')] + ",class_9";
        var data = folder.Write("wine-more.csv", string.Join('\n', lines) + "\n");
        string[] Evaluate(params string[] extra) => ["evaluate", "--teacher", Path.Combine(folder["out"], "teacher.zip"),
            "--student", Path.Combine(folder["out"], "student.zip"), "--data", data, .. extra];

        (code, _, error) = Distill.Run(Evaluate("--label", "Cultivar"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: --data wine-more.csv: 3 of 178 rows (the first is data row 5) have a label the student was not trained on ('class_9' in column 'Cultivar'); " +
            "its classes are 'class_0', 'class_1', 'class_2'.", error);
        // Without --label the saved label mapping names the column, so the message still shows the values at fault.
        (code, _, error) = Distill.Run(Evaluate());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: --data wine-more.csv: 3 of 178 rows (the first is data row 5) have a label the student was not trained on ('class_9' in column 'Cultivar')", error);

        // The file as trained on passes.
        var trainedOn = Evaluate("--label", "Cultivar");
        trainedOn[Array.IndexOf(trainedOn, data)] = Distill.Fixture("wine.csv");
        (code, _, error) = Distill.Run(trainedOn);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void A_binary_text_label_with_a_third_value_or_an_empty_label_is_refused_instead_of_counted_as_negative()
    {
        using var folder = new TempFolder();
        var data = Tables.Binary(folder, "credit.csv", rows: 120, positiveShare: 0.5, negative: "bad", positive: "good");
        var (code, _, error) = Distill.Run("train", "--data", data, "--label", "label", "--teacher", "lightgbm", "--epochs", "1", "--seeds", "1", "--out", folder["out"]);
        Assert.True(code == 0, error);
        string[] Evaluate(string file, bool nameLabel = true) => ["evaluate", "--teacher", Path.Combine(folder["out"], "teacher.zip"),
            "--student", Path.Combine(folder["out"], "student.zip"), "--data", file, .. nameLabel ? new[] { "--label", "label" } : []];
        var text = File.ReadAllText(data);

        var third = folder.Write("third.csv", text + "0.1,0.2,0.3,ugly\n0.2,0.1,0.0,ugly\n");
        (code, _, error) = Distill.Run(Evaluate(third));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Matches(@"^error: --data third\.csv: label 'label' holds 2 values besides the positive class: 'bad' \(\d+ rows, first data row \d+\), 'ugly' \(2 rows, first data row 121\)\.", error);
        // Without --label too: the check used to need the name, and the 'ugly' rows were counted as 'bad' without a word.
        (code, _, error) = Distill.Run(Evaluate(third, nameLabel: false));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Matches(@"^error: --data third\.csv: label 'label' holds 2 values besides the positive class", error);

        (code, _, error) = Distill.Run(Evaluate(folder.Write("empty.csv", text + "0.1,0.2,0.3,\n")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: --data empty.csv: label 'label' is empty on 1 rows (the first is data row 121)", error);

        (code, _, error) = Distill.Run(Evaluate(data));
        Assert.True(code == 0, error);

        // The classes keep the file's names without --label (they read False and True before).
        string output;
        (code, output, error) = Distill.Run(Evaluate(data, nameLabel: false));
        Assert.True(code == 0, error);
        Assert.Contains("Label: column 'label', the one the student's label mapping reads", output);
        Assert.Matches(@"Classes in credit\.csv: 'bad' \d+ \(\d+\.\d %\), 'good' \d+", output);
        Assert.DoesNotContain("'False'", output);
    }

    [Fact]
    public void A_binary_text_label_the_file_itself_calls_Label_is_checked_and_named_too()
    {
        // The mapped label is also called Label and shadows the file's column: the check must find the original behind it.
        using var folder = new TempFolder();
        var generated = Tables.Binary(folder, "generated.csv", rows: 120, positiveShare: 0.5, negative: "bad", positive: "good");
        var text = File.ReadAllText(generated).Replace("x1,x2,x3,label\n", "x1,x2,x3,Label\n");
        var data = folder.Write("credit.csv", text);
        var (code, _, error) = Distill.Run("train", "--data", data, "--label", "Label", "--teacher", "lightgbm", "--epochs", "1", "--seeds", "1", "--out", folder["out"]);
        Assert.True(code == 0, error);
        string[] Evaluate(string file, params string[] extra) => ["evaluate", "--teacher", Path.Combine(folder["out"], "teacher.zip"),
            "--student", Path.Combine(folder["out"], "student.zip"), "--data", file, .. extra];
        var third = folder.Write("third.csv", text + "0.1,0.2,0.3,ugly\n");

        foreach (var extra in new[] { Array.Empty<string>(), ["--label", "Label"] })
        {
            (code, _, error) = Distill.Run(Evaluate(third, extra));
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Matches(@"^error: --data third\.csv: label 'Label' holds 2 values besides the positive class: 'bad' \(\d+ rows, first data row \d+\), 'ugly' \(1 rows, first data row 121\)\.", error);
        }
        string output;
        (code, output, error) = Distill.Run(Evaluate(data));
        Assert.True(code == 0, error);
        Assert.Matches(@"Classes in credit\.csv: 'bad' \d+ \(\d+\.\d %\), 'good' \d+", output);
    }
}
