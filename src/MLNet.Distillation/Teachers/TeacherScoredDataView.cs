using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// The input data plus a lazily computed teacher-logits column.
/// A cursor that reads the column opens a second cursor (the teacher's reader) over the same input and scores
/// the block of rows starting at the current row in one call. Both cursors walk the input in its natural order;
/// row ids are compared on every read so that a source whose order is not repeatable fails loudly instead of
/// silently pairing rows with another row's logits.
/// </summary>
internal sealed class TeacherScoredDataView : IDataView
{
    private readonly IDataView _input;
    private readonly TeacherBinding _binding;
    private readonly int _batchSize;
    private readonly int _outputIndex;
    private readonly int[] _offsets; // where each teacher column's values start in a row of the binding's width
    private readonly int[] _widths;
    private readonly IReadOnlyList<DataViewSchema.Column> _fingerprintColumns;

    /// <param name="input">The data to score.</param>
    /// <param name="binding">The teacher bound to the input's schema.</param>
    /// <param name="outputColumnName">The logits column.</param>
    /// <param name="intermediateColumnNames">The columns of the binding's intermediate outputs, in its order.</param>
    /// <param name="batchSize">Rows per teacher call.</param>
    /// <param name="fingerprintColumns">The columns whose values identify a row.</param>
    /// <param name="teacherFingerprint">The teacher's digest, for the columns' annotation.</param>
    public TeacherScoredDataView(IDataView input, TeacherBinding binding, string outputColumnName, IReadOnlyList<string> intermediateColumnNames,
        int batchSize, IReadOnlyList<DataViewSchema.Column> fingerprintColumns, string teacherFingerprint)
    {
        _fingerprintColumns = fingerprintColumns;
        if ((long)batchSize * binding.RowWidth > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"TeacherScore's BatchSize {batchSize:N0} × {binding.RowWidth:N0} outputs per row " +
                "does not fit in one array; use a smaller BatchSize (64, the default, suits most teachers).");
        _input = input;
        _binding = binding;
        _batchSize = batchSize;
        Schema = BuildSchema(input.Schema, binding, outputColumnName, intermediateColumnNames, teacherFingerprint);
        _outputIndex = input.Schema.Count;
        _widths = [binding.ClassCount, .. binding.IntermediateWidths];
        _offsets = new int[_widths.Length];
        for (int i = 1; i < _widths.Length; i++)
            _offsets[i] = _offsets[i - 1] + _widths[i - 1];
    }

    public DataViewSchema Schema { get; }

    /// <summary>False: the teacher's reader must see rows in the same order as the main cursor.</summary>
    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount();

    /// <summary>The name of the teacher column's annotation that identifies the teacher (see <see cref="BuildSchema"/>).</summary>
    public const string TeacherAnnotation = "TeacherFingerprint";

    /// <summary>
    /// The teacher column's annotation, present only when the teacher did not state what its output holds (an ONNX teacher
    /// without <see cref="OnnxTeacherOptions.OutputKind"/>): its value is <see cref="UnstatedOutputKind"/>. The trainer
    /// and Evaluate refuse such a column when its values are plainly probabilities.
    /// </summary>
    public const string OutputKindAnnotation = "TeacherOutputKind";

    /// <summary>The value of <see cref="OutputKindAnnotation"/>.</summary>
    public const string UnstatedOutputKind = "Unstated";

    /// <summary>
    /// Whether <paramref name="teacher"/> (a column of teacher outputs) carries <see cref="OutputKindAnnotation"/>: its
    /// teacher's output kind was not stated.
    /// </summary>
    public static bool OutputKindUnstated(DataViewSchema.Column teacher)
        => teacher.Annotations.Schema.GetColumnOrNull(OutputKindAnnotation) is { Type: TextDataViewType };

    /// <summary>Whether <paramref name="teacher"/> was written by TeacherScore (it carries the teacher's fingerprint).</summary>
    public static bool FromTeacherScore(DataViewSchema.Column teacher)
        => teacher.Annotations.Schema.GetColumnOrNull(TeacherAnnotation) is not null;

