using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Training rows read from the data view on every epoch, one block of <c>blockRows</c> rows at a time, so memory stays
/// flat however many rows there are: two blocks (the one training and the next one being read, on another thread) plus
/// the validation rows.
/// <para>
/// Before the first epoch, <see cref="Prepare"/> reads every row once, in the source's order: it counts the rows, fits
/// the standardisations on the training rows, checks the teacher against the labels, holds out the validation rows,
/// hashes the data for checkpoints, and compares each block's labels with the whole set's (see
/// <see cref="BlockOrderCheck"/>). It also fingerprints every row it keeps (features and label, as read; summed, so that
/// no order changes the sum) and every epoch's pass must give the same count and sum: a source that gives other rows on a
/// later pass (a file rewritten, a query returning other rows) is refused at the end of that epoch, whether or not
/// validation rows are held out.
/// </para>
/// <para>
/// Shuffling: the training loop shuffles the rows within each block. When the source can shuffle
/// (<see cref="IDataView.CanShuffle"/>: ML.NET's binary files, cached views) each epoch's cursor also asks it for a seeded
/// random order (ML.NET reads such files in random blocks through a shuffle pool); otherwise blocks come in the source's
/// order every epoch. Held-out validation rows are chosen by a seeded hash of each row's id, so the same rows are held out
/// on every pass whatever the order.
/// </para>
/// </summary>
internal sealed class StreamingTrainingData : ITrainingData
{
    private readonly IDataView _data;
    private readonly TrainingReadSpec _spec;
    private readonly int _blockRows;
    private readonly int _seed;
    private readonly float _validationFraction;
    private readonly Device _device;
    private readonly TrainingTable[] _buffers = new TrainingTable[2];
    private ColumnStandardization? _inputs, _target;
    private TrainingBlock? _current;
    private readonly System.Diagnostics.Stopwatch _waiting = new();
    // What the pass before training saw of the held-out rows (count and the sum of their fingerprints, which no order
    // changes); every epoch's pass must see the same, or the source's row ids do not identify its rows.
    private long _heldOutRows;
    private ulong _heldOutSum;
    // The sum of the fingerprints of the training rows the pass before training kept (RowCount of them).
    private ulong _trainingSum;
    // The current epoch's pass, written by the reading thread only.
    private long _passRows, _passHeldOut;
    private ulong _passHeldOutSum, _passSum;

    public StreamingTrainingData(IDataView data, TrainingReadSpec spec, int blockRows, int seed, float validationFraction, Device device)
    {
        _data = data;
        _spec = spec;
        _blockRows = blockRows;
        _seed = seed;
        _validationFraction = validationFraction;
        _device = device;
    }

    public int FeatureCount => _spec.FeatureCount;

    public int OutputCount => _spec.OutputCount;

    public IReadOnlyList<int> ExtraTeacherWidths => _spec.ExtraTeacherColumns.Select(c => c.Width).ToArray();

    public bool SparseFeatures => _spec.SparseFeatures;

    /// <summary>With sparse features, the most non-zeros a row held in <see cref="Prepare"/>'s pass (validation rows included).</summary>
    public int MaximumRowNonZeros { get; private set; }

    public long RowCount { get; private set; }

    public long UnlabelledRows { get; private set; }

    /// <summary>Rows left out for want of a label.</summary>
    public long SkippedRows { get; private set; }

    public TimeSpan Waiting => _waiting.Elapsed;

    /// <summary>The rows of one pass the source cannot shuffle, when <see cref="Prepare"/> found them ordered (a warning), or null.</summary>
    public string? OrderWarning { get; private set; }

    /// <summary>What <see cref="Prepare"/> learnt from its pass over the data.</summary>
    public sealed record Preparation(TrainingTable? Validation, ColumnStandardization? Inputs, ColumnStandardization? Target, byte[]? DataHash);

