using System.Globalization;
using System.Text;
using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Commands;

/// <summary>
/// The catalogue of inputs <c>distill</c> refuses: one case per bad input, each refused before any work with one line on
/// stderr that names the culprit (the flag as typed, the file and line, the column) and the exit code of its kind.
/// </summary>
public sealed class BadCommandLineInputTests
{
    /// <summary>A small two-class table: x1 separates the classes, x2 is noise.</summary>
    private static string Binary(TempFolder folder, string name = "d.csv", string negative = "bad", string positive = "good", int rows = 40)
    {
        var text = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < rows; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 2 + i * 0.01:0.00},{i % 7 * 0.1:0.0},{(i % 2 == 0 ? negative : positive)}\n");
        return folder.Write(name, text.ToString());
    }

    /// <summary>A small three-class table; <paramref name="extraClass"/> adds rows of a fourth class.</summary>
    private static string Multiclass(TempFolder folder, string name, string? extraClass = null)
    {
        var text = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 45; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 3 + i * 0.01:0.00},{i % 5 * 0.1:0.0},{"abc"[i % 3]}\n");
        if (extraClass is not null)
            for (int i = 0; i < 3; i++)
                text.Append(CultureInfo.InvariantCulture, $"{i:0.00},0.1,{extraClass}\n");
        return folder.Write(name, text.ToString());
    }

    /// <summary>A small regression table.</summary>
    private static string Regression(TempFolder folder, string name = "r.csv")
    {
        var text = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < 40; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i * 0.1:0.0},{i % 7:0},{i * 1.5 + 0.25:0.00}\n");
        return folder.Write(name, text.ToString());
    }

    /// <summary><c>distill train</c> on <paramref name="data"/> into the folder's <c>out</c>, 2 epochs, a LightGbm teacher (unless <paramref name="more"/> gives --teacher or --out).</summary>
    private static string[] Train(TempFolder folder, string data, string label, params string[] more)
        => ["train", "--data", data, "--label", label,
            .. more.Contains("--epochs") ? Array.Empty<string>() : ["--epochs", "2"],
            .. more.Contains("--out") ? Array.Empty<string>() : ["--out", folder["out"]],
            .. more.Contains("--teacher") ? Array.Empty<string>() : ["--teacher", "lightgbm"], .. more];

    private static string Out(TempFolder folder) => folder["out"];

    /// <summary>A folder inside <paramref name="folder"/> that already holds the file <paramref name="file"/>.</summary>
    private static string Holding(TempFolder folder, string name, string file)
    {
        Directory.CreateDirectory(folder[name]);
        File.WriteAllText(Path.Combine(folder[name], file), "{}");
        return folder[name];
    }

    private static readonly Dictionary<string, BadCommandLineCase> Cases = new()
    {
        // Flags, refused as typed before any file is read.
        ["unknown flag"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--bogus"), "'--bogus'"),
        ["--alpha above 1"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--alpha", "2"), "--alpha 2", "between 0 and 1"),
        ["--alpha not a number"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--alpha", "half"), "--alpha", "half"),
        ["--temperature 0"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--temperature", "0"), "--temperature 0", "positive"),
        ["--temperature for regression"] = BadCommandLineCase.Of(f => Train(f, Regression(f), "price", "--temperature", "2"), "--temperature 2", "regression"),
        ["--epochs 0"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--epochs", "0"), "--epochs 0", "positive"),
        ["--hidden with a word"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--hidden", "64,wide"), "--hidden 64,wide"),
        ["--time that is not a duration"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--time", "soon"), "--time soon"),
        ["--task unknown"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--task", "ranking"), "--task ranking"),
        ["--header maybe"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--header", "maybe"), "--header maybe"),
        ["--name not an identifier"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--name", "1model"), "--name 1model"),
        ["--seeds 0"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--seeds", "0"), "--seeds 0", "at least 1"),
        ["--seeds with --no-baseline"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--seeds", "3", "--no-baseline"), "--seeds 3", "--no-baseline"),
        ["--teacher of an unknown kind"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--teacher", "model.pkl"), "--teacher model.pkl"),
        ["--teacher file missing"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--teacher", f["absent.onnx"]), "--teacher", "absent.onnx", "not found"),
        ["--teacher-outputs of an unknown kind"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--teacher-outputs", "scores"), "--teacher-outputs scores", "'logits' or 'probabilities'"),
        ["--teacher-outputs for a teacher trained here"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--teacher-outputs", "probabilities"), "--teacher-outputs probabilities", "ONNX teacher"),
        ["--vocab file missing"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--teacher", f.Write("enc.onnx", "x"), "--vocab", f["absent.txt"]), "--vocab", "absent.txt"),
        ["sweep --temperature"] = BadCommandLineCase.Of(f => ["sweep", "--data", Binary(f), "--label", "y", "--out", Out(f), "--temperature", "2"], "--temperature", "--temperatures"),
        ["sweep --alphas above 1"] = BadCommandLineCase.Of(f => ["sweep", "--data", Binary(f), "--label", "y", "--out", Out(f), "--alphas", "0.5,2"], "--alphas 0.5,2", "between 0 and 1"),
        ["sweep --temperatures with a word"] = BadCommandLineCase.Of(f => ["sweep", "--data", Binary(f), "--label", "y", "--out", Out(f), "--temperatures", "2,hot"], "--temperatures 2,hot"),
        ["evaluate --teacher lightgbm"] = BadCommandLineCase.Of(f => ["evaluate", "--teacher", "lightgbm", "--student", f["s.zip"], "--data", Binary(f)], "--teacher lightgbm"),
        ["evaluate --student missing"] = BadCommandLineCase.Of(f => ["evaluate", "--teacher", f.Write("t.zip", "x"), "--student", f["s.zip"], "--data", Binary(f)], "--student", "s.zip", "not found"),

        // The output folder, checked before any work.
        ["--out is a file"] = new(f => Train(f, Binary(f), "y", "--out", f.Write("taken", "")), ExitCodes.OutputFailed, "--out", "taken", "is a file"),
        ["--out holds an output without --force"] = new(f => Train(f, Binary(f), "y", "--out", Holding(f, "full", "metrics.json")),
            ExitCodes.OutputFailed, "--out", "metrics.json", "--force"),
        ["--out holds a folder named like an output"] = new(f => Train(f, Binary(f), "y", "--out", Directory.CreateDirectory(f["odd/metrics.json"]).Parent!.FullName, "--force"),
            ExitCodes.OutputFailed, "--out", "metrics.json", "is a folder"),

        // Files.
        ["--data missing"] = BadCommandLineCase.Of(f => Train(f, f["absent.csv"], "y"), "--data", "absent.csv", "not found"),
        ["--data is a folder"] = BadCommandLineCase.Of(f => Train(f, f.Path, "y"), "--data", "is a folder"),
        ["--data empty"] = BadCommandLineCase.Of(f => Train(f, f.Write("empty.csv", ""), "y"), "--data", "empty.csv", "empty"),
        ["--data with a header only"] = BadCommandLineCase.Of(f => Train(f, f.Write("header.csv", "x1,y\n"), "y"), "header.csv", "no data rows"),
        ["--data not UTF-8 (Latin-1)"] = BadCommandLineCase.Of(f => Train(f, Grades(f, "latin1.csv", Encoding.Latin1), "grade"), "latin1.csv", "line 3", "UTF-8", "column 'grade'"),
        ["--test not UTF-8 (Latin-1)"] = BadCommandLineCase.Of(f => Train(f, Grades(f, "grades.csv", Encoding.UTF8), "grade", "--test", Grades(f, "latin1.csv", Encoding.Latin1)), "--test", "latin1.csv", "line 3", "UTF-8"),
        ["a row with another number of values"] = BadCommandLineCase.Of(f => Train(f, f.Write("ragged.csv", "x1,x2,y\n1,2,a\n3,b\n"), "y"), "ragged.csv", "line 3", "2 values"),
        ["a quoted field never closed"] = BadCommandLineCase.Of(f => Train(f, f.Write("quote.csv", "x1,y\n1,a\n2,\"b\n3,a\n"), "y"), "quote.csv", "line 3", "quoted field"),
        ["a header naming a column twice"] = BadCommandLineCase.Of(f => Train(f, f.Write("twice.csv", "x,x,y\n1,2,a\n3,4,b\n"), "y"), "twice.csv", "'x' twice"),
        ["a column named like an output"] = BadCommandLineCase.Of(f => Train(f, f.Write("score.csv", "Score,y\n1,a\n2,b\n1,a\n2,b\n"), "y"), "score.csv", "column 'Score'"),

        // Columns and labels.
        ["--label not a column"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "Y"), "--label Y", "'Y' not in d.csv", "did you mean 'y'"),
        ["--task binary on three classes"] = BadCommandLineCase.Of(f => Train(f, Multiclass(f, "m.csv"), "y", "--task", "binary"), "--task binary", "label 'y'", "3 distinct values"),
        ["--task regression on text"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--task", "regression"), "--task regression", "label 'y'", "not numeric"),
        ["a label with empty values"] = BadCommandLineCase.Of(f => Train(f, f.Write("holes.csv", "x,y\n1,a\n2,\n3,b\n4,a\n5,b\n"), "y"), "label 'y'", "holes.csv", "empty on 1 rows"),
        ["a label with one value"] = BadCommandLineCase.Of(f => Train(f, f.Write("one.csv", "x,y\n1,a\n2,a\n3,a\n"), "y"), "label 'y'", "single value"),
        ["--positive not a class"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--positive", "great"), "--positive great", "'bad'", "'good'"),
        ["--positive on a multiclass label"] = BadCommandLineCase.Of(f => Train(f, Multiclass(f, "m.csv"), "y", "--positive", "a"), "--positive a", "binary"),
        ["--metric unknown"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--metric", "kappa"), "--metric kappa", "Accuracy", "AreaUnderRocCurve"),
        ["--metric of another task"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--metric", "RSquared"), "--metric RSquared", "binary"),
        ["--test without a column"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--test", f.Write("t.csv", "x1,y\n1,bad\n2,good\n")), "--test", "t.csv", "column 'x2'"),
        ["--test with text in a numeric column"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--test", f.Write("t.csv", "x1,x2,y\n1,n/a?,bad\n2,0.5,good\n")), "column 'x2'", "t.csv", "numeric"),
        ["--test with a class the training file lacks (binary)"] = BadCommandLineCase.Of(f => Train(f, Binary(f), "y", "--test", Binary(f, "t.csv", positive: "fair")),
            "--test", "t.csv", "'fair'", "line 3", "20 rows"),
        ["--test with a class the training file lacks (multiclass)"] = BadCommandLineCase.Of(f => Train(f, Multiclass(f, "m.csv"), "y", "--test", Multiclass(f, "t.csv", extraClass: "d")),
            "--test", "t.csv", "label 'y'", "'d'", "3 rows", "line 47", "m.csv"),
    };

    /// <summary>Four grades, A, Ä, Ö and Ü: in Latin-1 the last three are single bytes that are not UTF-8.</summary>
    private static string Grades(TempFolder folder, string name, Encoding encoding)
    {
        var text = new StringBuilder("x1,x2,grade\n");
        for (int i = 0; i < 30; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 3 + i * 0.01:0.00},{i % 5 * 0.1:0.0},{"AÄÖÜ"[i % 4]}\n");
        File.WriteAllBytes(folder[name], encoding.GetBytes(text.ToString()));
        return folder[name];
    }

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_is_refused_before_any_work_naming_the_culprit(string name) => Cases[name].Check();
}
