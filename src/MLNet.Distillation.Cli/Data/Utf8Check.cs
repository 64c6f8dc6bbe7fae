using System.Text.Unicode;

namespace MLNet.Distillation.Cli;

/// <summary>
/// Finds the first byte of a CSV file that is not UTF-8. ML.NET's loader and .NET's readers decode such a byte as U+FFFD
/// without a word, so a Latin-1 file's Ä, Ö and Ü all become the same character: three classes collapse into one, and a
/// task can turn binary. Files that start with a UTF-16 or UTF-32 byte-order mark are decoded by it and not checked here.
/// </summary>
internal static class Utf8Check
{
    /// <summary>Where the first invalid byte is.</summary>
    /// <param name="Line">The physical line it is on, from 1.</param>
    /// <param name="Field">Its field in the record, from 0 (quotes protect commas, as <see cref="CsvRecords"/> reads them).</param>
    /// <param name="Byte">The byte.</param>
    public sealed record Failure(int Line, int Field, byte Byte);

    /// <summary>The first byte of <paramref name="path"/> that is not UTF-8, or null when the whole file is.</summary>
    public static Failure? FirstInvalid(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> bom = stackalloc byte[4];
        int read = stream.ReadAtLeast(bom, 4, throwOnEndOfStream: false);
        if (IsUnicodeMark(bom[..read]))
            return null;
        stream.Position = read >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF ? 3 : 0;

        var line = new List<byte>(256);
        var buffer = new byte[1 << 16];
        int number = 0, field = 0;
        bool quoted = false;
        for (int count; (count = stream.Read(buffer)) > 0;)
        {
            for (int i = 0; i < count; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    line.Add(buffer[i]);
                    continue;
                }
                if (Scan(line, ++number, ref field, ref quoted) is { } failure)
                    return failure;
                line.Clear();
            }
        }
        return line.Count > 0 ? Scan(line, ++number, ref field, ref quoted) : null;
    }

    /// <summary>Checks one physical line, carrying the field count and quote state of a record that spans lines.</summary>
    private static Failure? Scan(List<byte> line, int number, ref int field, ref bool quoted)
    {
        var bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line);
        int bad = Utf8.IsValid(bytes) ? -1 : InvalidOffset(bytes);
        int end = bad < 0 ? bytes.Length : bad;
        for (int i = 0; i < end; i++)
        {
            if (bytes[i] == (byte)'"') quoted = !quoted;
            else if (bytes[i] == (byte)',' && !quoted) field++;
        }
        if (bad >= 0)
            return new Failure(number, field, bytes[bad]);
        if (!quoted)
            field = 0; // the record ends with the line
        return null;
    }

    private static int InvalidOffset(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        Utf8.ToUtf16(bytes, chars, out int bytesRead, out _, replaceInvalidSequences: false);
        return bytesRead;
    }

    private static bool IsUnicodeMark(ReadOnlySpan<byte> start)
        => start is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0x00, 0x00, 0xFE, 0xFF];
}
