namespace MLNet.Distillation;

/// <summary>
/// The assignment problem (Kuhn–Munkres, O(K³)): the one-to-one matching of rows to columns of a square matrix with the
/// largest total. Used to find the class order under which a teacher agrees best with the labels.
/// </summary>
internal static class Assignment
{
    /// <summary>For each row, the column assigned to it, maximising the sum of <paramref name="score"/>[row, column].</summary>
    public static int[] Maximise(double[,] score)
    {
        int n = score.GetLength(0);
        // Minimise the negated scores with potentials u (rows) and v (columns); 1-based arrays with a sentinel column 0.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var match = new int[n + 1];   // match[column] = row
        var way = new int[n + 1];
        for (int row = 1; row <= n; row++)
        {
            match[0] = row;
            int column = 0;
            var minimum = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[column] = true;
                int current = match[column], next = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double reduced = -score[current - 1, j - 1] - u[current] - v[j];
                    if (reduced < minimum[j]) { minimum[j] = reduced; way[j] = column; }
                    if (minimum[j] < delta) { delta = minimum[j]; next = j; }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j]) { u[match[j]] += delta; v[j] -= delta; }
                    else minimum[j] -= delta;
                }
                column = next;
            }
            while (match[column] != 0);
            do
            {
                int previous = way[column];
                match[column] = match[previous];
                column = previous;
            }
            while (column != 0);
        }
        var assignment = new int[n];
        for (int j = 1; j <= n; j++)
            assignment[match[j] - 1] = j - 1;
        return assignment;
    }
}
