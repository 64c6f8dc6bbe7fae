using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MLNet.Distillation;

/// <summary>
/// Everything a training run needs to continue after its last finished epoch exactly as if it had not stopped: the
/// weights, the optimizer's state, the random generator's state, the best validation epoch's weights, the history and the
/// early-stopping counters, under a fingerprint of the options and the data. Written after every epoch under a
/// temporary name and renamed (a kill leaves the previous checkpoint whole); read whole, checked against its SHA-256 and
/// the run's fingerprint, and ignored with a warning when either differs.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "MLNDCKP1"u8;

    public required string Fingerprint { get; init; }
    public required int CompletedEpochs { get; init; }
    public required bool Stopped { get; init; }
    public required double BestScore { get; init; }
    public required int BestEpoch { get; init; }
    public required int SinceBest { get; init; }
    public required List<EpochReport> History { get; init; }
    public required byte[] Network { get; init; }
    public required byte[] Optimizer { get; init; }
    public required byte[] RandomState { get; init; }
    public required float[][]? Best { get; init; }

    /// <summary>The file of the run with this fingerprint in <paramref name="directory"/>: runs with other options or data never share one.</summary>
    public static string PathFor(string directory, string fingerprint) => Path.Combine(directory, $"checkpoint-{fingerprint[..24]}.bin");

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Fingerprint);
            w.Write(CompletedEpochs);
            w.Write(Stopped);
            w.Write(BestScore);
            w.Write(BestEpoch);
            w.Write(SinceBest);
            w.Write(JsonSerializer.Serialize(History));
            WriteBytes(w, Network);
            WriteBytes(w, Optimizer);
            WriteBytes(w, RandomState);
            w.Write(Best is not null);
            if (Best is not null)
            {
                w.Write(Best.Length);
                foreach (var tensor in Best)
                {
                    w.Write(tensor.Length);
                    foreach (var v in tensor) w.Write(v);
                }
            }
        }
        var bytes = body.ToArray();
        stream.Write(bytes);
        stream.Write(SHA256.HashData(bytes));
    });

    /// <summary>
    /// The checkpoint at <paramref name="path"/> when it exists, is whole and belongs to this run; otherwise null and,
    /// when there was a file, why it was not used.
    /// </summary>
    public static TrainingCheckpoint? TryLoad(string path, string fingerprint, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
            return null;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { problem = $"could not be read ({e.Message})"; return null; }
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            problem = "is damaged (its checksum does not match its contents)";
            return null;
        }
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
            r.ReadBytes(Magic.Length);
            string stored = r.ReadString();
            if (stored != fingerprint)
            {
                problem = "belongs to a run with other options or other data";
                return null;
            }
            var checkpoint = new TrainingCheckpoint
            {
                Fingerprint = stored,
                CompletedEpochs = r.ReadInt32(),
                Stopped = r.ReadBoolean(),
                BestScore = r.ReadDouble(),
                BestEpoch = r.ReadInt32(),
                SinceBest = r.ReadInt32(),
                History = JsonSerializer.Deserialize<List<EpochReport>>(r.ReadString())!,
                Network = ReadBytes(r),
                Optimizer = ReadBytes(r),
                RandomState = ReadBytes(r),
                Best = r.ReadBoolean()
                    ? Enumerable.Range(0, r.ReadInt32()).Select(_ => Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadSingle()).ToArray())
                        .ToArray()
                    : null,
            };
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or IOException)
        {
            problem = $"could not be parsed ({e.Message})";
            return null;
        }
    }

    private static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());
}
