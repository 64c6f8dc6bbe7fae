using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// A teacher that is a fitted ML.NET model: its score column (class probabilities for ML.NET's multiclass
/// trainers) becomes the soft targets. ML.NET scores row by row; this teacher reads those rows in blocks.
/// </summary>
internal sealed class TransformerTeacher : Teacher
{
    private readonly ITransformer _model;
    private readonly string _scoreColumnName;
    private readonly TeacherOutputKind _outputKind;
    private readonly string _source;

    internal TransformerTeacher(ITransformer model, string scoreColumnName, TeacherOutputKind outputKind, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(scoreColumnName);
        _model = model;
        _scoreColumnName = scoreColumnName;
        _outputKind = outputKind;
        _source = source;
    }

    /// <inheritdoc />
    public override string Description => $"{_source} (column '{_scoreColumnName}')";

    /// <summary>The wrapped ML.NET model.</summary>
    public ITransformer Model => _model;

    internal override string Fingerprint()
    {
        using var bytes = new MemoryStream();
        try { new MLContext(seed: 0).Model.Save(_model, null, bytes); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        { throw new NotSupportedException($"Teacher {Description} cannot be saved, so its outputs cannot be cached under a reliable key: {e.Message}", e); }
        return Digest("mlnet", bytes.ToArray(), _scoreColumnName, _outputKind);
    }

    internal override TeacherBinding Bind(DataViewSchema inputSchema)
    {
        DataViewSchema output;
        try { output = _model.GetOutputSchema(inputSchema); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        { throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher {Description} cannot score this data: {e.Message}"); }

        var score = output.GetColumnOrNull(_scoreColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher {_source} writes no column '{_scoreColumnName}' (it writes: {string.Join(", ", output.Where(c => !c.IsHidden).Select(c => c.Name))}).");
        if (score.Type is not VectorDataViewType { IsKnownSize: true } vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Teacher score column '{_scoreColumnName}' must be a known-size vector of Single, but is {score.Type}.");

        ReadOnlyMemory<char>[]? names = null;
        if (score.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            score.GetSlotNames(ref slotNames);
            names = slotNames.DenseValues().ToArray();
        }
        return new Binding(this, vector.Size, names);
    }

    private sealed class Binding(TransformerTeacher teacher, int classCount, ReadOnlyMemory<char>[]? names) : TeacherBinding
    {
        public override int ClassCount => classCount;
        public override ReadOnlyMemory<char>[]? ClassNames => names;

        public override TeacherBlockReader CreateReader(IDataView input)
        {
            var scored = teacher._model.Transform(input);
            var cursor = scored.GetRowCursor([scored.Schema[teacher._scoreColumnName]]);
            return new Reader(cursor, cursor.Schema[teacher._scoreColumnName], classCount, teacher._outputKind);
        }
    }

    private sealed class Reader : TeacherBlockReader
    {
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private readonly ValueGetter<DataViewRowId> _idGetter;
        private readonly int _classes;
        private readonly TeacherOutputKind _kind;
        private VBuffer<float> _row;

        public Reader(DataViewRowCursor cursor, DataViewSchema.Column score, int classes, TeacherOutputKind kind)
        {
            _cursor = cursor;
            _getter = cursor.GetGetter<VBuffer<float>>(score);
            _idGetter = cursor.GetIdGetter();
            _classes = classes;
            _kind = kind;
        }

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids)
        {
            int read = 0;
            while (read < rows && _cursor.MoveNext())
            {
                _getter(ref _row);
                _row.CopyTo(logits.Slice(read * _classes, _classes));
                _idGetter(ref ids[read]);
                read++;
            }
            if (_kind == TeacherOutputKind.Probabilities)
                ProbabilitiesToLogits(logits[..(read * _classes)]);
            return read;
        }

        public override bool Skip(long rows) => SkipRows(_cursor, rows);

        public override void Dispose() => _cursor.Dispose();
    }
}
