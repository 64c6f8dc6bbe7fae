using MLNet.Distillation.Testbed;

namespace MLNet.Distillation.Tests.Testbed;

/// <summary>The Testbed's table reader calls the same tokens missing as the command line's column inference.</summary>
public sealed class TabularCsvTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tabular-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_column_of_numbers_with_any_missing_token_is_numeric()
    {
        File.WriteAllText(_path, "x,y,z\n1,a,1\n?,b,none\nnull,c,3\nN/A,d,4\nNaN,e,5\n,f,6\n2.5,g,NA\n");
        var table = TabularCsv.Inspect(_path);
        Assert.True(table["x"].IsNumeric);
        Assert.False(table["y"].IsNumeric);
        Assert.True(table["z"].IsNumeric);
        Assert.Equal(7, table.RowCount);
    }
}
