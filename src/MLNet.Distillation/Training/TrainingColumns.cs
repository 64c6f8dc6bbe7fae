using Microsoft.ML;

namespace MLNet.Distillation;

/// <summary>
/// The one schema check of the distillation trainers. <c>GetOutputSchema</c> runs it on a <see cref="SchemaShape"/> and
/// <c>Fit</c> on the real schema (where sizes and key counts are known too), through the same code: a column set that
/// passes one passes the other. Messages name the column, what it is, and what it should be.
/// </summary>
internal sealed class TrainingColumns
{
    private TrainingColumns(ColumnView features, ColumnView label, ColumnView? teacher, int? outputCount,
        IReadOnlyList<ColumnView> extraTeacherColumns)
    {
        ExtraTeacherColumns = extraTeacherColumns;
        Features = features;
        Label = label;
        Teacher = teacher;
        OutputCount = outputCount;
    }

    public ColumnView Features { get; }

    public ColumnView Label { get; }

    /// <summary>The teacher column, or null when no loss term of the recipe reads it (it is then neither required nor read).</summary>
    public ColumnView? Teacher { get; }

    /// <summary>The other teacher columns loss terms read (<see cref="LossTerm.TeacherColumn"/>), in recipe order.</summary>
    public IReadOnlyList<ColumnView> ExtraTeacherColumns { get; }

    /// <summary>The student's outputs per row (classes for multiclass, 1 otherwise); null when the shape does not tell.</summary>
    public int? OutputCount { get; }

    /// <summary>Checks the columns the trainer reads, found through <paramref name="find"/>.</summary>
    /// <param name="find">Looks a column up by name (in a shape or a schema); null when absent.</param>
    /// <param name="visibleColumns">The column names, for messages.</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="task">The trainer's task.</param>
    /// <param name="teacherNeeded">Whether some loss term of the recipe reads the teacher column.</param>
    /// <param name="extraTeacherColumns">Other teacher columns loss terms read (a teacher's intermediate outputs).</param>
    public static TrainingColumns Check(Func<string, ColumnView?> find, IEnumerable<string> visibleColumns, DistillationTrainerOptions options,
        TrainingTask task, bool teacherNeeded, IReadOnlyList<string> extraTeacherColumns)
    {
        string Missing(string what, string name, string hint) =>
            $"{what} column '{name}' was not found in the data (columns: {string.Join(", ", visibleColumns)}).{hint}";

        var features = find(options.FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(options), Missing("Feature", options.FeatureColumnName,
                " Build one float vector with mlContext.Transforms.Concatenate."));
        if (!features.IsKnownSizeVector || features.IsKey || features.RawItemType != typeof(float))
            throw new ArgumentOutOfRangeException(nameof(options), $"Feature column '{features.Name}' must be a known-size vector of Single, " +
                $"but is {features.TypeDescription}. Use mlContext.Transforms.Concatenate (and Conversion.ConvertType for other number types) to build one.");

        var label = find(options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(options), Missing("Label", options.LabelColumnName, ""));
        int? outputs = task.CheckLabel(label);

        ColumnView? teacher = null;
        if (teacherNeeded)
        {
            string name = options.TeacherColumnName!;
            teacher = find(name) ?? throw new ArgumentOutOfRangeException(nameof(options), Missing("Teacher", name,
                " Add mlContext.Transforms.TeacherScore(...) before the trainer, or set TeacherColumnName = null to train from labels alone."));
            if (!teacher.IsKnownSizeVector || teacher.IsKey || teacher.RawItemType != typeof(float)
                || (teacher.VectorSize is int size && outputs is int k && size != k))
                throw new ArgumentOutOfRangeException(nameof(options), $"Teacher column '{name}' must be a known-size vector of Single, " +
                    $"{task.TeacherOutputDescription(outputs)}, but is {teacher.TypeDescription}" +
                    $"{(outputs is int n ? $" (the student needs {n} Single values per row)" : "")}.{task.TeacherMismatchHint(teacher.VectorSize, outputs)}");
        }
        var extras = extraTeacherColumns.Select(name =>
        {
            var column = find(name) ?? throw new ArgumentOutOfRangeException(nameof(options), Missing("Teacher", name,
                " A loss term names it as its TeacherColumn: add it with TeacherScore's IntermediateOutputs, or fix the term."));
            if (!column.IsKnownSizeVector || column.IsKey || column.RawItemType != typeof(float))
                throw new ArgumentOutOfRangeException(nameof(options), $"Teacher column '{name}' (a loss term's TeacherColumn) must be a known-size vector of Single, " +
                    $"but is {column.TypeDescription}.");
            return column;
        }).ToArray();
        return new TrainingColumns(features, label, teacher, outputs, extras);
    }

    /// <summary>The check on a shape, for <c>GetOutputSchema</c>.</summary>
    public static TrainingColumns Check(SchemaShape shape, DistillationTrainerOptions options, TrainingTask task, bool teacherNeeded,
        IReadOnlyList<string> extraTeacherColumns)
        => Check(name => ColumnView.Find(shape, name), shape.Select(c => c.Name), options, task, teacherNeeded, extraTeacherColumns);

    /// <summary>The check on a real schema, for <c>Fit</c>: the same rules, with sizes and key counts known.</summary>
    public static TrainingColumns Check(DataViewSchema schema, DistillationTrainerOptions options, TrainingTask task, bool teacherNeeded,
        IReadOnlyList<string> extraTeacherColumns)
        => Check(name => ColumnView.Find(schema, name), schema.Where(c => !c.IsHidden).Select(c => c.Name), options, task, teacherNeeded,
            extraTeacherColumns);
}
