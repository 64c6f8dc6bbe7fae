namespace MLNet.Distillation;

/// <summary>Where a Fit spent its time: copying data out of the IDataView, and training (with the part inside TorchSharp calls).</summary>
/// <param name="DataLoading">Reading every training (and validation) row into memory, teacher scoring included when the
/// teacher column is computed on the fly; when streaming, the pass before training plus the time the epochs waited for
/// blocks (reading that training did not overlap).</param>
/// <param name="Training">All epochs, validation included (when streaming, the waits for blocks too).</param>
/// <param name="InsideTorch">The part of <paramref name="Training"/> spent in TorchSharp calls (forward, losses,
/// backward, optimiser step, validation).</param>
/// <param name="SamplesTrained">Rows processed over all epochs.</param>
public sealed record TrainingProfile(TimeSpan DataLoading, TimeSpan Training, TimeSpan InsideTorch, long SamplesTrained)
{
    /// <summary>Training throughput in rows per second.</summary>
    public double SamplesPerSecond => Training.TotalSeconds > 0 ? SamplesTrained / Training.TotalSeconds : 0;

    /// <summary>Share of training time spent inside TorchSharp.</summary>
    public double TorchShare => Training.TotalSeconds > 0 ? InsideTorch.TotalSeconds / Training.TotalSeconds : 0;
}
