using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;
using MLNet.Distillation.Tests.Support;

namespace MLNet.Distillation.Tests.Runtime;

/// <summary>Models users saved with earlier versions keep loading: the persisted contract names never change.</summary>
public sealed class SavedModelCompatibilityTests
{
    /// <summary>
    /// Saved on 2026-11-22 by the code before the layout change (commit fe6b705, when the runtime stage lived in the
    /// namespace MLNet.Distillation.Deployment): an MLP 64-16-10 on 300 UCI digits, with its predictions on 20 later rows.
    /// The script that made it is described in Fixtures/saved-models/README.md.
    /// </summary>
    private const string Saved = "saved-models/student-saved-2026-11-22";

    [Fact]
    public void A_student_saved_before_the_runtime_namespace_moved_loads_and_predicts_as_it_did()
    {
        var ml = new MLContext(0);
        var model = StudentModelLoader.Load(ml, TestData.Fixture(Saved + ".zip"), out var schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 64), schema["Features"].Type);

        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Fixture(Saved + ".json")));
        var root = json.RootElement;
        var rows = TestData.KeyedDigits(ml, root.GetProperty("rows").GetInt32(), skip: root.GetProperty("rowsSkipped").GetInt32());
        var scored = model.Transform(rows);

        var expectedKeys = root.GetProperty("predictedKeys").EnumerateArray().Select(k => k.GetUInt32()).ToArray();
        Assert.Equal(expectedKeys, DistillationMetrics.PredictedKeys(scored));
        var expectedScores = root.GetProperty("scores").EnumerateArray().Select(r => r.EnumerateArray().Select(v => (double)v.GetSingle()).ToArray()).ToArray();
        var scores = TestData.Column(scored, "Score");
        for (int r = 0; r < scores.Length; r++)
            Tolerance.Close(expectedScores[r], scores[r].Select(v => (double)v).ToArray(), 1e-6, 0, $"row {r}");

        // The predicted label still carries the label's key values.
        var labels = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
        Assert.Contains(labels.Schema["PredictedLabel"].Type, new DataViewType[] { TextDataViewType.Instance });
    }

    [Fact]
    public void The_persisted_contract_name_is_unchanged()
        => Assert.Equal("MLNet.Distillation.ScoreArgMax.v1", PredictedLabelMapping.ContractName);
}
