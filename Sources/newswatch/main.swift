#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewswatchBase

// The launcher: the full program links libcurl, libpq, libxml2 and Foundation, and loading
// them takes ~10 ms before its first line runs, twice GNU diff's whole time for a 1 MB diff.
// What needs none of them is answered here; everything else runs newswatch-core in this
// process's place (same pid, arguments, signals and exit status).
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["--version"] {
    print(NewswatchVersion.current)
    exit(0)
}
if let request = QuickDiff.Request(arguments), let status = QuickDiff.run(request) {
    exit(status)
}
CoreExecutable.replaceThisProcess()
