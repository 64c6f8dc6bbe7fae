namespace MLNet.Distillation.Benchmarks;

/// <summary>A set of experiments on one data set, run in order over a shared context; one suite writes one report.</summary>
internal interface IBenchmarkSuite
{
    /// <summary>The suite's name, used in file names (e.g. <c>fashion-mnist</c>).</summary>
    string SuiteName { get; }

    /// <summary>The report's title.</summary>
    string Title { get; }

    /// <summary>Loads the data and returns the experiments to run, in order.</summary>
    IReadOnlyList<IExperiment> Prepare(BenchmarkSettings settings, Action<string> log);
}

/// <summary>One measurement: a small class with a name and a result that knows how to print itself.</summary>
internal interface IExperiment
{
    /// <summary>The key of the experiment's result in the JSON report.</summary>
    string Name { get; }

    /// <summary>Runs the experiment.</summary>
    ExperimentResult Run();
}

/// <summary>An experiment's figures: serialised into the JSON report and printed as a Markdown section.</summary>
internal abstract record ExperimentResult
{
    public abstract string ToMarkdown();
}
