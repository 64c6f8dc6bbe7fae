using Microsoft.ML;

namespace MLNet.Distillation.Tests.Support;

/// <summary>
/// Forwards to another data view, counting the cursors opened on it; with <c>canShuffle: false</c> it also hides the inner
/// view's ability to shuffle (as a text file or an enumerable source has none), so every pass reads in the inner order.
/// </summary>
internal sealed class PassCountingDataView(IDataView inner, bool canShuffle) : IDataView
{
    private int _passes;

    /// <summary>Cursors opened so far.</summary>
    public int Passes => _passes;

    public bool CanShuffle => canShuffle && inner.CanShuffle;
    public DataViewSchema Schema => inner.Schema;
    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Interlocked.Increment(ref _passes);
        return inner.GetRowCursor(columnsNeeded, CanShuffle ? rand : null);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];
}
