using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// How many threads libtorch trains a Fit's student with, so that the count never depends on what else runs in the
/// process. libtorch (OpenMP) keeps the count per thread once a thread has used it, but a thread's first use copies the
/// process-wide value that the last <c>set_num_threads</c> call left, on any thread: a Fit that left the count to
/// "whatever the thread has" trained with one thread instead of two when it started on a new thread while another Fit
/// had set one (a different student: results depend on the count). So every Fit sets its count on its own thread, and
/// a Fit without <see cref="DistillationTrainerOptions.NumberOfThreads"/> uses the count libtorch had before the
/// library's first Fit in the process changed anything, captured once.
/// </summary>
internal static class TrainingThreads
{
    // Read before any Fit sets a count: each Fit reads it before its own set_num_threads, and Lazy runs it once.
    private static readonly Lazy<int> ProcessDefault = new(get_num_threads, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The count a Fit with <paramref name="options"/> trains with: the option when set; otherwise libtorch's count
    /// before the library first changed it (every core unless OMP_NUM_THREADS or the application said otherwise), or,
    /// while streaming, one fewer for the reading thread.
    /// </summary>
    public static int For(DistillationTrainerOptions options)
        => options.NumberOfThreads ?? (options.Streaming ? StreamingTrainingData.TrainingThreads(ProcessDefault.Value) : ProcessDefault.Value);

    /// <summary>
    /// Runs <paramref name="train"/> with this thread's libtorch count set to <paramref name="threads"/>, then restores
    /// this thread's previous count.
    /// </summary>
    public static T With<T>(int threads, Func<T> train)
    {
        _ = ProcessDefault.Value;
        int previous = get_num_threads();
        set_num_threads(threads);
        try
        {
            return train();
        }
        finally
        {
            set_num_threads(previous);
        }
    }
}