    /// <summary>
    /// The input's columns plus the teacher column, annotated with the teacher's class names (when it has them) and its
    /// fingerprint: the annotation travels with the column into saved files (ML.NET binary files keep annotations), so
    /// shards scored by different teachers, or by one teacher read another way, can be told apart. The intermediate
    /// output columns follow, each with the fingerprint too.
    /// </summary>
    public static DataViewSchema BuildSchema(DataViewSchema input, TeacherBinding binding, string outputColumnName,
        IReadOnlyList<string> intermediateColumnNames, string teacherFingerprint)
    {
        if (intermediateColumnNames.Count != binding.IntermediateWidths.Count)
            throw new InvalidOperationException($"The teacher emits {binding.IntermediateWidths.Count} intermediate outputs but {intermediateColumnNames.Count} columns were named for them.");
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        var annotations = new DataViewSchema.Annotations.Builder();
        if (binding.ClassNames is { } names)
        {
            var slotNames = new VBuffer<ReadOnlyMemory<char>>(names.Length, names);
            annotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> value) => slotNames.CopyTo(ref value));
        }
        var fingerprint = teacherFingerprint.AsMemory();
        annotations.Add(TeacherAnnotation, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = fingerprint);
        if (!binding.OutputKindStated)
            annotations.Add(OutputKindAnnotation, TextDataViewType.Instance,
                (ref ReadOnlyMemory<char> value) => value = UnstatedOutputKind.AsMemory());
        builder.AddColumn(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, binding.ClassCount), annotations.ToAnnotations());
        for (int i = 0; i < intermediateColumnNames.Count; i++)
        {
            var intermediate = new DataViewSchema.Annotations.Builder();
            intermediate.Add(TeacherAnnotation, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = fingerprint);
            builder.AddColumn(intermediateColumnNames[i], new VectorDataViewType(NumberDataViewType.Single, binding.IntermediateWidths[i]),
                intermediate.ToAnnotations());
        }
        return builder.ToSchema();
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        bool teacherActive = needed.Any(c => c.Index >= _outputIndex);
        var inputColumns = needed.Where(c => c.Index < _outputIndex).Select(c => _input.Schema[c.Index]);
        // Reading the teacher column also reads the columns whose values fingerprint a row, to check the pairing.
        if (teacherActive)
            inputColumns = inputColumns.Concat(_fingerprintColumns).DistinctBy(c => c.Index);
        return new Cursor(this, _input.GetRowCursor(inputColumns), teacherActive);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly TeacherScoredDataView _parent;
        private readonly DataViewRowCursor _source;
        private readonly bool _teacherActive;
        private readonly ValueGetter<DataViewRowId> _sourceId;
        private TeacherBlockReader? _reader;
        private long _readerPosition; // rows the reader has consumed
        private long _blockStart = -1;
        private int _blockCount;
        private float[] _blockLogits = [];
        private DataViewRowId[] _blockIds = [];
        private ulong[] _blockFingerprints = [];
        private long _position = -1;
        private long _checkedPosition = -1;
        private readonly RowFingerprint? _fingerprint;

        public Cursor(TeacherScoredDataView parent, DataViewRowCursor source, bool teacherActive)
        {
            _parent = parent;
            _source = source;
            _teacherActive = teacherActive;
            _sourceId = source.GetIdGetter();
            if (teacherActive)
                _fingerprint = new RowFingerprint(source, parent._fingerprintColumns);
        }

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => _source.Batch;

        public override bool MoveNext()
        {
            if (!_source.MoveNext())
                return false;
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
            => column.Index >= _parent._outputIndex ? _teacherActive : _source.IsColumnActive(_source.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _parent._outputIndex)
                return _source.GetGetter<TValue>(_source.Schema[column.Index]);
            if (!_teacherActive)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
            int output = column.Index - _parent._outputIndex;
            int offset = _parent._offsets[output], width = _parent._widths[output];
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) => GetOutput(offset, width, ref value);
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        /// <summary>
        /// The current row's values <paramref name="offset"/>..+<paramref name="width"/> of the teacher's row (the
        /// logits, or an intermediate output).
        /// </summary>
        private void GetOutput(int offset, int width, ref VBuffer<float> value)
        {
            if (_position < 0)
                throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            int rowWidth = _parent._binding.RowWidth;
            if (_position < _blockStart || _position >= _blockStart + _blockCount)
                ScoreBlockAt(_position);
            int row = (int)(_position - _blockStart);

            // The teacher read this position through its own cursor. Ids are positions for most sources, so they only catch
            // a source that renumbers its rows; the fingerprint of the values catches one that reorders them. Once per row,
            // however many of the teacher's columns are read.
            if (_checkedPosition != _position)
            {
                DataViewRowId id = default;
                _sourceId(ref id);
                if (!id.Equals(_blockIds[row]) || _fingerprint!.Current() != _blockFingerprints[row])
                    throw new InvalidOperationException(
                        $"Row {_position} reached the teacher with other values than it has now: " + TeacherOutputCache.NotRepeatable);
                _checkedPosition = _position;
            }

            var editor = VBufferEditor.Create(ref value, width);
            _blockLogits.AsSpan(row * rowWidth + offset, width).CopyTo(editor.Values);
            value = editor.Commit();
        }

        private void ScoreBlockAt(long position)
        {
            int width = _parent._binding.RowWidth, size = _parent._batchSize;
            _reader ??= _parent._binding.CreateReader(_parent._input, _parent._fingerprintColumns);
            if (_blockLogits.Length < size * width)
            {
                _blockLogits = new float[size * width];
                _blockIds = new DataViewRowId[size];
                _blockFingerprints = new ulong[size];
            }
            if (!_reader.Skip(position - _readerPosition))
                throw new InvalidOperationException("The teacher's reader ran out of rows before this cursor did; the data source changed while being read.");
            _blockCount = _reader.Read(size, _blockLogits, _blockIds, _blockFingerprints);
            _blockStart = position;
            _readerPosition = position + _blockCount;
            if (_blockCount == 0)
                throw new InvalidOperationException("The teacher's reader ran out of rows before this cursor did; the data source changed while being read.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader?.Dispose();
                _source.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
