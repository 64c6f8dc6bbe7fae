namespace MLNet.Distillation;

/// <summary>An append-only array that doubles when full (List&lt;T&gt; without per-element calls), read as a span.</summary>
internal sealed class Growable<T>(int capacity)
{
    // Uninitialised: every element is written before it is read, and zeroing large buffers is measurable.
    private T[] _items = GC.AllocateUninitializedArray<T>(Math.Max(capacity, 1));

    public int Count { get; private set; }

    public ref T this[int index] => ref _items[index];

    public void Add(T item) => AddSpan(1)[0] = item;

    public Span<T> AddSpan(int length)
    {
        if (Count + length > _items.Length)
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(2L * _items.Length, Count + length + 16L)));
        var span = _items.AsSpan(Count, length);
        Count += length;
        return span;
    }

    /// <summary>The filled part.</summary>
    public Span<T> AsSpan() => _items.AsSpan(0, Count);

    /// <summary>Forgets the items but keeps the buffer.</summary>
    public void Clear() => Count = 0;
}