    /// <summary>
    /// The pass before training (see the class summary). <paramref name="teacherCheck"/> receives the training rows;
    /// <paramref name="holdOut"/> keeps the validation rows (false when validation data was given separately).
    /// </summary>
    public Preparation Prepare(TeacherLabelCheck? teacherCheck, bool standardizeInputs, bool standardizeTarget, bool holdOut, bool hash)
    {
        var block = _spec.NewTable(_blockRows);
        var validation = holdOut && _validationFraction > 0 ? _spec.NewTable(null, withTeacher: false) : null;
        var scaling = new TrainingScaling(_spec.FeatureCount, standardizeInputs, standardizeTarget, _spec.SparseFeatures);
        var order = new BlockOrderCheck(_spec.Task, _spec.OutputCount);
        using var dataHash = hash ? new DataHash() : null;
        using (var cursor = _data.GetRowCursor(_spec.Columns))
        {
            var reader = _spec.Reader(cursor);
            var id = cursor.GetIdGetter();
            var fingerprint = new RowFingerprint(cursor, [_spec.Features, _spec.Label]);
            DataViewRowId rowId = default;
            void Flush()
            {
                var rows = TableRows.All(block);
                scaling.Add(rows);
                teacherCheck?.Add(block);
                order.Add(block);
                dataHash?.Add(block);
                RowCount += block.RowCount;
                UnlabelledRows += block.UnlabelledRows;
                SkippedRows += block.SkippedRows;
                block.Clear();
            }
            while (cursor.MoveNext())
            {
                if ((cursor.Position & 1023) == 0)
                    _spec.CheckAlive();
                float label = reader.ReadLabel();
                id(ref rowId);
                if (validation is not null && HeldOut(rowId, label))
                {
                    reader.ReadInto(validation, label);
                    _heldOutRows++;
                    _heldOutSum += fingerprint.Current();
                }
                else if (reader.ReadInto(block, label))
                    _trainingSum += RowFingerprint.Of(block, block.RowCount - 1);
                if (block.RowCount == _blockRows)
                    Flush();
            }
            if (block.RowCount > 0 || block.SkippedRows > 0)
                Flush();
        }
        MaximumRowNonZeros = Math.Max(block.SparseFeatures?.MaximumRowNonZeros ?? 0, validation?.SparseFeatures?.MaximumRowNonZeros ?? 0);
        if (validation is not null)
        {
            dataHash?.EndPart();
            dataHash?.Add(validation);
        }
        OrderWarning = _data.CanShuffle ? null : order.Warning(_blockRows, _spec.Label.Name);
        (_inputs, _target) = (scaling.Inputs(), scaling.Target());
        if (validation is not null)
            TrainingScaling.Apply(validation, _inputs, _target);
        return new Preparation(validation, _inputs, _target, dataHash?.Finish());
    }

    public IEnumerable<TrainingBlock> Blocks(int epoch)
    {
        // The source's own shuffle, when it has one, seeded per epoch like the loop's shuffle within blocks.
        var random = _data.CanShuffle ? new Random(unchecked(_seed * 7919 + epoch) ^ 0x5bd1e995) : null;
        using var cursor = _data.GetRowCursor(_spec.Columns, random);
        var reader = _spec.Reader(cursor);
        var id = cursor.GetIdGetter();
        var fingerprint = _validationFraction > 0 ? new RowFingerprint(cursor, [_spec.Features, _spec.Label]) : null;
        (_passRows, _passHeldOut, _passHeldOutSum, _passSum) = (0, 0, 0, 0);
        var pass = new Pass(cursor, reader, id, fingerprint, epoch);
        int next = 0;
        var reading = Task.Run(() => Fill(pass, Buffer(next)));
        try
        {
            while (true)
            {
                _waiting.Start();
                var (table, more) = reading.GetAwaiter().GetResult();
                _waiting.Stop();
                _current?.Dispose();
                _current = null;
                if (table.RowCount == 0)
                    yield break;
                // The other buffer's block was disposed above: the reader may refill it while this block trains.
                next ^= 1;
                var free = Buffer(next);
                if (more)
                    reading = Task.Run(() => Fill(pass, free));
                else
                {
                    free.Clear();
                    reading = Task.FromResult((free, false));
                }
                _current = new TrainingBlock(TableRows.All(table), _spec.Task, _device);
                yield return _current;
            }
        }
        finally
        {
            _waiting.Stop();
            // The cursor is disposed after this: let a read in flight finish first (its error, if any, is not the one to report).
            try { reading.GetAwaiter().GetResult(); }
            catch (Exception) { }
            _current?.Dispose();
            _current = null;
        }
    }

