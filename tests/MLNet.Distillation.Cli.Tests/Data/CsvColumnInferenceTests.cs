using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Data;

/// <summary>Column inference on the shipped data sets and on hand-written files with the usual traps.</summary>
public sealed class CsvColumnInferenceTests
{
    [Fact]
    public void Breast_cancer_has_a_header_thirty_numeric_columns_and_a_Boolean_label()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("breast_cancer.csv"), "--data");
        Assert.True(schema.HasHeader);
        Assert.Equal(569, schema.Rows);
        Assert.Equal(31, schema.Columns.Count);
        Assert.All(schema.Columns.Take(30), c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        var label = schema.Column("Malignant", "--label");
        Assert.Equal(ColumnKind.Boolean, label.Kind);
        Assert.Equal(["true", "false"], label.Distinct);
        Assert.Equal(DistillationTask.BinaryClassification, TaskInference.Infer(label).Task);
    }

    [Fact]
    public void Concrete_is_numeric_throughout_and_its_label_is_regression()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("concrete.csv"), "--data");
        Assert.Equal(1030, schema.Rows);
        Assert.All(schema.Columns, c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        Assert.Equal("compressive_strength", schema.Columns[^1].Name);
        Assert.Equal(DistillationTask.Regression, TaskInference.Infer(schema.Columns[^1]).Task);
    }

    [Fact]
    public void Digits_has_no_header_so_columns_are_named_by_position_and_its_label_has_ten_classes()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("digits.csv"), "--data");
        Assert.False(schema.HasHeader);
        Assert.Equal(1797, schema.Rows);   // the first line is data
        Assert.Equal(65, schema.Columns.Count);
        Assert.Equal("col64", schema.Columns[^1].Name);
        var (task, reason) = TaskInference.Infer(schema.Columns[^1]);
        Assert.Equal(DistillationTask.MulticlassClassification, task);
        Assert.Contains("10 distinct whole numbers", reason);
    }

    [Fact]
    public void Wine_label_is_categorical_text_with_three_classes()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("wine.csv"), "--data");
        var label = schema.Column("Cultivar", "--label");
        Assert.Equal(ColumnKind.Categorical, label.Kind);
        Assert.Equal(["class_0", "class_1", "class_2"], label.Distinct);
        Assert.Equal(DistillationTask.MulticlassClassification, TaskInference.Infer(label).Task);
    }

    [Fact]
    public void Missing_values_quoted_commas_and_a_header_with_spaces_are_read_as_meant()
    {
        using var folder = new TempFolder();
        var path = folder.Write("tricky.csv",
            "\"unit price\",colour,\"notes, free\",in stock,2nd size,label\n" +
            "1.5,red,\"soft, warm\",true,1e3,yes\n" +
            ",blue,\"a \"\"quoted\"\" word\",false,NA,no\n" +
            "  2.25 ,red,\"line one\nline two\",TRUE,7,yes\n" +
            "3,blue,plain text here,false,,no\n" +
            "\n" +
            "-4,red,more words here,false,8,yes\n" +
            "5,blue,and more still,true,9,no\n");
        var schema = CsvColumnInference.Infer(path, "--data");
        Assert.True(schema.HasHeader);
        Assert.Equal(6, schema.Rows);   // the quoted line break joins two lines, the blank line is skipped
        Assert.Equal(["unit price", "colour", "notes, free", "in stock", "2nd size", "label"], schema.Columns.Select(c => c.Name));
        var price = schema.Columns[0];
        Assert.Equal((ColumnKind.Numeric, 1), (price.Kind, price.Missing));
        Assert.Equal(ColumnKind.Categorical, schema.Columns[1].Kind);    // two values, each three times
        Assert.Equal(ColumnKind.Text, schema.Columns[2].Kind);           // every value different
        Assert.Contains("a \"quoted\" word", schema.Columns[2].Distinct);
        Assert.Contains("line one\nline two", schema.Columns[2].Distinct);
        Assert.Equal(ColumnKind.Boolean, schema.Columns[3].Kind);        // true/false in any case
        Assert.Equal((ColumnKind.Numeric, 2), (schema.Columns[4].Kind, schema.Columns[4].Missing)); // NA and empty are missing
        var (task, _) = TaskInference.Infer(schema.Columns[5]);
        Assert.Equal(DistillationTask.BinaryClassification, task);       // two text values

        var plan = Featurization.Plan(schema, schema.Columns[5], task);
        Assert.Equal(("no", "yes"), (plan.NegativeClass, plan.PositiveClass));
    }

    [Fact]
    public void One_word_in_a_numeric_column_makes_it_text_instead_of_a_silent_missing_value()
    {
        using var folder = new TempFolder();
        var path = folder.Write("stray.csv", "x,y\n1,a\n2,b\nthree,a\n4,b\n");
        Assert.Equal(ColumnKind.Text, CsvColumnInference.Infer(path, "--data").Columns[0].Kind);
    }

    [Fact]
    public void A_headerless_file_with_a_text_label_is_detected_from_its_numeric_columns()
    {
        using var folder = new TempFolder();
        var path = folder.Write("noheader.csv", "1,2.5,cat\n3,4.5,dog\n5,6.5,cat\n");
        var schema = CsvColumnInference.Infer(path, "--data");
        Assert.False(schema.HasHeader);
        Assert.Equal(3, schema.Rows);
        Assert.Equal(["col0", "col1", "col2"], schema.Columns.Select(c => c.Name));
        Assert.True(CsvColumnInference.Infer(path, "--data", hasHeader: true).HasHeader);   // --header true overrides
    }

    [Fact]
    public void Bad_files_are_refused_naming_the_option_file_and_line()
    {
        using var folder = new TempFolder();
        var ragged = folder.Write("ragged.csv", "a,b\n1,2\n3\n");
        var error = Assert.Throws<CliException>(() => CsvColumnInference.Infer(ragged, "--data"));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains("line 3: 1 values, but the first row has 2", error.Message);

        error = Assert.Throws<CliException>(() => CsvColumnInference.Infer(folder["absent.csv"], "--test"));
        Assert.StartsWith("--test ", error.Message);
        Assert.EndsWith("file not found.", error.Message);

        var unclosed = folder.Write("unclosed.csv", "a,b\n1,\"open\n");
        Assert.Contains("line 2: a quoted field is not closed", Assert.Throws<CliException>(() => CsvColumnInference.Infer(unclosed, "--data")).Message);

        var duplicate = folder.Write("duplicate.csv", "a,a\n1,2\n");
        Assert.Contains("names column 'a' twice", Assert.Throws<CliException>(() => CsvColumnInference.Infer(duplicate, "--data")).Message);
    }

    [Fact]
    public void A_missing_label_column_is_named_with_the_columns_there_are()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("wine.csv"), "--data");
        var error = Assert.Throws<CliException>(() => schema.Column("cultivar", "--label"));
        Assert.StartsWith("--label cultivar: column 'cultivar' not in wine.csv; columns are: alcohol, malic_acid,", error.Message);
        Assert.EndsWith("Cultivar (did you mean 'Cultivar'?).", error.Message);
    }

    [Fact]
    public void A_task_that_does_not_fit_the_label_is_refused()
    {
        var schema = CsvColumnInference.Infer(Distill.Fixture("wine.csv"), "--data");
        var label = schema.Column("Cultivar", "--label");
        Assert.Contains("--task regression: label 'Cultivar' in wine.csv is not numeric",
            Assert.Throws<CliException>(() => Featurization.Plan(schema, label, DistillationTask.Regression)).Message);
        Assert.Contains("binary needs true/false, 0/1 or two text values",
            Assert.Throws<CliException>(() => Featurization.Plan(schema, label, DistillationTask.BinaryClassification)).Message);
    }
}
