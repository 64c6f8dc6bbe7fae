using MLNet.Distillation.Cli.Tests.Support;

namespace MLNet.Distillation.Cli.Tests.Data;

/// <summary>The one CSV reader (Sep underneath): quoting, records over several lines, blank lines, trimming, line numbers.</summary>
public sealed class CsvRecordsTests
{
    [Fact]
    public void Records_are_unquoted_trimmed_and_numbered_by_the_line_they_start_on()
    {
        using var folder = new TempFolder();
        var path = folder.Write("traps.csv",
            "\uFEFFname, note ,n\n" +                 // a byte-order mark, spaces around a header name
            "\n   \n" +                                // a blank and a white-space-only line: skipped
            "a,\"x, y\",\" 1 \"\n" +                   // a quoted comma; spaces inside quotes trimmed as outside
            "b,\"two\nlines\",2\n" +                   // a record over two lines
            "c,\"say \"\"hi\"\"\",\t3\t\n");            // escaped quotes; tabs around a value
        var records = CsvRecords.Read(path).ToList();
        Assert.Equal([1, 4, 5, 7], records.Select(r => r.Line));
        Assert.Equal(["name", "note", "n"], records[0].Fields);
        Assert.Equal(["a", "x, y", "1"], records[1].Fields);
        Assert.Equal(["b", "two\nlines", "2"], records[2].Fields);
        Assert.Equal(["c", "say \"hi\"", "3"], records[3].Fields);
    }

    [Fact]
    public void A_quoted_field_left_open_is_refused_with_the_line_it_starts_on()
    {
        using var folder = new TempFolder();
        var path = folder.Write("open.csv", "a,b\n1,2\n3,\"open\n4,5\n");
        var error = Assert.Throws<CliException>(() => CsvRecords.Read(path).ToList());
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains("line 3: a quoted field is not closed before the end of the file", error.Message);
    }
}
