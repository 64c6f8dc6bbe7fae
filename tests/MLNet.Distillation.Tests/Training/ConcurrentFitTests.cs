using Microsoft.ML;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// The same seed gives the same student bit for bit whatever else runs in the process: Fits with dropout on several
/// threads at once (libtorch's global generator is shared by the whole process) against the same Fits run alone.
/// </summary>
public sealed class ConcurrentFitTests
{
    /// <summary>Students whose training draws random numbers: hidden and input dropout, sparse input dropout, a custom module's Dropout layer.</summary>
    private static DistillationMulticlassTrainer.Options Options(int variant) => new()
    {
        TeacherColumnName = null,
        NumberOfEpochs = 4,
        BatchSize = 32,
        Seed = 5,
        Student = variant switch
        {
            0 => new MlpStudent { HiddenLayers = [24], Dropout = 0.3f, InputDropout = 0.2f },
            1 => new MlpStudent { HiddenLayers = [24], Dropout = 0.3f, InputDropout = 0.2f },
            _ => new TorchSharpStudent((inputs, outputs) => nn.Sequential(nn.Linear(inputs, 24), nn.ReLU(), nn.Dropout(0.3), nn.Linear(24, outputs))),
        },
        SparseFeatures = variant == 1,
        AutomaticEarlyStopping = false,
    };

    /// <summary>One Fit in its own context, on its own copy of the data: the student's ONNX export (every weight) and its scores.</summary>
    private static (byte[] Onnx, float[][] Scores) Fit(int variant)
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 300);
        var student = ml.MulticlassClassification.Trainers.Distillation(Options(variant)).Fit(data);
        return (student.ToOnnx(), TestData.Column(student.Transform(data), "Score"));
    }

    [Fact]
    public void Fits_with_dropout_on_several_threads_at_once_give_the_students_of_the_same_fits_run_alone_bit_for_bit()
    {
        var alone = Enumerable.Range(0, 3).Select(Fit).ToArray();

        // Six Fits at once, two of each kind, released together.
        const int Threads = 6;
        var results = new (byte[] Onnx, float[][] Scores)[Threads];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[i] = Fit(i % 3);
            }
            catch (Exception e) { errors[i] = e; }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.All(errors, e => Assert.Null(e));
        for (int i = 0; i < Threads; i++)
        {
            Assert.True(alone[i % 3].Onnx.AsSpan().SequenceEqual(results[i].Onnx), $"Fit {i} (kind {i % 3}) trained another student than the same Fit run alone.");
            Assert.Equal(alone[i % 3].Scores, results[i].Scores);
        }
    }

    /// <summary>A Fit whose result depends on libtorch's thread count (its sums run in another order on more threads).</summary>
    private static byte[] FitWithThreads(int? threads)
    {
        var ml = new MLContext(0);
        var data = TestData.KeyedDigits(ml, 400);
        return ml.MulticlassClassification.Trainers.Distillation(new DistillationMulticlassTrainer.Options
        {
            TeacherColumnName = null,
            NumberOfEpochs = 2,
            BatchSize = 128,
            Seed = 5,
            NumberOfThreads = threads,
            Student = new MlpStudent { HiddenLayers = [32] },
            AutomaticEarlyStopping = false,
        }).Fit(data).ToOnnx();
    }

    private static T OnNewThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("The Fit on the other thread failed.", error);
    }

    [Fact]
    public void Fits_with_different_thread_counts_at_once_give_the_students_of_the_same_fits_run_alone()
    {
        var alone = new[] { FitWithThreads(1), FitWithThreads(2) };
        if (Environment.ProcessorCount >= 2)
            Assert.False(alone[0].AsSpan().SequenceEqual(alone[1]), "Premise: on this data one and two threads train different students.");

        for (int trial = 0; trial < 2; trial++)
        {
            var fits = new byte[2][];
            using var start = new Barrier(2);
            var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                fits[i] = FitWithThreads(i + 1);
            })).ToArray();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
            Assert.True(alone[0].AsSpan().SequenceEqual(fits[0]), $"Trial {trial}: the one-thread Fit trained another student beside a two-thread Fit.");
            Assert.True(alone[1].AsSpan().SequenceEqual(fits[1]), $"Trial {trial}: the two-thread Fit trained another student beside a one-thread Fit.");
        }
    }

    [Fact]
    public void A_fit_without_a_thread_count_on_a_new_thread_ignores_the_count_another_thread_set()
    {
        var alone = OnNewThread(() => FitWithThreads(null));

        // What another Fit with NumberOfThreads set leaves while it runs: libtorch's process-wide count changed on another
        // thread. A new thread's first libtorch call copies that value, so a Fit that kept "the thread's count" trained
        // with it (one thread instead of two: another student).
        var besideAnother = OnNewThread(() =>
        {
            int previous = get_num_threads();
            set_num_threads(previous == 1 ? 2 : 1);
            try
            {
                return OnNewThread(() => FitWithThreads(null));
            }
            finally
            {
                set_num_threads(previous);
            }
        });

        Assert.True(alone.AsSpan().SequenceEqual(besideAnother), "A Fit without NumberOfThreads trained another student after another thread changed libtorch's count.");
    }

    [Fact]
    public void Dropout_drawn_from_a_fit_generator_is_libtorchs_dropout_from_the_same_state()
    {
        // The reference is libtorch's own dropout (and rand_like), drawing from the global generator in the same state.
        lock (TrainingRandom.GlobalGenerator)
        {
            var saved = random.get_rng_state();
            try
            {
                random.manual_seed(11);
                using var x = randn(64, 37);
                using var state = random.get_rng_state();
                using var expected = nn.functional.dropout(x, 0.3, training: true);
                using var uniform = rand_like(x);
                using var generator = new Generator(0);
                generator.set_state(state);
                using var actual = TrainingRandom.Dropout(x, 0.3, true, generator);
                using var actualUniform = TrainingRandom.UniformLike(x, generator);

                Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
                Assert.Equal(uniform.data<float>().ToArray(), actualUniform.data<float>().ToArray());
                // Inverted dropout: each value dropped or scaled by 1 / 0.7, about 30 % dropped.
                var kept = actual.data<float>().ToArray().Zip(x.data<float>().ToArray()).Count(p => p.First != 0);
                Assert.All(actual.data<float>().ToArray().Zip(x.data<float>().ToArray()), p => Assert.True(p.First == 0 || Math.Abs(p.First - p.Second / 0.7) <= 1e-6 * Math.Abs(p.Second)));
                Assert.InRange(kept, (int)(0.6 * x.numel()), (int)(0.8 * x.numel()));
                // Outside training it is the identity.
                Assert.Same(x, TrainingRandom.Dropout(x, 0.3, false, generator));
            }
            finally
            {
                random.set_rng_state(saved);
                saved.Dispose();
            }
        }
    }
}
