namespace MLNet.Distillation.Cli.Tests.Output;

/// <summary>C# identifiers from column names.</summary>
public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("mean_radius", "Mean_radius")]
    [InlineData("unit price", "Unit_price")]
    [InlineData("2nd size", "Col2nd_size")]
    [InlineData("0", "Col0")]
    [InlineData("class", "Class")]          // capitalised: no longer a keyword
    [InlineData("__arglist", "@__arglist")] // still one
    [InlineData("a-b.c", "A_b_c")]
    [InlineData("", "Column")]
    [InlineData("%", "Column_")]
    [InlineData("größe", "Größe")]
    public void Column_names_become_valid_identifiers(string name, string expected) => Assert.Equal(expected, Identifiers.From(name));

    [Fact]
    public void Clashes_get_a_suffix() =>
        Assert.Equal(["A_b", "A_b_2", "ModelInput_2", "A_b_3"], Identifiers.Unique(["a b", "a-b", "ModelInput", "a.b"], "ModelInput"));
}
