namespace MLNet.Distillation.Benchmarks;

/// <summary>How much work a benchmark run does. Quick stays under a few minutes on 2 cores; full uses all the data.</summary>
internal sealed record BenchmarkSettings(
    string Mode,
    int TrainRows,
    int TestRows,
    int TeacherEpochs,
    int MlpEpochs,
    int CnnStudentEpochs,
    int[] Seeds,
    int TransferLabelledRows,
    int ApplyOnnxModelRows,
    int LatencyCalls)
{
    public static BenchmarkSettings Quick { get; } = new("quick", TrainRows: 6000, TestRows: 2000, TeacherEpochs: 3, MlpEpochs: 10,
        CnnStudentEpochs: 4, Seeds: [1, 2, 3], TransferLabelledRows: 500, ApplyOnnxModelRows: 3000, LatencyCalls: 3000);

    public static BenchmarkSettings Full { get; } = new("full", TrainRows: 60000, TestRows: 10000, TeacherEpochs: 10, MlpEpochs: 30,
        CnnStudentEpochs: 10, Seeds: [1, 2, 3], TransferLabelledRows: 5000, ApplyOnnxModelRows: 20000, LatencyCalls: 10000);
}
