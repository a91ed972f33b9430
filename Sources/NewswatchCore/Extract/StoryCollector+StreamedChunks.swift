import Foundation

extension StoryCollector {
    /// React's streamed server rendering sends a page's late parts at the end of `<body>`,
    /// each in `<div hidden id="S:n">`, and a script moves it to `<template id="B:n">` where
    /// it belongs: read in place of the placeholder, that is story text like any other.
    struct StreamedChunk {
        var node: PageTree.NodeID
        /// The chunk's place in reading order: before the block that followed its placeholder.
        var insertBefore: Int
        /// What showed until the chunk came ("Loading..."), the element right after the
        /// placeholder: the script replaces it with the chunk.
        var fallback: PageTree.NodeID?
    }
    func streamedChunkPlaceholder(_ attributes: CommonAttributes) -> (node: PageTree.NodeID, id: Substring)? {
        guard !streamPlaceholders.isEmpty, let id = attributes.id, id.hasPrefix("S:"),
              let placeholder = streamPlaceholders[id.dropFirst(2)] else { return nil }
        return (placeholder.node, id.dropFirst(2))
    }

    /// Story blocks in reading order: a streamed chunk's blocks where its placeholder was, and
    /// not the fallback it replaced.
    func inReadingOrder(_ story: [TextBlock]) -> [TextBlock] {
        guard !streamedChunks.isEmpty else { return story }
        let insertBefore = Dictionary(streamedChunks.map { ($0.node, $0.insertBefore) }, uniquingKeysWith: { first, _ in first })
        let replaced = Set(streamedChunks.compactMap(\.fallback))
        func key(_ block: TextBlock) -> (Int, Int, Int) {
            let chunk = tree.nearest(from: block.owner) { insertBefore[$0] != nil }
            return chunk.flatMap { insertBefore[$0] }.map { ($0, 0, block.order) } ?? (block.order, 1, 0)
        }
        return story.filter { tree.nearest(from: $0.owner, where: replaced.contains) == nil }
            .map { (key($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Whether any of these blocks came from a streamed chunk, outside the story's byte range.
    func usesStreamedChunks(_ story: [TextBlock]) -> Bool {
        guard !streamedChunks.isEmpty else { return false }
        let chunks = Set(streamedChunks.map(\.node))
        return story.contains { tree.nearest(from: $0.owner, where: chunks.contains) != nil }
    }
}
