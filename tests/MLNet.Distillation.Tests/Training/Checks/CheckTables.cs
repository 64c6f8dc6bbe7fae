namespace MLNet.Distillation.Tests.Training.Checks;

/// <summary>
/// Small training tables for the teacher checks: teacher outputs and a label per row (NaN for a row without label). The
/// checks read only those two columns, so the tables hold no features.
/// </summary>
internal static class CheckTables
{
    /// <summary>A table of <paramref name="width"/> teacher outputs per row, with the rows given.</summary>
    public static TrainingTable Of(int width, IEnumerable<(float[] Teacher, float Label)> rows)
    {
        var table = TrainingTable.Create(featureCount: 1, outputCount: width, withTeacher: true, expectedRows: null);
        foreach (var (teacher, label) in rows)
        {
            Assert.Equal(width, teacher.Length);
            teacher.CopyTo(table.TeacherLogits!.AppendRow());
            table.Labels.Add(label);
        }
        return table;
    }

    /// <summary>A table of one teacher output per row (a binary logit or a regression prediction).</summary>
    public static TrainingTable Single(IEnumerable<(float Teacher, float Label)> rows) => Of(1, rows.Select(r => (new[] { r.Teacher }, r.Label)));

    /// <summary>A table with labels but no teacher column (a Fit without a teacher).</summary>
    public static TrainingTable WithoutTeacher(int width, IEnumerable<float> labels)
    {
        var table = TrainingTable.Create(featureCount: 1, outputCount: width, withTeacher: false, expectedRows: null);
        foreach (float label in labels)
            table.Labels.Add(label);
        return table;
    }

    /// <summary>Feeds every row of <paramref name="table"/> to <paramref name="check"/>, judges it and returns its warnings (a refusal throws).</summary>
    public static List<string> Judge(TeacherLabelCheck check, TrainingTable table)
    {
        check.Add(table);
        var warnings = new List<string>();
        check.Verify(warnings.Add);
        return warnings;
    }

    /// <summary><paramref name="count"/> copies of <paramref name="row"/>.</summary>
    public static IEnumerable<T> Times<T>(this T row, int count) => Enumerable.Repeat(row, count);
}
