namespace MLNet.Distillation;

/// <summary>How a <see cref="TextEncoder"/> tokenises its texts, feeds its ONNX model and reads one vector per text from it.</summary>
public sealed class TextEncoderOptions
{
    /// <summary>
    /// The most tokens fed to the model per text, counting <c>[CLS]</c> and <c>[SEP]</c>; default 256, at most 512 (BERT's
    /// position embeddings). A longer text is truncated to <c>[CLS]</c>, its first tokens (whole words) and <c>[SEP]</c>:
    /// the end of the text is not read. The attention cost grows with the square of the length, so a smaller limit makes
    /// long texts much cheaper to score.
    /// </summary>
    public int MaximumTokens { get; set; } = Defaults.TextMaximumTokens;

    /// <summary>
    /// How a per-token output becomes one vector per text; default <see cref="TextPooling.Mean"/>. Ignored for a model
    /// whose output is already one vector per text.
    /// </summary>
    public TextPooling Pooling { get; set; } = TextPooling.Mean;

    /// <summary>
    /// Whether each text's vector is divided by its L2 norm. Null (the default): normalise a pooled per-token output (what
    /// sentence-transformers models such as all-MiniLM-L6-v2 do), leave an output that is already one vector per text (a
    /// fine-tuned classifier's logits) as the model gives it.
    /// </summary>
    public bool? Normalize { get; set; }

    /// <summary>
    /// Whether text is lower-cased, and accents removed, before WordPiece: true (the default) for uncased vocabularies
    /// (bert-base-uncased, all-MiniLM-L6-v2), false for cased ones. Accents follow lower-casing as in Hugging Face's BERT tokenizer.
    /// </summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>The model output read; null: the output named <c>last_hidden_state</c> when there is one, else the first output.</summary>
    public string? OnnxOutputName { get; set; }

    /// <summary>The model input fed the token ids; default <c>input_ids</c>. The model must have it.</summary>
    public string InputIdsName { get; set; } = "input_ids";

    /// <summary>
    /// The model input fed the attention mask (1 for a token, 0 for padding); default <c>attention_mask</c>; fed when
    /// the model has it.
    /// </summary>
    public string AttentionMaskName { get; set; } = "attention_mask";

    /// <summary>The model input fed the segment ids (all 0: one text per row); default <c>token_type_ids</c>; fed when the model has it.</summary>
    public string TokenTypeIdsName { get; set; } = "token_type_ids";

    /// <summary>
    /// Texts per model call; default 32. Each batch is padded to its longest text, not to <see cref="MaximumTokens"/>, and
    /// texts are grouped by length first: padding is computed and thrown away, and short reviews padded to 256 tokens would
    /// cost several times their own length.
    /// </summary>
    public int BatchSize { get; set; } = Defaults.TextEncoderBatchSize;

    /// <summary>Threads ONNX Runtime may use inside one operator; null lets ONNX Runtime decide (all cores).</summary>
    public int? IntraOpNumThreads { get; set; }
}
