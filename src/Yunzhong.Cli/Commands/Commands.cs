namespace Yunzhong.Cli.Commands;

/// The command table: one line per `yz` verb.
internal static class Commands
{
    public const string Usage = """
        yz — Yunzhong command-line tool

          yz serve      [--data DIR] [--urls URL] [--db CONNECTION] [--blobs DIR|s3://BUCKET[/PREFIX]?endpoint=URL] [--demo] [--trust-proxy CIDR,...] [--model-servers HOST,...] [--webhook-hosts HOST,...]
          yz import     --project ID [--again] FILE...  (server at --url with --token)
          yz export     --project ID --format F [--state S] [--out FILE]
          yz release    --project ID --licence L [--formats jsonl,coco,...] [--source accepted|consensus]   (queues a release, follows its progress)
          yz user       add|list ...                    (admin, on the data directory)
          yz token      create ...                      (admin, on the data directory)
          yz stats      --project ID
          yz openapi    [--out FILE]                    (the API's OpenAPI document; no server or database needed)
          yz bench      [--annotators M] [--tasks N] [--overlap K] [--warmup N] [--vendors V] [--export jsonl|coco|... | --release [--media M] [--media-bytes B]] [--store sqlite|postgres [--db CONNECTION]] [--blobs s3://...] [--json]
          yz aggregate  [--method M] --input answers.csv --output truths.csv [--gold truth.csv] [--numeric]   (default auto)
          yz audit      verify [--data DIR | --db CONNECTION] [--json]   (the audit trail's hash chain; exit 1 names each broken entry)
          yz verify     DIR --key KEY... [--json]       (a release offline: signature, manifest, Merkle root, every file; exit 1 names each problem)
          yz verify     URL [--key KEY...] [--out DIR] --token T   (a release or download link of a server, downloaded and checked the same way)
          yz verify     FILE --proof PROOF.json --key KEY...   (one file of a release with its inclusion proof)
          yz seal       DIR --dataset NAME [--release N] --key-file SECRET [--prove PATH [--proof-out FILE]]
          yz keygen     --out SECRET                    (an Ed25519 signing key; the public key beside it as SECRET.pub.json)
          yz bench-verify [--megabytes N] [--files N]   (the hashing rate of verify)
          yz bench-park [--days 90] [--per-day 100000] [--vendors 10] [--annotators 3000] [--repeat 5] [--store sqlite|postgres [--db CONNECTION]]   (the park dashboard over rollup history)
          yz bench-learning [--data FILE.jsonl] [--repeats 10] [--step 2] [--test 10] [--measure least_confidence|margin|entropy] [--svg FILE]   (active learning: accuracy against labels, uncertainty against random order)
          yz models                                     (the server's registered models and its ONNX Runtime provider)
          yz predict    --project ID --model NAME|ID [--scope missing|all|filter] [--state S] [--pool ID [--deadline ISO] [--goal greenest|cheapest]] [--no-wait]
          yz predict    --job ID | --cancel ID          (follow a job's progress, or cancel it; Ctrl+C while following cancels it too)
          yz bench-models [--minutes 60] [--images 40] [--threads 1] [--provider auto|cpu|cuda] [--background]   (VAD real-time factor, OCR images/s, in-process)
          yz bench-truth [--data DIR] [--methods M,...] [--repeat N] [--dynamic [--min N]] [--shapes] | --synthetic N

        Commands that talk to a running server take --url (default $YZ_URL or http://localhost:5080)
        and --token (default $YZ_TOKEN).
        """;

    public static Task<int> RunAsync(string verb, CliArgs args, CancellationToken ct) => verb switch
    {
        "serve" => ServeCommand.RunAsync(args, ct),
        "user" => AdminCommands.UserAsync(args, ct),
        "token" => AdminCommands.TokenAsync(args, ct),
        "import" => DataCommands.ImportAsync(args, ct),
        "export" => DataCommands.ExportAsync(args, ct),
        "release" => DataCommands.ReleaseAsync(args, ct),
        "stats" => DataCommands.StatsAsync(args, ct),
        "openapi" => OpenApiCommand.RunAsync(args, ct),
        "bench" => BenchCommand.RunAsync(args, ct),
        "aggregate" => AggregateCommand.RunAsync(args, ct),
        "audit" => AdminCommands.AuditAsync(args, ct),
        "verify" => VerifyCommand.VerifyAsync(args, ct),
        "seal" => VerifyCommand.SealAsync(args, ct),
        "keygen" => VerifyCommand.KeygenAsync(args, ct),
        "bench-verify" => VerifyCommand.BenchAsync(args, ct),
        "bench-park" => BenchDashboard.RunAsync(args, ct),
        "bench-truth" => TruthBenchCommand.RunAsync(args, ct),
        "bench-learning" => BenchLearning.RunAsync(args, ct),
        "models" => ComputeCommands.ModelsAsync(args, ct),
        "predict" => ComputeCommands.PredictAsync(args, ct),
        "bench-models" => ComputeCommands.BenchAsync(args, ct),
        _ => throw new CliException($"unknown command '{verb}'; run 'yz help'"),
    };
}
