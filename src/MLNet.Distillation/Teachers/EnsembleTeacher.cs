using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>Several teachers combined by a weighted mean of their logits or of their probabilities.</summary>
internal sealed class EnsembleTeacher : Teacher
{
    private readonly (Teacher Teacher, float Weight)[] _members;
    private readonly EnsembleCombination _combination;

    internal EnsembleTeacher(IEnumerable<(Teacher Teacher, float Weight)> members, EnsembleCombination combination)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = members.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("An ensemble needs at least one teacher.", nameof(members));
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i].Teacher is null)
                throw new ArgumentException($"Ensemble member {i} is null.", nameof(members));
            if (!(list[i].Weight > 0) || float.IsInfinity(list[i].Weight))
                throw new ArgumentException($"Ensemble member {i} ({list[i].Teacher.Description}) has weight {list[i].Weight}; weights must be positive and finite.", nameof(members));
        }
        float total = list.Sum(m => m.Weight);
        _members = list.Select(m => (m.Teacher, m.Weight / total)).ToArray();
        _combination = combination;
    }

    /// <inheritdoc />
    public override string Description => $"ensemble ({_combination}) of {string.Join(", ", _members.Select(m => $"{m.Weight:0.###}×{m.Teacher.Description}"))}";

    internal override string Fingerprint()
        => Digest(["ensemble", _combination, .. _members.SelectMany(m =>
            new object[] { m.Teacher.Fingerprint(), m.Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture) })]);

    internal override void CheckInputShape(SchemaShape inputShape)
    {
        foreach (var (teacher, _) in _members)
            teacher.CheckInputShape(inputShape);
    }

    internal override long SerializedBytes(MLContext mlContext, DataViewSchema inputSchema)
        => _members.Sum(m => m.Teacher.SerializedBytes(mlContext, inputSchema));

    /// <summary>The members' sum, or null when any member's count is unknown.</summary>
    internal override long? ParameterCount()
    {
        long total = 0;
        foreach (var (teacher, _) in _members)
        {
            if (teacher.ParameterCount() is not long count) return null;
            total += count;
        }
        return total;
    }

    internal override TeacherBinding Bind(DataViewSchema inputSchema)
    {
        var bindings = _members.Select(m => m.Teacher.Bind(inputSchema)).ToArray();
        for (int i = 1; i < bindings.Length; i++)
            if (bindings[i].ClassCount != bindings[0].ClassCount)
                throw new ArgumentException($"Ensemble members disagree on the number of classes: {_members[0].Teacher.Description} has {bindings[0].ClassCount}, " +
                    $"{_members[i].Teacher.Description} has {bindings[i].ClassCount}.");
        // Every member that names its classes must name them in the same order: averaging logits of classes in different
        // orders would teach a mixture of wrong classes, silently.
        int first = Array.FindIndex(bindings, b => b.ClassNames is not null);
        if (first >= 0)
            for (int i = first + 1; i < bindings.Length; i++)
                if (bindings[i].ClassNames is { } names
                    && !names.Select(n => n.ToString()).SequenceEqual(bindings[first].ClassNames!.Select(n => n.ToString())))
                    throw new ArgumentException(
                        $"Ensemble members list their classes in different orders: {_members[first].Teacher.Description} as " +
                        $"[{string.Join(", ", bindings[first].ClassNames!)}], {_members[i].Teacher.Description} as [{string.Join(", ", names)}]. " +
                        "Give every member the same class order (OnnxTeacherOptions.ClassNames, or the same MapValueToKey for ML.NET models).");
        return new Binding(this, bindings);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var (teacher, _) in _members)
                teacher.Dispose();
    }

    private sealed class Binding(EnsembleTeacher ensemble, TeacherBinding[] members) : TeacherBinding
    {
        public override int ClassCount => members[0].ClassCount;
        public override ReadOnlyMemory<char>[]? ClassNames => members.Select(m => m.ClassNames).FirstOrDefault(n => n is not null);

        // A mean of members' probabilities read as logits is still probabilities (MeanLogits): unstated when any member is.
        public override bool OutputKindStated => members.All(m => m.OutputKindStated);

        public override IReadOnlyList<DataViewSchema.Column>? InputColumns
            => members.Any(m => m.InputColumns is null) ? null : members.SelectMany(m => m.InputColumns!).DistinctBy(c => c.Index).ToArray();

        public override TeacherBlockReader CreateReader(IDataView input, IReadOnlyList<DataViewSchema.Column> fingerprintColumns)
            => new Reader(ensemble, members.Select(m => m.CreateReader(input, fingerprintColumns)).ToArray(), ClassCount);
    }

    private sealed class Reader(EnsembleTeacher ensemble, TeacherBlockReader[] readers, int classes) : TeacherBlockReader
    {
        private float[] _memberLogits = [];
        private DataViewRowId[] _memberIds = [];
        private ulong[] _memberFingerprints = [];

        public override int Read(int rows, Span<float> logits, Span<DataViewRowId> ids, Span<ulong> fingerprints)
        {
            if (_memberLogits.Length < rows * classes)
            {
                _memberLogits = new float[rows * classes];
                _memberIds = new DataViewRowId[rows];
                _memberFingerprints = new ulong[rows];
            }
            int read = -1;
            var sum = logits[..(rows * classes)];
            sum.Clear();
            for (int m = 0; m < readers.Length; m++)
            {
                int got = readers[m].Read(rows, _memberLogits, m == 0 ? ids : _memberIds, m == 0 ? fingerprints : _memberFingerprints);
                if (read >= 0 && got != read)
                    throw new InvalidOperationException($"Ensemble members returned different row counts ({read} and {got}).");
                // Each member reads the input through its own cursor: a source that changes its order between cursors would
                // average one row's outputs with another's.
                if (m > 0 && !fingerprints[..got].SequenceEqual(_memberFingerprints.AsSpan(0, got)))
                    throw new InvalidOperationException($"Ensemble member {ensemble._members[m].Teacher.Description} read other rows than {ensemble._members[0].Teacher.Description} " +
                        "at the same positions: the data source does not repeat its row order. Cache the data first (mlContext.Data.Cache) or give it a fixed order.");
                read = got;
                float weight = ensemble._members[m].Weight;
                for (int r = 0; r < got; r++)
                {
                    var member = _memberLogits.AsSpan(r * classes, classes);
                    var target = sum.Slice(r * classes, classes);
                    if (ensemble._combination == EnsembleCombination.MeanProbabilities)
                        AddSoftmax(member, weight, target);
                    else
                        for (int c = 0; c < classes; c++)
                            target[c] += weight * member[c];
                }
            }
            if (ensemble._combination == EnsembleCombination.MeanProbabilities)
                ProbabilitiesToLogits(sum[..(read * classes)], classes);
            return read;
        }

        /// <summary>
        /// Adds weight · softmax(logits) to target; with one output per row, weight · σ(logit), the probability of the
        /// positive class.
        /// </summary>
        private static void AddSoftmax(ReadOnlySpan<float> logits, float weight, Span<float> target)
        {
            if (logits.Length == 1)
            {
                target[0] += weight * (float)(1 / (1 + Math.Exp(-logits[0])));
                return;
            }
            float max = float.NegativeInfinity;
            foreach (var v in logits) max = MathF.Max(max, v);
            double total = 0;
            foreach (var v in logits) total += Math.Exp(v - max);
            for (int c = 0; c < logits.Length; c++)
                target[c] += weight * (float)(Math.Exp(logits[c] - max) / total);
        }

        public override bool Skip(long rows) => readers.Aggregate(true, (ok, r) => r.Skip(rows) && ok);

        public override void Dispose()
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }
}
