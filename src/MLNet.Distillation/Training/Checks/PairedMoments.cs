namespace MLNet.Distillation;

/// <summary>
/// Running sums of (teacher, label) pairs for their means, variances and covariance, in double and shifted by the first
/// pair so that values far from zero lose no precision. Shared by the regression teacher checks
/// (<see cref="CorrelationCheck"/>, <see cref="ScaleCheck"/>).
/// </summary>
internal sealed class PairedMoments
{
    private double _shiftT, _shiftY, _t, _y, _tt, _yy, _ty;

    /// <summary>Pairs added.</summary>
    public long Count { get; private set; }

    public void Add(double teacher, double label)
    {
        if (Count == 0)
            (_shiftT, _shiftY) = (teacher, label);
        double t = teacher - _shiftT, y = label - _shiftY;
        Count++;
        _t += t; _y += y; _tt += t * t; _yy += y * y; _ty += t * y;
    }

    /// <summary>Count × the covariance.</summary>
    public double CoSum => _ty - _t * _y / Count;

    /// <summary>Count × the teacher's variance.</summary>
    public double TeacherSquares => _tt - _t * _t / Count;

    /// <summary>Count × the label's variance.</summary>
    public double LabelSquares => _yy - _y * _y / Count;

    public double TeacherMean => _shiftT + _t / Count;

    public double LabelMean => _shiftY + _y / Count;
}
