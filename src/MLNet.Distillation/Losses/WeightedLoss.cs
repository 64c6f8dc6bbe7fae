namespace MLNet.Distillation.Losses;

/// <summary>A loss term and its weight in the total loss.</summary>
/// <param name="Loss">The term.</param>
/// <param name="Weight">Its weight (≥ 0).</param>
public sealed record WeightedLoss(IDistillationLoss Loss, float Weight);
