namespace MLNet.Distillation;

/// <summary>
/// The sliding window of a 2-D convolution or pooling layer: kernel, stride, zero padding per side and dilation. Output
/// sizes follow PyTorch (and ONNX with its default floor rounding): <c>⌊(in + pads − dilation·(kernel − 1) − 1) / stride⌋ + 1</c>.
/// </summary>
internal sealed record Window2d(int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight, int DilationHeight = 1, int DilationWidth = 1)
{
    /// <summary>A square kernel with one stride and the same padding on every side.</summary>
    public static Window2d Square(int kernel, int stride, int padding) => new(kernel, kernel, stride, stride, padding, padding, padding, padding);

    /// <summary>
    /// The output height and width for an input of <paramref name="height"/> × <paramref name="width"/> (zero or less:
    /// the window does not fit).
    /// </summary>
    public (int Height, int Width) Output(int height, int width)
        => (Size(height, PadTop + PadBottom, KernelHeight, StrideHeight, DilationHeight),
            Size(width, PadLeft + PadRight, KernelWidth, StrideWidth, DilationWidth));

    private static int Size(int input, int pads, int kernel, int stride, int dilation)
    {
        int span = input + pads - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    /// <summary>A short description for messages, such as <c>3×3 stride 2×2 pad 1,1,1,1</c>.</summary>
    public override string ToString()
        => $"{KernelHeight}×{KernelWidth}" + (StrideHeight == 1 && StrideWidth == 1 ? "" : $" stride {StrideHeight}×{StrideWidth}")
            + (PadTop + PadLeft + PadBottom + PadRight == 0 ? "" : $" pad {PadTop},{PadLeft},{PadBottom},{PadRight}")
            + (DilationHeight == 1 && DilationWidth == 1 ? "" : $" dilation {DilationHeight}×{DilationWidth}");
}
