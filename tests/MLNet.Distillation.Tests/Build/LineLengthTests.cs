using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// No line in src/ runs past <see cref="Limit"/> characters (the .editorconfig's <c>max_line_length</c>), except where the
/// limit falls inside a string: a long message reads better whole than cut into pieces that a search for its words
/// cannot find. Code and comments are wrapped. Roslyn has no line-length rule, so this test is what enforces it.
/// </summary>
public sealed class LineLengthTests
{
    private const int Limit = 150;

    [Fact]
    public void No_line_in_src_runs_past_the_limit_outside_a_string()
    {
        var tooLong = new List<string>();
        foreach (var (file, relative) in SourceTree.Files())
        {
            var text = SourceText.From(File.ReadAllText(file));
            var root = CSharpSyntaxTree.ParseText(text).GetRoot();
            foreach (var line in text.Lines)
            {
                if (line.Span.Length <= Limit || InsideString(root, line.Start + Limit))
                    continue;
                tooLong.Add($"{relative}:{line.LineNumber + 1} ({line.Span.Length} characters)");
            }
        }
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines run past {Limit} characters outside a string:\n" + string.Join("\n", tooLong));
    }

    /// <summary>Whether the character at <paramref name="position"/> is part of a string literal or an interpolated string's text.</summary>
    private static bool InsideString(SyntaxNode root, int position)
    {
        var token = root.FindToken(position, findInsideTrivia: true);
        if (!token.Span.Contains(position))
            return false;
        return token.Kind() is SyntaxKind.StringLiteralToken or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.MultiLineRawStringLiteralToken
            or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.Utf8StringLiteralToken or SyntaxKind.InterpolatedStringEndToken
            || token.Parent?.AncestorsAndSelf().Any(n => n.IsKind(SyntaxKind.InterpolatedStringExpression)) == true;
    }
}
