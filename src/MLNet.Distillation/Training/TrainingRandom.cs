using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Where a Fit's random draws come from, so that the same seed gives the same student bit for bit whatever else runs in
/// the process. libtorch's global generator is one per process: Fits on several threads that seeded it and drew dropout
/// masks from it interleaved their draws, and four Fits with one seed gave four students.
/// <list type="bullet">
/// <item>Initialisation: TorchSharp's layers draw their initial weights from the global generator and take no other, so a
/// Fit seeds it and builds its student (and projectors) while holding <see cref="GlobalGenerator"/>, which everything in
/// this library that touches the global generator holds. Code outside the library that draws from the global generator
/// on another thread at that moment can still change the initial weights; nothing in the library does.</item>
/// <item>Training: every draw (dropout masks, sparse input dropout) comes from a <see cref="Generator"/> of the Fit's own,
/// which starts where the global generator stood after the build: the draws are the ones a Fit alone made before, so a
/// single-threaded Fit trains the same student as before, bit for bit. Checkpoints keep that generator's state.</item>
/// </list>
/// </summary>
internal static class TrainingRandom
{
    /// <summary>
    /// Held by every use of TorchSharp's global generator in this library: seeding and building a student, the custom
    /// student's checks.
    /// </summary>
    public static readonly object GlobalGenerator = new();

    /// <summary>
    /// Seeds the global generator with <paramref name="seed"/> and runs <paramref name="build"/>, holding
    /// <see cref="GlobalGenerator"/>; returns what it built and the Fit's own generator on <paramref name="device"/>, in the
    /// state the global one (CPU) was left in, or, for a CUDA device, a fresh one with the seed (the state the device's
    /// default generator had after the seeding: building on the CPU draws nothing from it).
    /// </summary>
    public static T SeedAndBuild<T>(int seed, Device device, Func<T> build, out Generator generator)
    {
        lock (GlobalGenerator)
        {
            random.manual_seed(seed);
            var built = build();
            generator = new Generator(unchecked((ulong)seed), device);
            if (device.type == DeviceType.CPU)
            {
                using var state = random.get_rng_state();
                generator.set_state(state);
            }
            return built;
        }
    }

    /// <summary>
    /// Inverted dropout drawn from <paramref name="generator"/>: each value kept with probability 1 − p and scaled by
    /// 1/(1 − p). Written as libtorch's own CPU dropout is (a Bernoulli(1 − p) mask from <c>empty_like(x).bernoulli_</c>,
    /// divided in place by 1 − p, then multiplied in), so from the same generator state it draws the same mask and gives the
    /// same values as <c>nn.functional.dropout</c>, which cannot take a generator. Without a generator (a network outside
    /// a Fit) it is <c>nn.functional.dropout</c>.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p, bool training, Generator? generator)
    {
        if (generator is null)
            return nn.functional.dropout(x, p, training);
        if (!training || p == 0 || x.numel() == 0)
            return x;
        return x.mul(DropoutNoise(x, p, generator));
    }

    /// <summary>
    /// The scaled mask <see cref="Dropout"/> multiplies in: 0 or 1/(1 − p) per value of <paramref name="like"/>, the same
    /// draws from <paramref name="generator"/> (a hand-written backward pass multiplies the gradient by it).
    /// </summary>
    public static Tensor DropoutNoise(Tensor like, double p, Generator generator)
    {
        double keep = 1 - p;
        using var scale = keep.ToScalar();
        var noise = empty_like(like).bernoulli_(keep, generator);
        return noise.div_(scale);
    }

    /// <summary>
    /// Uniform values in [0, 1) shaped like <paramref name="like"/>, drawn from <paramref name="generator"/> (from the
    /// global generator without one), as <c>rand_like</c> draws them.
    /// </summary>
    public static Tensor UniformLike(Tensor like, Generator? generator)
        => generator is null ? rand_like(like) : empty_like(like).uniform_(0, 1, generator);
}
