using System.Collections.ObjectModel;
using System.Globalization;

namespace MLNet.Distillation;

/// <summary>
/// One entry of a loss recipe: a registered loss term by name, its weight in the total, and its settings. Recipes are
/// data (as in torchdistill's configurations):
/// <c>[new("ce", 0.1f), new("kd", 0.9f, new Dictionary&lt;string, double&gt; { ["temperature"] = 4 })]</c>.
/// The trainer sums <c>weight · term</c> over the recipe without knowing what each term computes.
/// </summary>
public sealed class LossTerm
{
    private static readonly IReadOnlyDictionary<string, double> NoParameters = ReadOnlyDictionary<string, double>.Empty;

    /// <summary>Creates a recipe entry.</summary>
    /// <param name="name">A name known to <see cref="Losses.LossRegistry"/>, e.g. <see cref="LossNames.KnowledgeDistillation"/>.</param>
    /// <param name="weight">The term's weight in the total loss (finite, ≥ 0; a term of weight 0 is left out).</param>
    /// <param name="parameters">The term's settings by name (e.g. <c>temperature</c>); a setting the term does not take is an error.</param>
    public LossTerm(string name, float weight, IReadOnlyDictionary<string, double>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(weight >= 0) || !float.IsFinite(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), $"Loss term '{name}' has weight {weight}; weights must be finite and ≥ 0.");
        Name = name;
        Weight = weight;
        Parameters = parameters is null || parameters.Count == 0
            ? NoParameters
            : new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(parameters, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The registered name of the term.</summary>
    public string Name { get; }

    /// <summary>The term's weight in the total loss.</summary>
    public float Weight { get; }

    /// <summary>The term's settings by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>
    /// The student layer the term reads instead of the student's outputs (e.g. <c>hidden1</c> of an MLP, <c>conv2</c> of a
    /// CNN: see <see cref="MlpStudent"/> and <see cref="CnnStudent"/> for their layer names), flattened to one vector per
    /// row; null (the default) reads the outputs. Only terms that compare representations accept it (<c>hint</c>,
    /// <c>rkd-distance</c>, <c>rkd-angle</c>, <c>sp</c>: <see cref="Losses.IFeatureDistillationLoss"/>); a name the
    /// student lacks is refused before training, with the names it has.
    /// </summary>
    public string? StudentLayer { get; init; }

    /// <summary>
    /// The data column the term reads as the teacher's side instead of the trainer's teacher column: typically an
    /// intermediate output appended by <c>TeacherScore</c> (<see cref="TeacherScoringEstimator.Options.IntermediateOutputs"/>).
    /// A known-size Single vector; null (the default) reads the trainer's teacher column. Only terms that compare
    /// representations accept it.
    /// </summary>
    public string? TeacherColumn { get; init; }

    /// <summary>The entry as written in logs, e.g. <c>0.9·kd(temperature=4)</c> or <c>1·hint[hidden1→TeacherHidden]</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Weight:0.###}·{Name}") +
           (Parameters.Count == 0 ? "" : "(" + string.Join(", ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
               .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:R}"))) + ")") +
           DescribeTarget(StudentLayer, TeacherColumn);

    /// <summary>What a term reads, when not the outputs and the teacher column: <c>[hidden1→TeacherHidden]</c>; else empty.</summary>
    internal static string DescribeTarget(string? studentLayer, string? teacherColumn)
        => studentLayer is null && teacherColumn is null ? "" : $"[{studentLayer ?? "outputs"}→{teacherColumn ?? "teacher"}]";
}
