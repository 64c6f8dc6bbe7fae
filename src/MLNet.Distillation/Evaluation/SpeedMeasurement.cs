using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Distillation;

/// <summary>
/// Single-row latency and batch throughput of several models on the same rows, timed in interleaved rounds (model A,
/// model B, model A, ...) so that a disturbance of the machine (another process, a frequency change) falls on all of them
/// alike and their ratio stays fair.
/// </summary>
internal static class SpeedMeasurement
{
    private const int Rounds = 5;

    /// <summary>
    /// Per model: latency of one row through its row-to-row mapper (what PredictionEngine runs; rows cycle through the
    /// data, reading the next input row is not timed) with every prediction column read, or null for a model that cannot
    /// map single rows; and rows per second of <c>Transform</c> over the data with the same columns read.
    /// </summary>
    public static (LatencyStatistics? Latency, double RowsPerSecond)[] Measure(IDataView data, long rows, IReadOnlyList<ScoredModel> models,
        EvaluationOptions options)
    {
        var latencies = models.Select(m => m.Teacher is { } teacher ? new TeacherSingleRow(teacher, data)
            : (ISingleRowTimer?)SingleRow.TryCreate(m, data)).ToArray();
        var samples = models.Select(_ => new List<double>()).ToArray();
        int perRound = Math.Max(1, options.LatencyCalls / Rounds);
        for (int round = 0; round < Rounds; round++)
            for (int m = 0; m < models.Count; m++)
                if (latencies[m] is { } single)
                    single.Time(round == 0 ? options.LatencyWarmupCalls : 0, perRound, samples[m]);
        foreach (var single in latencies) single?.Dispose();

        var throughput = new (long Rows, long Ticks)[models.Count];
        int passes = (int)Math.Max(Rounds, (options.ThroughputRows + rows - 1) / Math.Max(1, rows));
        for (int m = 0; m < models.Count; m++)
            Pass(models[m], data);                                           // untimed: JIT and lazy initialisation
        for (int pass = 0; pass < passes; pass++)
            for (int m = 0; m < models.Count; m++)
            {
                long start = Stopwatch.GetTimestamp();
                long read = Pass(models[m], data);
                throughput[m].Ticks += Stopwatch.GetTimestamp() - start;
                throughput[m].Rows += read;
            }

        return models.Select((_, m) =>
        {
            LatencyStatistics? latency = null;
            if (samples[m].Count > 0)
            {
                var sorted = samples[m].ToArray();
                Array.Sort(sorted);
                latency = new LatencyStatistics(LatencyStatistics.Percentile(sorted, 0.50), LatencyStatistics.Percentile(sorted, 0.95),
                    sorted.Average(), sorted.Length);
            }
            double seconds = (double)throughput[m].Ticks / Stopwatch.Frequency;
            return (latency, seconds > 0 ? throughput[m].Rows / seconds : 0);
        }).ToArray();
    }

    /// <summary>One pass of Transform over the data reading the prediction columns; returns the rows read.</summary>
    private static long Pass(ScoredModel model, IDataView data)
    {
        var scored = model.Transformer.Transform(data);
        var columns = model.PredictionColumns(scored.Schema);
        using var cursor = scored.GetRowCursor(columns);
        var pull = columns.Select(c => Reader(cursor, c)).ToArray();
        long rows = 0;
        while (cursor.MoveNext())
        {
            foreach (var read in pull) read();
            rows++;
        }
        return rows;
    }

