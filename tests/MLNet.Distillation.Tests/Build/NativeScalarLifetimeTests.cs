using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace MLNet.Distillation.Tests.Build;

/// <summary>
/// No TorchSharp <see cref="Scalar"/> is created on the fly for a native call. TorchSharp reads a Scalar's native handle and
/// passes the pointer to libtorch; a temporary Scalar is unreachable from that moment, so a garbage collection started by
/// another thread during the call can run its finaliser, which frees the native Scalar while libtorch still reads it. That
/// race crashed long linear sparse runs ("Expected false to be true" in <c>c10::Scalar::toDouble</c>, inside
/// <c>add_(Tensor, Scalar)</c> called with an int converted on the fly). The library holds every Scalar in a variable
/// disposed after the call (or in a static that lives as long as the process), so a collection cannot free it mid-call.
/// The scan reads the IL of every method of the library (the only assembly that calls TorchSharp) and fails on any call to
/// <c>Scalar.op_Implicit</c>, or to a TorchSharp convenience overload that itself converts a number on the fly
/// (<c>add_(Tensor)</c> calls <c>add_(Tensor, 1)</c>).
/// </summary>
public sealed class NativeScalarLifetimeTests
{
    [Fact]
    public void The_library_creates_no_scalar_on_the_fly()
    {
        var unsafeTorchSharpMethods = TorchSharpMethodsConvertingScalarsOnTheFly();
        Assert.Contains(unsafeTorchSharpMethods, m => m.Name == "add_" && m.GetParameters().Length == 1
            && m.GetParameters()[0].ParameterType == typeof(torch.Tensor)); // the scan finds the known case
        var findings = new List<string>();
        foreach (var (caller, callee) in Calls(typeof(DistillationCatalog).Assembly))
            if (IsScalarConversion(callee) || unsafeTorchSharpMethods.Contains(callee))
                findings.Add($"{caller.DeclaringType?.FullName}.{caller.Name} calls {callee.DeclaringType?.Name}.{callee}");
        Assert.True(findings.Count == 0, $"{findings.Count} calls create a Scalar on the fly (hold it in a variable instead):\n"
            + string.Join("\n", findings.Distinct().Order()));
    }

    private static bool IsScalarConversion(MethodBase method)
        => method.DeclaringType == typeof(Scalar) && method.Name == "op_Implicit";

    /// <summary>TorchSharp's own methods that convert a number to a Scalar on the fly (their callers inherit the race).</summary>
    /// <remarks>Transitive: a method that calls such a method (<c>sub(Tensor)</c> through another overload) inherits it.</remarks>
    private static HashSet<MethodBase> TorchSharpMethodsConvertingScalarsOnTheFly()
    {
        var calls = Calls(typeof(Scalar).Assembly).ToList();
        var unsafeMethods = calls.Where(c => IsScalarConversion(c.Callee)).Select(c => c.Caller).ToHashSet();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (caller, callee) in calls)
                if (unsafeMethods.Contains(callee) && unsafeMethods.Add(caller))
                    grew = true;
        }
        return unsafeMethods;
    }

    private static IEnumerable<(MethodBase Caller, MethodBase Callee)> Calls(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in LoadableTypes(assembly))
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                byte[]? il;
                try { il = method.GetMethodBody()?.GetILAsByteArray(); }
                catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { continue; }
                if (il is null)
                    continue;
                foreach (int token in CallTokens(il))
                {
                    MethodBase? callee;
                    try
                    {
                        callee = method.Module.ResolveMethod(token, type.IsGenericType ? type.GetGenericArguments() : null,
                            method.IsGenericMethod ? method.GetGenericArguments() : null);
                    }
                    catch (Exception e) when (e is ArgumentException or TypeLoadException or FileNotFoundException or BadImageFormatException) { continue; }
                    if (callee is not null)
                        yield return (method, callee is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericMethodDefinition() : callee);
                }
            }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The metadata tokens of every call, callvirt, newobj and ldftn in a method body.</summary>
    private static IEnumerable<int> CallTokens(byte[] il)
    {
        int position = 0;
        while (position < il.Length)
        {
            short value = il[position] == 0xFE ? (short)(0xFE00 | il[position + 1]) : il[position];
            position += il[position] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Newobj || opCode == OpCodes.Ldftn)
                yield return BitConverter.ToInt32(il, position);
            position += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, position),
                _ => 4,
            };
        }
    }
}
