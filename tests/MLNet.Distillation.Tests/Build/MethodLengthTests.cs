using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// No method in src/ (methods, constructors, operators, accessors, local functions) runs past <see cref="Limit"/> lines,
/// declaration to closing brace, unless a comment just above it or in its documentation says why, starting with
/// <c>Long because</c>: long methods hid most of the control flow before (issue 19), and splitting them into named pieces
/// is what keeps the algorithm readable.
/// </summary>
public sealed class MethodLengthTests
{
    private const int Limit = 60;

    [Fact]
    public void No_method_in_src_exceeds_sixty_lines_unless_a_comment_says_why()
    {
        var tooLong = new List<string>();
        foreach (var (file, relative) in SourceTree.Files())
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var node in root.DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax))
            {
                var span = node.GetLocation().GetLineSpan();
                int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > Limit && !node.GetLeadingTrivia().ToFullString().Contains("Long because", StringComparison.Ordinal))
                    tooLong.Add($"{relative}:{span.StartLinePosition.Line + 1} {Name(node)} ({lines} lines)");
            }
        }
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} methods exceed {Limit} lines without a 'Long because' comment:\n" + string.Join("\n", tooLong));
    }

    private static string Name(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text + " constructor",
        LocalFunctionStatementSyntax l => l.Identifier.Text,
        AccessorDeclarationSyntax a => a.Keyword.Text + " accessor",
        _ => node.Kind().ToString(),
    };
}
