namespace MLNet.Distillation.Tests.Support;

/// <summary>One bad input of a catalogue: what to run, the exception it must raise, and what its message must name.</summary>
/// <param name="Run">Provokes the error.</param>
/// <param name="Expected">The exception type (or a base of it).</param>
/// <param name="Named">Fragments the message must contain: the column, option, file or value at fault, and the fix.</param>
internal sealed record BadInputCase(Action Run, Type Expected, params string[] Named)
{
    public static BadInputCase Of<TException>(Action run, params string[] named) where TException : Exception => new(run, typeof(TException), named);

    public void Check()
    {
        Exception? error = null;
        try { Run(); }
        catch (Exception e) { error = e; }
        Assert.True(error is not null, "No error was raised.");
        Assert.True(Expected.IsInstanceOfType(error), $"Expected {Expected.Name}, got {error!.GetType().Name}: {error.Message}");
        foreach (var fragment in Named)
            Assert.True(error!.Message.Contains(fragment, StringComparison.Ordinal), $"The message does not name '{fragment}':\n{error.Message}");
    }
}