    /// <summary>
    /// Threads libtorch trains with while blocks stream, unless the options say: one core fewer than the machine has, for
    /// the reading thread (and ML.NET's decompression workers). Reading a block takes about as long as training on it for
    /// small students, so on two cores sharing both between libtorch and the reader made streaming 1.6× slower than in
    /// memory, and leaving the reader a core made it 1.3× (the speed benchmark's memory experiment).
    /// </summary>
    public static int TrainingThreads(int current) => Math.Max(1, Math.Min(current, Environment.ProcessorCount - 1));

    private TrainingTable Buffer(int index) => _buffers[index] ??= _spec.NewTable(_blockRows);

    /// <summary>One epoch's cursor and what reads from it.</summary>
    private sealed record Pass(DataViewRowCursor Cursor, TrainingRowReader Reader, ValueGetter<DataViewRowId> Id, RowFingerprint? Fingerprint,
        int Epoch);

    /// <summary>Reads up to one block of training rows into <paramref name="table"/>; the flag says whether rows may remain.</summary>
    private (TrainingTable Table, bool More) Fill(Pass pass, TrainingTable table)
    {
        table.Clear();
        DataViewRowId rowId = default;
        bool holdOut = _validationFraction > 0;
        var cursor = pass.Cursor;
        while (table.RowCount < _blockRows)
        {
            if (!cursor.MoveNext())
            {
                _passRows += table.RowCount;
                CheckPassMatches(pass.Epoch);
                TrainingScaling.Apply(table, _inputs, _target);
                return (table, false);
            }
            if ((cursor.Position & 1023) == 0)
                _spec.CheckAlive();
            float label = pass.Reader.ReadLabel();
            if (holdOut)
            {
                pass.Id(ref rowId);
                if (HeldOut(rowId, label))
                {
                    _passHeldOut++;
                    _passHeldOutSum += pass.Fingerprint!.Current();
                    continue;
                }
            }
            if (pass.Reader.ReadInto(table, label))
                _passSum += RowFingerprint.Of(table, table.RowCount - 1);
        }
        _passRows += table.RowCount;
        TrainingScaling.Apply(table, _inputs, _target);
        return (table, true);
    }

    /// <summary>
    /// Every epoch must read the rows the pass before training read: the standardisations and the teacher check were fitted
    /// on them, and the validation rows must stay out of training. Compared by count and by the sum of the rows'
    /// fingerprints (any order gives the same sum; other values almost surely another).
    /// </summary>
    private void CheckPassMatches(int epoch)
    {
        if (_passHeldOut != _heldOutRows || _passHeldOutSum != _heldOutSum)
            throw new InvalidOperationException($"The rows held out for validation (by row id) were not the same on epoch {epoch + 1} as on the pass before training: " +
                "the data view's row ids do not identify its rows (a source that numbers rows by position and changes its order), so validation rows would "
                + "leak into training. Stream from a source with stable row ids (an ML.NET binary file, a cached view), or pass validation data to Fit.");
        if (_passRows != RowCount)
            throw new InvalidOperationException($"The training data gave {RowCount:N0} training rows on the pass before training but {_passRows:N0} on epoch {epoch + 1}: " +
                "it changed while streaming (a file rewritten, a query returning other rows). Streaming needs a source that gives the same rows on every pass.");
        if (_passSum != _trainingSum)
            throw new InvalidOperationException($"The training data changed while streaming: epoch {epoch + 1} read {_passRows:N0} training rows, as many as the pass " +
                $"before training, but other values in columns '{_spec.Features.Name}' and '{_spec.Label.Name}' (the rows' fingerprints differ; a file rewritten, a query " +
                "returning other rows). The standardisation and the teacher check were made on the rows of the first pass. Streaming needs a source that gives the " +
                "same rows on every pass (in any order): save it first (mlContext.Data.SaveAsBinary) or train in memory.");
    }

    /// <summary>Whether a labelled row belongs to the validation rows: a seeded hash of its id below the fraction.</summary>
    private bool HeldOut(DataViewRowId id, float label)
    {
        if (_validationFraction <= 0 || float.IsNaN(label))
            return false;
        // SplitMix64 of the id and the seed: the same rows on every pass and in every process (HashCode is per process).
        ulong z = id.Low ^ (id.High * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)_seed << 32) ^ 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < _validationFraction;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
