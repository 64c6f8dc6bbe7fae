namespace MLNet.Distillation;

/// <summary>How a <see cref="TextEncoder"/> turns its per-token output ([N, T, H]) into one vector per text.</summary>
public enum TextPooling
{
    /// <summary>
    /// The mean of the token vectors over the attention mask (padding excluded), as sentence-transformers models such as
    /// all-MiniLM-L6-v2 were trained to be read.
    /// </summary>
    Mean,

    /// <summary>The vector of the first token, <c>[CLS]</c>, as BERT's sequence classifiers read it.</summary>
    Cls,
}
