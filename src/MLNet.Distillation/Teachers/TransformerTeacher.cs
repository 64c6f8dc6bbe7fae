using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A teacher that is a fitted ML.NET model: its score column becomes the soft targets (a vector: class probabilities, as
/// ML.NET's multiclass trainers write them; a single value: a binary model's raw score, or a regression prediction).
/// ML.NET scores row by row; this teacher reads those rows in blocks.
/// </summary>
internal sealed class TransformerTeacher : Teacher
{
    private readonly ITransformer _model;
    private readonly string? _scoreColumnName;
    private readonly TeacherOutputKind? _outputKind;
    private readonly string _source;
    private readonly string[] _intermediates;

    internal TransformerTeacher(ITransformer model, string? scoreColumnName, TeacherOutputKind? outputKind, string source,
        string[]? intermediates = null)
    {
        _intermediates = intermediates ?? [];
        ArgumentNullException.ThrowIfNull(model);
        if (scoreColumnName is { Length: 0 })
            throw new ArgumentException("The teacher's score column name is empty; pass null to let the teacher choose.", nameof(scoreColumnName));
        _model = model;
        _scoreColumnName = scoreColumnName;
        _outputKind = outputKind;
        _source = source;
    }

    /// <inheritdoc />
    public override string Description => (_scoreColumnName is null ? _source : $"{_source} (column '{_scoreColumnName}')") +
        (_intermediates.Length == 0 ? "" : $" with {string.Join(", ", _intermediates.Select(i => $"'{i}'"))}");

    internal override Teacher WithIntermediateOutputs(IReadOnlyList<string> names)
        => new TransformerTeacher(_model, _scoreColumnName, _outputKind, _source, [.. _intermediates, .. names]);

    /// <summary>The wrapped ML.NET model.</summary>
    public ITransformer Model => _model;

    internal override string Fingerprint()
    {
        using var bytes = new MemoryStream();
        try { new MLContext(seed: 0).Model.Save(_model, null, bytes); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new NotSupportedException(
                $"Teacher {Description} cannot be saved, so its outputs cannot be cached under a reliable key: {e.Message}", e);
        }
        bytes.Position = 0;
        return Digest("mlnet", SavedContent(bytes), _scoreColumnName ?? "default", _outputKind?.ToString() ?? "default",
            string.Join("\n", _intermediates));
    }

    /// <summary>
    /// A saved ML.NET model's content without its zip's timestamps: each entry's name and bytes, in name order. The zip
    /// records each entry's write time (to two seconds), so the same model saved twice a moment apart gave two teacher
    /// fingerprints: shards scored by one teacher on several workers were refused as scored by different teachers, and a
    /// teacher cache missed.
    /// </summary>
    internal static byte[] SavedContent(Stream savedModel)
    {
        using var zip = new System.IO.Compression.ZipArchive(savedModel, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
        using var content = new MemoryStream();
        using var writer = new BinaryWriter(content);
        foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            writer.Write(entry.FullName);
            writer.Write(entry.Length);
            using var data = entry.Open();
            data.CopyTo(content);
        }
        writer.Flush();
        return content.ToArray();
    }

    internal override long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema) => ModelBytes.Of(mlContext, _model, inputSchema).Length;

    internal override long? ParameterCount() => ModelExtensions.FindStudent(_model)?.ParameterCount;

    internal override TeacherBinding Bind(DataViewSchema inputSchema)
    {
        DataViewSchema output;
        try { output = _model.GetOutputSchema(inputSchema); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        { throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher {Description} cannot score this data: {e.Message}"); }

        string name = _scoreColumnName ?? DefaultColumn(output);
        var score = output.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Teacher {_source} writes no column '{name}' (it writes: {string.Join(", ", output.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        int outputs = Width(score)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher score column '{name}' must be Single or a known-size vector of Single, but is {score.Type}.");
        var widths = _intermediates.Select(i =>
        {
            var column = output.GetColumnOrNull(i)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher {_source} writes no column '{i}' to emit as an intermediate output " +
                    $"(it writes: {string.Join(", ", output.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            return Width(column)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher column '{i}' must be Single or a known-size vector of Single to be emitted as an intermediate output, but is {column.Type}.");
        }).ToArray();
        // ML.NET's trainers write class probabilities as a vector, a calibrated binary probability as Probability, and a
        // binary raw score or a regression prediction as a single Score.
        var kind = _outputKind ?? (score.Type is VectorDataViewType || name == DefaultColumnNames.Probability
            ? TeacherOutputKind.Probabilities : TeacherOutputKind.Logits);

        ReadOnlyMemory<char>[]? names = null;
        if (score.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            score.GetSlotNames(ref slotNames);
            names = slotNames.DenseValues().ToArray();
        }
        return new Binding(this, name, outputs, kind, names, widths);
    }

    /// <summary>Values per row of a Single or known-size Single vector column; null for any other type.</summary>
    private static int? Width(DataViewSchema.Column column)
        => column.Type == NumberDataViewType.Single ? 1
            : column.Type is VectorDataViewType { IsKnownSize: true, Size: var size } vector && vector.ItemType == NumberDataViewType.Single
                ? size : null;

    /// <summary>The column read when none is named: a calibrated binary model's Probability, else Score.</summary>
    private static string DefaultColumn(DataViewSchema output)
        => output.GetColumnOrNull(DefaultColumnNames.Score)?.Type == NumberDataViewType.Single
            && output.GetColumnOrNull(DefaultColumnNames.Probability)?.Type == NumberDataViewType.Single
            ? DefaultColumnNames.Probability : DefaultColumnNames.Score;

    private sealed class Binding(TransformerTeacher teacher, string column, int classCount, TeacherOutputKind kind, ReadOnlyMemory<char>[]? names,
        int[] widths) : TeacherBinding
    {
        public override int ClassCount => classCount;
        public override IReadOnlyList<int> IntermediateWidths => widths;
        public override ReadOnlyMemory<char>[]? ClassNames => names;

        public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
        {
            var scored = teacher._model.Transform(input);
            var outputs = teacher._intermediates.Prepend(column).Select(name => scored.Schema[name]).ToArray();
            // ML.NET's row-to-row transforms keep their input's columns at the same indices (a column they replace is
            // hidden, not moved), so the values the model read can be fingerprinted on the model's own cursor. A model
            // that moves or drops columns gets a second cursor over the input, run in step with the first.
            bool kept = fingerprintColumns.All(c => c.Index < scored.Schema.Count && scored.Schema[c.Index].Name == c.Name
                && scored.Schema[c.Index].Type.Equals(c.Type));
            if (kept)
            {
                var (cursor, fingerprint) = OpenCursor(scored, outputs, fingerprintColumns.Select(c => scored.Schema[c.Index]).ToArray());
                return new Reader(cursor, outputs.Select(o => cursor.Schema[o.Index]).ToArray(), [classCount, .. widths], kind, fingerprint, null);
            }
            var (inputCursor, inputFingerprint) = OpenCursor(input, [], fingerprintColumns);
            var scoreCursor = scored.GetRowCursor(outputs);
            return new Reader(scoreCursor, outputs.Select(o => scoreCursor.Schema[o.Index]).ToArray(), [classCount, .. widths], kind,
                inputFingerprint, inputCursor);
        }
    }

    private sealed class Reader : TeacherBlockReader
    {
        private readonly DataViewRowCursor _cursor;
        private readonly Action<Span<float>>[] _readColumns;
        private readonly int[] _widths;
        private readonly int _rowWidth;
        private readonly ValueGetter<DataViewRowId> _idGetter;
        private readonly TeacherOutputKind _kind;
        private readonly RowFingerprint _fingerprint;
        private readonly DataViewRowCursor? _inStep; // a cursor over the input when the fingerprint cannot be read through the model

        // columns: the score column, then the intermediate outputs; widths: their values per row.
        public Reader(DataViewRowCursor cursor, DataViewSchema.Column[] columns, int[] widths, TeacherOutputKind kind, RowFingerprint fingerprint,
            DataViewRowCursor? inStep)
        {
            _cursor = cursor;
            _fingerprint = fingerprint;
            _inStep = inStep;
            _idGetter = cursor.GetIdGetter();
            _widths = widths;
            _rowWidth = widths.Sum();
            _kind = kind;
            _readColumns = columns.Select(c => ColumnReader(cursor, c)).ToArray();
        }

        private static Action<Span<float>> ColumnReader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            if (column.Type is VectorDataViewType { Size: var size })
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> row = default;
                string name = column.Name;
                return target =>
                {
                    getter(ref row);
                    if (row.Length != size)
                        throw new InvalidOperationException($"Teacher column '{name}' declares {size} values per row, but row {cursor.Position} holds {row.Length}.");
                    row.CopyTo(target);
                };
            }
            var single = cursor.GetGetter<float>(column);
            float value = 0;
            return target => { single(ref value); target[0] = value; };
        }

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
        {
            int read = 0, classes = _widths[0];
            while (read < rows && _cursor.MoveNext())
            {
                if (_inStep is not null && !_inStep.MoveNext())
                    throw new InvalidOperationException("The teacher model returned more rows than its input has.");
                var row = logits.Slice(read * _rowWidth, _rowWidth);
                for (int c = 0, offset = 0; c < _readColumns.Length; offset += _widths[c], c++)
                    _readColumns[c](row.Slice(offset, _widths[c]));
                if (_kind == TeacherOutputKind.Probabilities)
                    ProbabilitiesToLogits(row[..classes], classes);
                _idGetter(ref ids[read]);
                fingerprints[read] = _fingerprint.Current();
                read++;
            }
            return read;
        }

        public override bool Skip(long rows) => SkipRows(_cursor, rows) && (_inStep is null || SkipRows(_inStep, rows));

        public override void Dispose()
        {
            _cursor.Dispose();
            _inStep?.Dispose();
        }
    }
}
