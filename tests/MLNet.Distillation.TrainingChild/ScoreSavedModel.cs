using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Distillation.Runtime;

namespace MLNet.Distillation.TrainingChild;

/// <summary>
/// Scores texts with a saved model in a process of its own (nothing of the training process's state can help): loads the
/// model .zip with <see cref="StudentModelLoader"/>, reads one text per line, and writes each row's <c>Score</c> values
/// in round-trip form, one row per line.
/// </summary>
public static class ScoreSavedModel
{
    public const string Flag = "--score";

    public static int Run(string modelPath, string textsPath, string outputPath)
    {
        var ml = new MLContext(seed: 5);
        var model = StudentModelLoader.Load(ml, modelPath, out _);
        var rows = File.ReadAllLines(textsPath).Select(t => new TextRow { Text = t }).ToList();
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var column = scored.Schema["Score"];
        var lines = new List<string>();
        using (var cursor = scored.GetRowCursor([column]))
        {
            if (column.Type is VectorDataViewType)
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                while (cursor.MoveNext())
                {
                    getter(ref value);
                    lines.Add(string.Join(" ", value.DenseValues().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
                }
            }
            else
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                while (cursor.MoveNext())
                {
                    getter(ref value);
                    lines.Add(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        File.WriteAllLines(outputPath, lines);
        return 0;
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
