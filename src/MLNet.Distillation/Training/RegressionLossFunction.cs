namespace MLNet.Distillation;

/// <summary>The penalty a regression student's default recipe uses.</summary>
public enum RegressionLossFunction
{
    /// <summary>Squared error: the mean of (prediction − target)².</summary>
    SquaredError,

    /// <summary>Huber's loss: squared within <c>HuberDelta</c> standard deviations, linear beyond, so outliers weigh less.</summary>
    Huber,
}
