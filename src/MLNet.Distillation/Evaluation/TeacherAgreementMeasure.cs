namespace MLNet.Distillation;

/// <summary>How closely a student follows its teacher on every evaluation row (labels not needed).</summary>
internal static class TeacherAgreementMeasure
{
    /// <summary>
    /// Below this a student probability is floored in KL, so that a class the student rules out costs a large finite
    /// amount, not infinity.
    /// </summary>
    internal const float ProbabilityFloor = 1e-12f;

    public static TeacherAgreement Of(EvaluationLabels labels, ModelOutputs teacher, ModelOutputs student)
    {
        if (!labels.IsClassification)
        {
            double sum = 0;
            for (int r = 0; r < labels.Rows; r++)
            {
                double d = teacher.Scores![r] - student.Scores![r];
                sum += d * d;
            }
            return new TeacherAgreement(null, null, Math.Sqrt(sum / labels.Rows));
        }
        int same = 0;
        for (int r = 0; r < labels.Rows; r++)
            if (teacher.Predicted![r] == student.Predicted![r]) same++;
        return new TeacherAgreement((double)same / labels.Rows, KLDivergence(labels, teacher, student), null);
    }

    /// <summary>
    /// Mean over rows of Σ_k p_t,k · log(p_t,k / p_s,k) in nats (terms with p_t,k = 0 are 0); null when either model
    /// has no probabilities.
    /// </summary>
    public static double? KLDivergence(EvaluationLabels labels, ModelOutputs teacher, ModelOutputs student)
    {
        if (teacher.Probabilities is null || student.Probabilities is null) return null;
        Span<float> t2 = stackalloc float[2], s2 = stackalloc float[2];
        double total = 0;
        for (int r = 0; r < labels.Rows; r++)
        {
            var pt = teacher.Distribution(r, labels, t2);
            var ps = student.Distribution(r, labels, s2);
            double kl = 0;
            for (int k = 0; k < pt.Length; k++)
                if (pt[k] > 0)
                    kl += pt[k] * (Math.Log(pt[k]) - Math.Log(Math.Max(ps[k], ProbabilityFloor)));
            total += kl;
        }
        return total / labels.Rows;
    }
}
