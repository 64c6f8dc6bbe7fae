using System.Text;

namespace MLNet.Distillation.Cli;

/// <summary>C# identifiers made from column names: what a header may hold (spaces, punctuation, leading digits, keywords) made valid.</summary>
internal static class Identifiers
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue", "decimal",
        "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for",
        "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null",
        "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte",
        "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    /// <summary>
    /// A PascalCase-leading identifier for <paramref name="name"/>: characters that cannot appear in one become <c>_</c>,
    /// a leading digit gets <c>Col</c> in front (<c>0</c> → <c>Col0</c>, as Model Builder names unnamed columns), a keyword gets <c>@</c>.
    /// </summary>
    public static string From(string name)
    {
        var builder = new StringBuilder(name.Length + 3);
        foreach (char ch in name.Normalize(NormalizationForm.FormC))
            builder.Append(char.IsLetterOrDigit(ch) || ch == '_' ? ch : '_');
        string identifier = builder.ToString();
        if (identifier.Length == 0 || identifier.All(ch => ch == '_'))
            identifier = "Column" + identifier;
        else if (char.IsDigit(identifier[0]))
            identifier = "Col" + identifier;
        else if (char.IsLower(identifier[0]))
            identifier = char.ToUpperInvariant(identifier[0]) + identifier[1..];
        return Keywords.Contains(identifier) ? "@" + identifier : identifier;
    }

    /// <summary>
    /// Identifiers for all <paramref name="names"/>, made unique (<c>_2</c>, <c>_3</c>, ...) and different from
    /// <paramref name="taken"/>.
    /// </summary>
    public static IReadOnlyList<string> Unique(IEnumerable<string> names, params string[] taken)
    {
        var used = new HashSet<string>(taken, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            string baseName = From(name), identifier = baseName;
            for (int n = 2; !used.Add(identifier.TrimStart('@')); n++)
                identifier = $"{baseName.TrimStart('@')}_{n}";
            result.Add(identifier);
        }
        return result;
    }
}
