import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newswatch-bench",
        abstract: "newswatch's benchmarks; build with -c release for meaningful figures.",
        subcommands: [ExtractBench.self, StoreBench.self, DiffBench.self, WebBench.self]
    )
}
