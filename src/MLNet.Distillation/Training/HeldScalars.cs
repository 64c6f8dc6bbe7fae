using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Distillation;

/// <summary>
/// Tensor arithmetic with a number, where the number's TorchSharp <see cref="Scalar"/> stays alive until libtorch is done
/// with it. TorchSharp converts a number to a Scalar on the fly (<c>tensor * 2</c>, <c>add_(other, size)</c>, even
/// <c>a + b</c>, which passes an alpha of 1) and hands the native pointer to libtorch; the managed Scalar is unreachable
/// from then on, so a garbage collection started by another thread during the call can finalise it and free the native
/// Scalar while libtorch reads it. That race crashed long linear sparse runs ("Expected false to be true" in
/// <c>c10::Scalar::toDouble</c>). Each helper here disposes its Scalar after the call returns; the constants are statics
/// that live as long as the process. A test scans the library's IL for any Scalar made on the fly
/// (<c>NativeScalarLifetimeTests</c>).
/// </summary>
internal static class HeldScalars
{
    /// <summary>1, for the alpha of a plain sum (never disposed: a static is never finalised).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>2, for squares.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary><c>tensor * factor</c>.</summary>
    public static Tensor Times(this Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary><c>tensor *= factor</c>, in place.</summary>
    public static Tensor Times_(this Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul_(scalar);
    }

    /// <summary><c>tensor / divisor</c>.</summary>
    public static Tensor DividedBy(this Tensor tensor, double divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }

    /// <summary><c>tensor + value</c>.</summary>
    public static Tensor Plus(this Tensor tensor, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.add(scalar, One);
    }

    /// <summary><c>tensor += value</c>, in place.</summary>
    public static Tensor Plus_(this Tensor tensor, double value)
    {
        using var scalar = value.ToScalar();
        return tensor.add_(scalar, One);
    }

    /// <summary><c>tensor + other</c>.</summary>
    public static Tensor Plus(this Tensor tensor, Tensor other) => tensor.add(other, One);

    /// <summary><c>tensor + alpha · other</c>.</summary>
    public static Tensor PlusScaled(this Tensor tensor, Tensor other, double alpha)
    {
        using var scalar = alpha.ToScalar();
        return tensor.add(other, scalar);
    }

    /// <summary><c>tensor += alpha · other</c>, in place.</summary>
    public static Tensor PlusScaled_(this Tensor tensor, Tensor other, double alpha)
    {
        using var scalar = alpha.ToScalar();
        return tensor.add_(other, scalar);
    }

    /// <summary><c>value − tensor</c>, computed as TorchSharp's operator does (<c>−tensor + value</c>, exact).</summary>
    public static Tensor Subtracted(double value, Tensor tensor)
    {
        using var scalar = value.ToScalar();
        using var negative = tensor.negative();
        return negative.add(scalar, One);
    }

    /// <summary><c>tensor²</c>, element-wise (libtorch's square is pow with exponent 2).</summary>
    public static Tensor Squared(this Tensor tensor) => tensor.pow(Two);
}
