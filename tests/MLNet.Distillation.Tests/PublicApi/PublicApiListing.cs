using System.Reflection;
using System.Runtime.CompilerServices;

namespace MLNet.Distillation.Tests.PublicApi;

/// <summary>
/// Writes an assembly's public surface as sorted text, one declaration a line: every public type and its public and
/// protected members, with parameter names, defaults and nullability. Two builds with the same listing offer users the
/// same API; any difference is a change to the API.
/// </summary>
internal static class PublicApiListing
{
    public static string Of(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().Where(t => !IsCompilerGenerated(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add(TypeDeclaration(type));
            lines.AddRange(Members(type).Select(m => "    " + m).Order(StringComparer.Ordinal));
        }
        return string.Join("\n", lines) + "\n";
    }

    private static bool IsCompilerGenerated(Type type)
        => type.Name.Contains('<') || type.Name.Contains('$') || type.IsDefined(typeof(CompilerGeneratedAttribute));

    private static string TypeDeclaration(Type type)
    {
        string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : type.IsAbstract && type.IsSealed ? "static class"
            : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType) && !type.IsInterface)
            bases.Add(Name(b));
        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic)
            .Where(i => type.BaseType is null || !i.IsAssignableFrom(type.BaseType)).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var nullability = new NullabilityInfoContext();
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type))
                yield return $"{name} = {Convert.ToInt64(Enum.Parse(type, name))}";
            yield break;
        }
        foreach (var constructor in type.GetConstructors(all).Where(Visible))
            yield return $"{Access(constructor)}{type.Name.Split('`')[0]}({Parameters(constructor, nullability)})";
        var accessors = new HashSet<MethodInfo>();
        foreach (var property in type.GetProperties(all))
        {
            var methods = property.GetAccessors(nonPublic: true);
            accessors.UnionWith(methods);
            var getter = property.GetMethod is { } g && Visible(g) ? g : null;
            var setter = property.SetMethod is { } s && Visible(s) ? s : null;
            if (getter is null && setter is null)
                continue;
            var any = getter ?? setter!;
            string setKind = setter is null ? "" : setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? " init;" : " set;";
            string index = property.GetIndexParameters() is { Length: > 0 } p ? $"[{string.Join(", ", p.Select(x => $"{Name(x.ParameterType)} {x.Name}"))}]" : "";
            string required = property.IsDefined(typeof(RequiredMemberAttribute)) ? "required " : "";
            yield return $"{Access(any)}{Modifiers(any)}{required}{TypeName(property.PropertyType, nullability.Create(property).ReadState)} {property.Name}{index} {{{(getter is null ? "" : " get;")}{setKind} }}";
        }
        foreach (var @event in type.GetEvents(all))
        {
            accessors.UnionWith(new[] { @event.AddMethod, @event.RemoveMethod }.OfType<MethodInfo>());
            if (@event.AddMethod is { } add && Visible(add))
                yield return $"{Access(add)}event {Name(@event.EventHandlerType!)} {@event.Name}";
        }
        foreach (var method in type.GetMethods(all).Where(m => Visible(m) && !accessors.Contains(m)))
        {
            if (method.Name == "Finalize" || method.Name.Contains('<') || (method.IsVirtual && method.GetBaseDefinition() != method && method.DeclaringType!.IsSealed && IsObjectMember(method)))
                continue;
            string generic = method.IsGenericMethod ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";
            yield return $"{Access(method)}{Modifiers(method)}{TypeName(method.ReturnType, nullability.Create(method.ReturnParameter).ReadState)} {method.Name}{generic}({Parameters(method, nullability)})";
        }
        foreach (var field in type.GetFields(all).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
        {
            string value = field.IsLiteral ? $" = {Literal(field.GetRawConstantValue())}" : "";
            string modifiers = field.IsLiteral ? "const " : (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
            yield return $"{(field.IsPublic ? "public " : "protected ")}{modifiers}{TypeName(field.FieldType, nullability.Create(field).ReadState)} {field.Name}{value}";
        }
    }

    private static bool IsObjectMember(MethodInfo method) => method.Name is "ToString" or "Equals" or "GetHashCode";

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodBase method)
    {
        if (method.IsStatic) return "static ";
        if (method.IsAbstract && !method.DeclaringType!.IsInterface) return "abstract ";
        if (method is MethodInfo m && method.IsVirtual && !method.IsFinal && !method.DeclaringType!.IsInterface)
            return m.GetBaseDefinition() == m ? "virtual " : "override ";
        if (method is MethodInfo o && method.IsVirtual && o.GetBaseDefinition() != o) return "override ";
        return "";
    }

    private static string Parameters(MethodBase method, NullabilityInfoContext nullability)
        => string.Join(", ", method.GetParameters().Select(p =>
        {
            string prefix = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "";
            if (method.IsDefined(typeof(ExtensionAttribute)) && p.Position == 0) prefix = "this " + prefix;
            var type = p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType;
            string text = $"{prefix}{TypeName(type, nullability.Create(p).WriteState)} {p.Name}";
            return p.HasDefaultValue ? $"{text} = {Literal(p.DefaultValue)}" : text;
        }));

    private static string TypeName(Type type, NullabilityState state)
        => Name(type) + (state == NullabilityState.Nullable && !type.IsValueType ? "?" : "");

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return Name(inner) + "?";
        if (type.IsArray) return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsGenericParameter) return type.Name;
        string name = type.IsNested && !type.IsGenericParameter ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        name = Alias(type) ?? name;
        if (!type.IsGenericType) return name;
        var own = type.GetGenericArguments().Skip(type.DeclaringType?.GetGenericArguments().Length ?? 0).ToArray();
        name = name.Split('`')[0];
        return own.Length == 0 ? name : $"{name}<{string.Join(", ", own.Select(Name))}>";
    }

    private static string? Alias(Type type) => type == typeof(void) ? "void" : type == typeof(int) ? "int" : type == typeof(long) ? "long"
        : type == typeof(float) ? "float" : type == typeof(double) ? "double" : type == typeof(bool) ? "bool" : type == typeof(string) ? "string"
        : type == typeof(object) ? "object" : type == typeof(uint) ? "uint" : type == typeof(byte) ? "byte" : null;
}