    /// <summary>An action that reads one column of the current row (the value is discarded: reading it is the work timed).</summary>
    private static Action Reader(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single:
            {
                var getter = row.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                return () => getter(ref value);
            }
            case KeyDataViewType { RawType: var raw } when raw == typeof(uint):
            {
                var getter = row.GetGetter<uint>(column);
                uint value = 0;
                return () => getter(ref value);
            }
            case BooleanDataViewType:
            {
                var getter = row.GetGetter<bool>(column);
                bool value = false;
                return () => getter(ref value);
            }
            case TextDataViewType:
            {
                var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> value = default;
                return () => getter(ref value);
            }
            default:
            {
                if (column.Type != NumberDataViewType.Single)
                    return () => { };
                var getter = row.GetGetter<float>(column);
                float value = 0;
                return () => getter(ref value);
            }
        }
    }

    /// <summary>Times single predictions, one sample per call.</summary>
    private interface ISingleRowTimer : IDisposable
    {
        void Time(int warmup, int calls, List<double> samples);
    }

    /// <summary>
    /// A teacher scoring one row per call through its own reader (a block of one row: for an ONNX teacher one session run
    /// with a batch of one). The TeacherScore stage declares its column without computing it row by row, so its mapper
    /// cannot be timed. The reader moves its input cursor inside the call, so the time includes reading the input row,
    /// which the row-to-row timing of the other models leaves out (about a microsecond for in-memory rows).
    /// </summary>
    private sealed class TeacherSingleRow(Teacher teacher, IDataView data) : ISingleRowTimer
    {
        private readonly TeacherBinding _binding = teacher.Bind(data.Schema);
        private TeacherBlockReader? _reader;

        public void Time(int warmup, int calls, List<double> samples)
        {
            double toMicroseconds = 1e6 / Stopwatch.Frequency;
            var logits = new float[_binding.RowWidth];
            var ids = new DataViewRowId[1];
            var fingerprints = new ulong[1];
            for (int i = 0; i < warmup + calls; i++)
            {
                _reader ??= _binding.CreateReader(data, []);
                long start = Stopwatch.GetTimestamp();
                int read = _reader.Read(1, logits, ids, fingerprints);
                long elapsed = Stopwatch.GetTimestamp() - start;
                if (read == 0)
                {
                    // The end of the data: start over (an empty input fails here, not in a loop).
                    Dispose();
                    if (i == 0) throw new ArgumentException("The evaluation data has no rows.");
                    i--;
                    continue;
                }
                if (i >= warmup) samples.Add(elapsed * toMicroseconds);
            }
        }

        public void Dispose()
        {
            _reader?.Dispose();
            _reader = null;
        }
    }

    /// <summary>A model's row-to-row mapper on a cursor over the data: each call moves to the next row and reads the prediction columns.</summary>
    private sealed class SingleRow : ISingleRowTimer
    {
        private readonly IRowToRowMapper _mapper;
        private readonly IDataView _data;
        private readonly DataViewSchema.Column[] _outputs;
        private DataViewRowCursor? _input;
        private DataViewRow? _row;
        private Action[] _read = [];

        private SingleRow(IRowToRowMapper mapper, IDataView data, DataViewSchema.Column[] outputs)
        {
            _mapper = mapper;
            _data = data;
            _outputs = outputs;
        }

        /// <summary>Null when the model cannot map single rows (a stage that is not row-to-row).</summary>
        public static SingleRow? TryCreate(ScoredModel model, IDataView data)
        {
            IRowToRowMapper mapper;
            try { mapper = model.Transformer.GetRowToRowMapper(data.Schema); }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException) { return null; }
            return new SingleRow(mapper, data, model.PredictionColumns(mapper.OutputSchema).ToArray());
        }

        public void Time(int warmup, int calls, List<double> samples)
        {
            double toMicroseconds = 1e6 / Stopwatch.Frequency;
            for (int i = 0; i < warmup + calls; i++)
            {
                Next();
                long start = Stopwatch.GetTimestamp();
                foreach (var read in _read) read();
                long elapsed = Stopwatch.GetTimestamp() - start;
                if (i >= warmup) samples.Add(elapsed * toMicroseconds);
            }
        }

        /// <summary>Moves the input to the next row, starting over at the end of the data.</summary>
        private void Next()
        {
            if (_input is not null && _input.MoveNext()) return;
            Dispose();
            _input = _data.GetRowCursor(_mapper.GetDependencies(_outputs));
            _row = _mapper.GetRow(_input, _outputs);
            _read = _outputs.Select(c => Reader(_row, c)).ToArray();
            if (!_input.MoveNext())
                throw new ArgumentException("The evaluation data has no rows.");
        }

        public void Dispose()
        {
            _row?.Dispose();
            _input?.Dispose();
            _row = null;
            _input = null;
        }
    }
}
