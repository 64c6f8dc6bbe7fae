using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Training;

/// <summary>
/// <see cref="HeldScalars"/> under a storm of garbage collections: the race it closes (a Scalar made on the fly is finalised
/// while libtorch reads it) shows up here within about 10,000 calls of <c>add_(x, size)</c> once the JIT has optimised the
/// loop (measured: every run of such a loop failed at call 9,999 with libtorch's "Expected false to be true" from
/// <c>c10::Scalar::toDouble</c>; unoptimised code keeps the temporary alive to the end of the method). The race needs
/// optimised code, so this test can only fail in a Release build (<c>dotnet test -c Release --filter HeldScalars</c>
/// fails within a second when <see cref="HeldScalars.PlusScaled_"/> converts its alpha on the fly); in the Debug build the
/// IL scan of <c>NativeScalarLifetimeTests</c> is the guard.
/// </summary>
public sealed class HeldScalarsTests
{
    [Fact]
    public void Held_scalars_survive_collections_during_native_calls()
    {
        using var storm = new CollectionStorm();
        using var sum = zeros(256);
        using var x = ones(256);
        for (int block = 0; block < 60; block++)
        {
            sum.zero_();
            long expected = 0;
            for (int i = 0; i < 1000; i++)
            {
                int size = 1 + (block + i) % 7;
                sum.PlusScaled_(x, size);
                using var scaled = x.Times(size);
                using var divided = scaled.DividedBy(size);
                sum.PlusScaled_(divided, -1);
                expected += size - 1;
            }
            Assert.Equal(expected, (long)sum.data<float>()[0]);
        }
        Assert.True(storm.Collections > 0);
    }

    /// <summary>A thread that collects and runs finalisers without pause until disposed.</summary>
    private sealed class CollectionStorm : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public CollectionStorm()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Collections++;
                }
            })
            { IsBackground = true };
            _thread.Start();
        }

        public long Collections { get; private set; }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
