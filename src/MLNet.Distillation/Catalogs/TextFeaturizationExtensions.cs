using Microsoft.ML;
using Microsoft.ML.Transforms.Text;

namespace MLNet.Distillation;

/// <summary>Adds <c>HashedTextNgrams</c>, fastText's input featurisation, to <c>mlContext.Transforms</c>.</summary>
public static class TextFeaturizationExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>
        /// fastText's input (Joulin et al. 2016) out of ML.NET's own text stages, so it saves and reloads with any model:
        /// the text lower-cased, its word 1..<paramref name="wordNgramLength"/>-grams and character
        /// 1..<paramref name="charNgramLength"/>-grams counted and hashed into 2^<paramref name="numberOfBits"/> buckets
        /// each, side by side in one sparse vector of 2·2^<paramref name="numberOfBits"/> slots. Unlike
        /// <c>FeaturizeText</c> it keeps no dictionary: n-grams never seen in training still land in a bucket (shared
        /// with others: collisions are the price of a fixed size). The input of <see cref="FastTextStudent"/>; an
        /// <see cref="MlpStudent"/> reads it too.
        /// </summary>
        /// <param name="outputColumnName">The sparse count vector to append.</param>
        /// <param name="inputColumnName">The text column; null reads <paramref name="outputColumnName"/>.</param>
        /// <param name="numberOfBits">Bits per hash: 2^bits buckets for words and as many for characters. Default 18.</param>
        /// <param name="wordNgramLength">The longest word n-gram. Default 2.</param>
        /// <param name="charNgramLength">The longest character n-gram. Default 4.</param>
        public IEstimator<ITransformer> HashedTextNgrams(string outputColumnName, string? inputColumnName = null, int numberOfBits = 18,
            int wordNgramLength = 2, int charNgramLength = 4)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
            if (numberOfBits is < 1 or > 30)
                throw new ArgumentOutOfRangeException(nameof(numberOfBits), $"numberOfBits must be between 1 and 30, not {numberOfBits}.");
            if (wordNgramLength < 1)
                throw new ArgumentOutOfRangeException(nameof(wordNgramLength), $"wordNgramLength must be at least 1, not {wordNgramLength}.");
            if (charNgramLength < 1)
                throw new ArgumentOutOfRangeException(nameof(charNgramLength), $"charNgramLength must be at least 1, not {charNgramLength}.");
            string input = inputColumnName ?? outputColumnName;
            string normalized = outputColumnName + ".normalized", words = outputColumnName + ".words", chars = outputColumnName + ".chars",
                charGrams = outputColumnName + ".charGrams";
            return catalog.Text.NormalizeText(normalized, input, TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false,
                keepPunctuations: true, keepNumbers: true)
                .Append(catalog.Text.ProduceHashedWordBags(words, normalized, numberOfBits, wordNgramLength, useAllLengths: true))
                .Append(catalog.Text.TokenizeIntoCharactersAsKeys(chars, normalized, useMarkerCharacters: true))
                .Append(catalog.Text.ProduceHashedNgrams(charGrams, chars, numberOfBits, charNgramLength, useAllLengths: true))
                .Append(catalog.Concatenate(outputColumnName, words, charGrams))
                .Append(catalog.DropColumns(normalized, words, chars, charGrams));
        }
    }
}
